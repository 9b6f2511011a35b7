// Test fakes for the Kong modules: an in-memory KubeApi, a recording CommandRunner, a virtual clock,
// certificate factories, and a tiny fake Kubernetes API server on loopback for the client-node adapter.
import {webcrypto, randomBytes, generateKeyPairSync} from 'node:crypto';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as x509 from '@peculiar/x509';
import type {Clock} from '../../source/ports.js';
import type {CommandResult, CommandRunner, CommandSpec, RunningCommand} from '../../source/run/types.js';
import {
  KubeApiError,
  type KubeApi,
  type KubeKind,
  type KubeKinds,
  type PodLogOptions,
} from '../../source/kong/kube-api.js';

// ---------- KubeApi

function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every(term => {
    const [key, value] = term.split('=');
    return key !== undefined && labels?.[key] === value;
  });
}

/** FAKE in-memory KubeApi. `failures` maps "verb:Kind" to an HTTP status to throw. */
export class FakeKubeApi implements KubeApi {
  readonly objects = new Map<string, {kind: KubeKind; namespace: string; object: unknown}>();
  readonly logs = new Map<string, string>();
  readonly failures = new Map<string, number>();
  readonly calls: string[] = [];
  #version = 1;

  #key(kind: string, namespace: string, name: string): string {
    return `${kind}/${kind === 'Namespace' ? '' : namespace}/${name}`;
  }

  #fail(verb: string, kind: string, name: string): void {
    this.calls.push(`${verb}:${kind}:${name}`);
    const status = this.failures.get(`${verb}:${kind}`);
    if (status !== undefined) throw new KubeApiError(`HTTP ${status} for ${kind} ${name}`, status, kind, name);
  }

  /** Stores an object as if it existed on the server. */
  add<K extends KubeKind>(kind: K, namespace: string, object: KubeKinds[K]): void {
    const copy = structuredClone(object) as KubeKinds[K];
    copy.metadata = {
      ...copy.metadata,
      namespace: kind === 'Namespace' ? undefined : namespace,
      resourceVersion: String(this.#version++),
      uid: `uid-${this.#version}`,
    };
    this.objects.set(this.#key(kind, namespace, object.metadata.name), {kind, namespace, object: copy});
  }

  async get<K extends KubeKind>(kind: K, namespace: string, name: string): Promise<KubeKinds[K] | null> {
    this.#fail('get', kind, name);
    const entry = this.objects.get(this.#key(kind, namespace, name));
    return entry ? (structuredClone(entry.object) as KubeKinds[K]) : null;
  }

  async list<K extends KubeKind>(
    kind: K,
    namespace: string,
    options: {labelSelector?: string} = {},
  ): Promise<Array<KubeKinds[K]>> {
    this.#fail('list', kind, '*');
    return [...this.objects.values()]
      .filter(e => e.kind === kind && (kind === 'Namespace' || e.namespace === namespace))
      .map(e => structuredClone(e.object) as KubeKinds[K])
      .filter(o => matchesSelector(o.metadata.labels, options.labelSelector));
  }

  async create<K extends KubeKind>(kind: K, namespace: string, object: KubeKinds[K]): Promise<KubeKinds[K]> {
    this.#fail('create', kind, object.metadata.name);
    if (this.objects.has(this.#key(kind, namespace, object.metadata.name)))
      throw new KubeApiError('HTTP 409 AlreadyExists', 409, kind, object.metadata.name);
    this.add(kind, namespace, object);
    return (await this.get(kind, namespace, object.metadata.name))!;
  }

  async replace<K extends KubeKind>(kind: K, namespace: string, object: KubeKinds[K]): Promise<KubeKinds[K]> {
    this.#fail('replace', kind, object.metadata.name);
    const current = this.objects.get(this.#key(kind, namespace, object.metadata.name));
    if (!current) throw new KubeApiError('HTTP 404 NotFound', 404, kind, object.metadata.name);
    const currentVersion = (current.object as {metadata: {resourceVersion?: string}}).metadata.resourceVersion;
    if (object.metadata.resourceVersion !== undefined && object.metadata.resourceVersion !== currentVersion) {
      throw new KubeApiError('HTTP 409 Conflict', 409, kind, object.metadata.name);
    }
    this.add(kind, namespace, object);
    return (await this.get(kind, namespace, object.metadata.name))!;
  }

  async podLog(namespace: string, pod: string, _options: PodLogOptions = {}): Promise<string> {
    this.#fail('log', 'Pod', pod);
    const log = this.logs.get(`${namespace}/${pod}`);
    if (log === undefined) throw new KubeApiError('HTTP 400 BadRequest', 400, 'Pod', pod);
    return log;
  }
}

// ---------- Clock

/** FAKE clock: sleep advances virtual time at once. */
export function fakeClock(start = Date.UTC(2026, 5, 1)): Clock & {slept: number[]} {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      slept.push(ms);
      now += ms;
      await new Promise(resolve => setImmediate(resolve));
    },
  };
}

/** A clock that really sleeps, but only 1/step of the time asked; for tests against loopback fakes. */
export function quickClock(divider = 100): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, Math.max(1, ms / divider));
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(signal.reason);
          },
          {once: true},
        );
      }),
  };
}

// ---------- CommandRunner

/** FAKE runner: records specs and answers with the given exit codes (default 0). */
export class FakeCommandRunner implements CommandRunner {
  readonly specs: CommandSpec[] = [];
  #id = 0;
  constructor(private readonly exitCodes: number[] = []) {}

  start(spec: CommandSpec): RunningCommand {
    this.specs.push(spec);
    const exitCode = this.exitCodes[this.specs.length - 1] ?? 0;
    const result: CommandResult = {
      ok: exitCode === 0,
      exitCode,
      signal: null,
      durationMs: 1,
      lineCount: 0,
      logPath: null,
      ...(exitCode ? {error: `exit code ${exitCode}`} : {}),
    };
    const empty = {total: 0, size: 0, slice: () => [], tail: () => [], subscribe: () => () => undefined};
    return {
      id: ++this.#id,
      spec,
      display: [spec.command, ...spec.args].join(' '),
      startedAt: 0,
      output: empty,
      logPath: null,
      done: Promise.resolve(result),
    };
  }
}

// ---------- Certificates

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface TestCert {
  certPem: string;
  keyPem: string;
  keys: CryptoKeyPair;
}

const DAY = 86_400_000;

function toPem(label: string, der: ArrayBuffer): string {
  return `-----BEGIN ${label}-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END ${label}-----\n`;
}

/** A self-signed test certificate: EC P-384 (like kong hybrid gen_cert) or RSA 2048. */
export async function makeCert(
  options: {
    cn?: string;
    keyType?: 'ec' | 'rsa';
    notBefore?: Date;
    notAfter?: Date;
    keys?: CryptoKeyPair;
    dnsSan?: string[];
  } = {},
): Promise<TestCert> {
  const algorithm =
    options.keyType === 'rsa'
      ? {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048}
      : {name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384'};
  const keys =
    options.keys ?? ((await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair);
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${options.cn ?? 'kong_clustering'}`,
    notBefore,
    notAfter: options.notAfter ?? new Date(notBefore.getTime() + 365 * DAY),
    signingAlgorithm: algorithm,
    keys,
    extensions: options.dnsSan
      ? [new x509.SubjectAlternativeNameExtension(options.dnsSan.map(value => ({type: 'dns' as const, value})))]
      : [],
  });
  const keyPem = toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {certPem: cert.toString('pem') + '\n', keyPem, keys};
}

/** A CA and leaves it issues (pki mode): each leaf gets a DNS SAN equal to its CN. */
export async function makeCaWithLeaves(leafNames: string[]): Promise<{ca: TestCert; leaves: TestCert[]}> {
  const algorithm = {name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384'};
  const notBefore = new Date(Date.now() - DAY);
  const notAfter = new Date(Date.now() + 365 * DAY);
  const caKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test Cluster CA',
    notBefore,
    notAfter,
    signingAlgorithm: algorithm,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const ca = {
    certPem: caCert.toString('pem') + '\n',
    keyPem: toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey)),
    keys: caKeys,
  };
  const leaves: TestCert[] = [];
  for (const [i, name] of leafNames.entries()) {
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: `1${i}`,
      subject: `CN=${name}`,
      issuer: caCert.subject,
      notBefore,
      notAfter,
      signingAlgorithm: algorithm,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.SubjectAlternativeNameExtension([{type: 'dns', value: name}]),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      ],
    });
    leaves.push({
      certPem: cert.toString('pem') + '\n',
      keyPem: toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
      keys,
    });
  }
  return {ca, leaves};
}

/** An unrelated RSA key in PEM, for key-mismatch cases. */
export function otherKeyPem(): string {
  return generateKeyPairSync('ec', {namedCurve: 'secp384r1'})
    .privateKey.export({type: 'pkcs8', format: 'pem'})
    .toString();
}

export function tlsSecret(name: string, cert: {certPem: string; keyPem: string}, extra: Record<string, string> = {}) {
  return {
    metadata: {
      name,
      labels: {'app.kubernetes.io/managed-by': 'Helm'},
      annotations: {'meta.helm.sh/release-name': 'kong-cp'},
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(cert.certPem).toString('base64'),
      'tls.key': Buffer.from(cert.keyPem).toString('base64'),
      ...extra,
    },
  };
}

// ---------- A FAKE Kubernetes API server (loopback, JSON, bearer token) for the client-node adapter

export interface FakeKubeServer {
  url: string;
  kubeconfigPath: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves the objects of a FakeKubeApi over the real REST paths; writes a kubeconfig pointing at it. */
export async function startFakeKubeServer(store: FakeKubeApi, token = 'test-token'): Promise<FakeKubeServer> {
  const requests: string[] = [];
  const plural: Record<string, KubeKind> = {
    services: 'Service',
    deployments: 'Deployment',
    secrets: 'Secret',
    namespaces: 'Namespace',
    pods: 'Pod',
  };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {'content-type': typeof body === 'string' ? 'text/plain' : 'application/json'});
    res.end(text);
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(res, 401, {kind: 'Status', code: 401, reason: 'Unauthorized'});
    const m =
      /^\/(?:api\/v1|apis\/apps\/v1)(?:\/namespaces\/([^/]+))?\/(services|deployments|secrets|namespaces|pods)(?:\/([^/]+))?(?:\/(log))?$/.exec(
        url.pathname,
      );
    const nsOnly = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/.exec(url.pathname);
    let kind: KubeKind | undefined;
    let namespace = '';
    let name: string | undefined;
    let log = false;
    if (nsOnly) {
      kind = 'Namespace';
      name = nsOnly[1];
    } else if (m) {
      kind = plural[m[2]!];
      namespace = m[1] ?? '';
      name = m[3];
      log = m[4] === 'log';
    }
    if (!kind) return send(res, 404, {kind: 'Status', code: 404, reason: 'NotFound'});
    try {
      if (log && name) return send(res, 200, await store.podLog(namespace, name));
      if (req.method === 'GET' && name) {
        const obj = await store.get(kind, namespace, name);
        return obj
          ? send(res, 200, {apiVersion: 'v1', kind, ...obj})
          : send(res, 404, {kind: 'Status', code: 404, reason: 'NotFound'});
      }
      if (req.method === 'GET') {
        const items = await store.list(kind, namespace, {
          labelSelector: url.searchParams.get('labelSelector') ?? undefined,
        });
        return send(res, 200, {apiVersion: 'v1', kind: `${kind}List`, metadata: {}, items});
      }
      if (req.method === 'POST') return send(res, 201, await store.create(kind, namespace, await readBody(req)));
      if (req.method === 'PUT') return send(res, 200, await store.replace(kind, namespace, await readBody(req)));
    } catch (error) {
      const status = (error as KubeApiError).status ?? 500;
      return send(res, status, {kind: 'Status', code: status, reason: 'Failure', message: 'fake'});
    }
    send(res, 405, {kind: 'Status', code: 405});
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'kong-kube-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfigPath,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`, // client-node refuses plain http otherwise
      'users:',
      `- name: fake-user\n  user:\n    token: ${token}`,
      'contexts:',
      '- name: other\n  context:\n    cluster: nowhere\n    user: fake-user',
      '- name: fake-cp\n  context:\n    cluster: fake\n    user: fake-user\n    namespace: kong',
      'current-context: other',
      '',
    ].join('\n'),
    {mode: 0o600},
  );
  return {
    url,
    kubeconfigPath,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
