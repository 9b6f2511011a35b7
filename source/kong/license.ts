// Kong Enterprise's licence is JSON: {"license": {"payload": {...}, "signature": "...", "version": ...}}
// (docs.konghq.com, "Deploy an Enterprise License"). A file that is not that shape, /etc/shadow say, must
// not be copied into a Secret on the data plane's cluster. Problems never quote the content.

/** Why the text is not a Kong licence, or undefined when it has the licence's shape. */
export function kongLicenseProblem(text: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  const license = isObject(doc) ? doc['license'] : undefined;
  if (!isObject(license)) return 'has no "license" object at the top';
  if (!isObject(license['payload'])) return 'has no "license.payload" object';
  if (typeof license['signature'] !== 'string' || license['signature'] === '')
    return 'has no "license.signature" string';
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
