// The part of Kubernetes' protobuf encoding that real kubectl sends to this fake API: `kubectl create
// namespace` posts a v1.Namespace as application/vnd.kubernetes.protobuf. The envelope is "k8s\0" then a
// runtime.Unknown {1: typeMeta {1: apiVersion, 2: kind}, 2: raw} (k8s.io/apimachinery/pkg/runtime/
// serializer/protobuf); raw is the object, whose field 1 is ObjectMeta {1: name, 2: generateName,
// 3: namespace, 11: labels, 12: annotations} (k8s.io/api/core/v1/generated.proto). Only objects that are
// nothing but metadata and an empty spec/status (Namespace) are decoded; anything else is refused as the
// media type it is.

type Fields = Map<number, Buffer[]>;

function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): number => {
    let n = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++]!;
      n += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return n;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw new Error('truncated field');
      out.set(field, [...(out.get(field) ?? []), buf.subarray(i, i + len)]);
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (f: Fields, n: number) => f.get(n)?.[0]?.toString('utf8');

function stringMap(entries: Buffer[] | undefined): Record<string, string> | undefined {
  if (!entries?.length) return undefined;
  return Object.fromEntries(entries.map(e => fields(e)).map(f => [text(f, 1) ?? '', text(f, 2) ?? '']));
}

/** The object a protobuf body carries, or an Error saying why this fake cannot read it. */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> | Error {
  try {
    if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') return new Error('no k8s envelope');
    const unknown = fields(body.subarray(4));
    const typeMeta = fields(unknown.get(1)?.[0] ?? Buffer.alloc(0));
    const kind = text(typeMeta, 2);
    const apiVersion = text(typeMeta, 1);
    const object = fields(unknown.get(2)?.[0] ?? Buffer.alloc(0));
    if (kind !== 'Namespace' || [...object.keys()].some(k => k > 3))
      return new Error(`${kind ?? 'this object'} in protobuf`);
    const meta = fields(object.get(1)?.[0] ?? Buffer.alloc(0));
    const metadata: Record<string, unknown> = {};
    for (const [n, key] of [
      [1, 'name'],
      [2, 'generateName'],
      [3, 'namespace'],
    ] as const) {
      const v = text(meta, n);
      if (v) metadata[key] = v;
    }
    const labels = stringMap(meta.get(11));
    const annotations = stringMap(meta.get(12));
    if (labels) metadata['labels'] = labels;
    if (annotations) metadata['annotations'] = annotations;
    return {apiVersion, kind, metadata};
  } catch (error) {
    return error as Error;
  }
}
