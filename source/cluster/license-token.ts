// The EKS Anywhere licence token (spec.licenseToken, eksctl v0.22+): a JWT signed by AWS. Its
// signature can only be checked by eksctl (the key ships in its bundle), but the payload is plain
// base64url JSON, so the wizard can read endValidity and say early that a token is expired or ends
// soon, before a 20-minute create fails on it (pkg/validations/extendedversion.go).

export interface LicenseTokenInfo {
  /** endValidity from the payload, as epoch ms; undefined when the payload has none. */
  endValidity: number | undefined;
}

export type LicenseTokenRead = {ok: true; info: LicenseTokenInfo} | {ok: false; problem: string};

function base64urlJson(part: string): unknown {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(part)) throw new Error('not base64url');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Reads the payload; the problem text never contains the token or any part of it. */
export function readLicenseToken(token: string): LicenseTokenRead {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts.some(p => p === '')) {
    return {ok: false, problem: 'is not a licence token: expected a JWT (three base64url parts separated by ".")'};
  }
  let payload: unknown;
  try {
    base64urlJson(parts[0]!);
    payload = base64urlJson(parts[1]!);
  } catch {
    return {ok: false, problem: 'is not a licence token: its header or payload is not base64url-encoded JSON'};
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return {ok: false, problem: 'is not a licence token: its payload is not a JSON object'};
  }
  const raw = (payload as Record<string, unknown>)['endValidity'];
  if (raw === undefined) return {ok: true, info: {endValidity: undefined}};
  const end = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(end)) return {ok: false, problem: 'is not a licence token: endValidity is not an RFC 3339 time'};
  return {ok: true, info: {endValidity: end}};
}

/** Warn this long before endValidity. */
export const LICENSE_WARN_DAYS = 30;
