// HTTPS to BMCs with trust on first use. BMC certificates are self-signed, so instead of CA checks we pin
// the certificate's SHA-256 fingerprint: the TLS handshake is finished and the fingerprint checked
// before any request (and so before the Authorization header) is written to the socket.
import http from 'node:http';
import tls from 'node:tls';
import type {Duplex} from 'node:stream';
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

export function connectPinned(
  target: BmcTarget,
  policy: TlsPolicy,
  signal: AbortSignal,
  route?: RouteFn,
): Promise<ConnectResult> {
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
    socket.once('error', (error: NodeJS.ErrnoException) =>
      settle({kind: 'unreachable', message: describeNetError(error, target)}),
    );
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

/** Why a pinned connection was not made: the request never reached the BMC. */
export class PinnedConnectError extends Error {
  constructor(readonly result: Exclude<ConnectResult, {kind: 'connected'}>) {
    super(result.kind === 'unreachable' ? result.message : result.kind);
  }
}

/**
 * One BMC's HTTPS connection, kept alive across requests (a BMC that needs 0.8 s per answer would spend
 * most of a budget on TLS handshakes otherwise). Every new connection is pinned before the agent may
 * write to it, so a reconnect after an idle close is checked exactly like the first one.
 */
class PinnedAgent extends http.Agent {
  /** The signal of the request now in flight (requests to one BMC are sequential). */
  signal: AbortSignal;
  fingerprint = '';
  constructor(
    private readonly target: BmcTarget,
    private readonly policy: TlsPolicy,
    signal: AbortSignal,
    private readonly route?: RouteFn,
  ) {
    super({keepAlive: true, maxSockets: 1});
    this.signal = signal;
  }

  override createConnection(
    _options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    void connectPinned(this.target, this.policy, this.signal, this.route).then(r => {
      if (r.kind === 'connected') {
        this.fingerprint = r.fingerprint;
        callback?.(null, r.socket);
        // Node's agent passes the error on; the stream argument is unused then.
      } else callback?.(new PinnedConnectError(r), undefined as unknown as Duplex);
    });
    return undefined;
  }
}

export interface PinnedClient {
  /** The verified certificate fingerprint (empty until a connection was made). */
  readonly fingerprint: string;
  /** One GET; rejects with PinnedConnectError when no verified connection could be made. */
  get(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse>;
  close(): void;
}

export function pinnedClient(target: BmcTarget, policy: TlsPolicy, signal: AbortSignal, route?: RouteFn): PinnedClient {
  const agent = new PinnedAgent(target, policy, signal, route);
  return {
    get fingerprint() {
      return agent.fingerprint;
    },
    get: (path, headers, reqSignal) =>
      new Promise((resolve, reject) => {
        agent.signal = reqSignal;
        const req = http.request({
          host: target.host,
          port: target.port,
          path,
          method: 'GET',
          headers: {Accept: 'application/json', Connection: 'keep-alive', 'OData-Version': '4.0', ...headers},
          agent,
          signal: reqSignal,
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (error instanceof PinnedConnectError) reject(error);
          else reject(new Error(describeNetError(error, target)));
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
          res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}));
          res.on('error', () => undefined);
        });
        req.end();
      }),
    close: () => agent.destroy(),
  };
}
