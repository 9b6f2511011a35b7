// HTTPS to BMCs with trust on first use. BMC certificates are self-signed, so instead of CA checks we pin
// the certificate's SHA-256 fingerprint: the TLS handshake is finished and the fingerprint checked
// before any request (and so before the Authorization header) is written to the socket.
import http from 'node:http';
import tls from 'node:tls';
import type {BmcTarget} from './targets.js';

export interface TlsPolicy {
  /** The fingerprint remembered for this BMC (AA:BB:.. or plain hex). */
  fingerprint?: string;
  /** Skip verification entirely (explicit opt-in). */
  insecure?: boolean;
}

/** Where to really connect for host:port (the Net port's route: the demo maps BMC addresses to loopback). */
export type RouteFn = (host: string, port: number) => {host: string; port: number};

export type ConnectResult =
  | {kind: 'connected'; socket: tls.TLSSocket; fingerprint: string}
  | {kind: 'needsTrust'; fingerprint: string}
  | {kind: 'fingerprintMismatch'; expected: string; actual: string}
  | {kind: 'unreachable'; message: string};

/** AA:BB:.. uppercase, the form Node and openssl print. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

function describeNetError(error: NodeJS.ErrnoException, target: BmcTarget): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `${target.key}: connection refused (no HTTPS service)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${target.key}: host unreachable`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${target.key}: name does not resolve`;
    case 'ECONNRESET':
      return `${target.key}: connection reset during the TLS handshake`;
    case 'ABORT_ERR':
      return `${target.key}: timed out or cancelled`;
    default:
      return `${target.key}: ${error.code ?? error.message}`;
  }
}

export function connectPinned(target: BmcTarget, policy: TlsPolicy, signal: AbortSignal, route?: RouteFn): Promise<ConnectResult> {
  return new Promise(resolve => {
    if (signal.aborted) {
      resolve({kind: 'unreachable', message: `${target.key}: timed out or cancelled`});
      return;
    }
    let to: {host: string; port: number};
    try {
      to = route ? route(target.host, target.port) : target;
    } catch (error) {
      resolve({kind: 'unreachable', message: `${target.key}: ${(error as Error).message}`});
      return;
    }
    const isIp = /^[\d.]+$/.test(target.host) || target.host.includes(':');
    const socket = tls.connect({
      host: to.host,
      port: to.port,
      // Verified below by fingerprint; CA validation means nothing for a self-signed BMC certificate.
      rejectUnauthorized: false,
      ...(isIp ? {} : {servername: target.host}),
    });
    const onAbort = () => socket.destroy(Object.assign(new Error('aborted'), {code: 'ABORT_ERR'}));
    signal.addEventListener('abort', onAbort, {once: true});
    const settle = (r: ConnectResult) => {
      signal.removeEventListener('abort', onAbort);
      if (r.kind !== 'connected') socket.destroy();
      resolve(r);
    };
    socket.once('error', (error: NodeJS.ErrnoException) => settle({kind: 'unreachable', message: describeNetError(error, target)}));
    socket.once('secureConnect', () => {
      socket.removeAllListeners('error');
      const cert = socket.getPeerCertificate();
      const actual = cert?.fingerprint256 ? normalizeFingerprint(cert.fingerprint256) : '';
      if (!actual) {
        settle({kind: 'unreachable', message: `${target.key}: the server sent no certificate`});
        return;
      }
      if (policy.insecure) return settle({kind: 'connected', socket, fingerprint: actual});
      if (policy.fingerprint) {
        const expected = normalizeFingerprint(policy.fingerprint);
        if (expected === actual) return settle({kind: 'connected', socket, fingerprint: actual});
        return settle({kind: 'fingerprintMismatch', expected, actual});
      }
      settle({kind: 'needsTrust', fingerprint: actual});
    });
  });
}

export interface HttpResponse {
  status: number;
  body: string;
}

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** One GET over an already verified TLS socket; the socket is closed afterwards. */
export function getOverSocket(
  socket: tls.TLSSocket,
  target: BmcTarget,
  path: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: target.host,
      port: target.port,
      path,
      method: 'GET',
      headers: {Accept: 'application/json', Connection: 'close', 'OData-Version': '4.0', ...headers},
      createConnection: () => socket,
      signal,
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(new Error(describeNetError(error, target)));
    });
    req.on('response', res => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(new Error(`response from ${target.key}${path} exceeds ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        socket.destroy();
        resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')});
      });
      res.on('error', () => undefined);
    });
    req.end();
  });
}
