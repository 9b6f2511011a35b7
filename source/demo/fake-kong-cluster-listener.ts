// FAKE of Kong's control plane cluster listener (8005, and the telemetry listener 8006) in shared mode,
// for tests and the demo world. Like Kong: it asks for a client certificate without verifying a chain,
// compares the SHA-256 digest of the client certificate with its own, and closes without an answer
// (nginx 444) on a mismatch; `GET /v1/outlet` without node_id gets 400.
import {createHash, X509Certificate} from 'node:crypto';
import type {AddressInfo} from 'node:net';
import {createServer, type TLSSocket} from 'node:tls';

export interface FakeClusterListenerOptions {
  certPem: string;
  keyPem: string;
  host?: string;
  port?: number;
  /** Called when a data plane opens /v1/outlet with its node id (simulated connection). */
  onDataPlane?: (node: {id: string; hostname?: string; version?: string; ip?: string}) => void;
  /** Called when that connection closes (the pod went away or the CP restarted). */
  onDataPlaneGone?: (id: string) => void;
}

export interface FakeClusterListener {
  host: string;
  port: number;
  /** What the fake would have logged, like the CP's error log. */
  readonly log: string[];
  /** Serve another certificate from now on (a CP whose secret was created after the listener started). */
  setCert(cert: {certPem: string; keyPem: string}): void;
  close(): Promise<void>;
}

const digest = (der: Buffer) => createHash('sha256').update(der).digest('hex');

export async function startFakeKongClusterListener(options: FakeClusterListenerOptions): Promise<FakeClusterListener> {
  let ownDigest = digest(new X509Certificate(options.certPem).raw);
  const log: string[] = [];
  const sockets = new Set<TLSSocket>();
  const server = createServer(
    {cert: options.certPem, key: options.keyPem, requestCert: true, rejectUnauthorized: false},
    socket => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const peer = socket.getPeerCertificate();
      if (!peer?.raw || digest(peer.raw) !== ownDigest) {
        log.push(
          '[clustering] data plane presented incorrect client certificate during handshake (digest does not match the control plane certificate)',
        );
        socket.destroy();
        return;
      }
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) {
          if (head.length > 16384) socket.destroy();
          return;
        }
        socket.off('data', onData);
        const [method = '', target = ''] = head.split('\r\n')[0]?.split(' ') ?? [];
        const url = new URL(target, 'https://kong_clustering');
        if (method !== 'GET' || (url.pathname !== '/v1/outlet' && url.pathname !== '/v2/outlet')) {
          socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        }
        const id = url.searchParams.get('node_id');
        if (!id) {
          log.push("[clustering] data plane didn't pass the id");
          socket.end(
            'HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
          );
          return;
        }
        options.onDataPlane?.({
          id,
          hostname: url.searchParams.get('node_hostname') ?? undefined,
          version: url.searchParams.get('node_version') ?? undefined,
          ip: socket.remoteAddress,
        });
        socket.once('close', () => options.onDataPlaneGone?.(id));
        // The real CP upgrades to a WebSocket here; the fake only keeps the connection open.
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      };
      socket.on('data', onData);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    log,
    setCert: cert => {
      server.setSecureContext({cert: cert.certPem, key: cert.keyPem});
      ownDigest = digest(new X509Certificate(cert.certPem).raw);
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
