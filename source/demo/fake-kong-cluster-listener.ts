// FAKE of Kong's control plane cluster listener (8005, and the telemetry listener 8006), for tests and the
// demo world. Like Kong (kong/templates/nginx_kong.lua, kong/clustering/tls.lua):
//   shared: `ssl_verify_client optional_no_ca`: it asks for a client certificate without verifying a
//           chain, compares its SHA-256 digest with its own certificate's and closes without an answer
//           (nginx 444) on a mismatch;
//   pki:    `ssl_verify_client on` + `ssl_client_certificate <cluster_ca_cert>`: the handshake completes
//           whatever the client sends (nginx's verify callback accepts), then nginx answers the request
//           with its own 400 page, "No required SSL certificate was sent" or "The SSL certificate error"
//           (ngx_http_request.c, ngx_http_special_response.c), logging the OpenSSL verify error.
// `GET /v1/outlet` without node_id gets Kong's plain 400.
import {createHash, X509Certificate} from 'node:crypto';
import type {AddressInfo} from 'node:net';
import {createServer, type TLSSocket} from 'node:tls';

export interface FakeClusterListenerOptions {
  certPem: string;
  keyPem: string;
  /** cluster_mtls (default shared). */
  mode?: 'shared' | 'pki';
  /** pki: cluster_ca_cert, the CA client certificates must chain to. */
  caPem?: string;
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

/** nginx's special response for 495/496, sent as 400 (ngx_http_special_response.c; Kong's nginx is openresty). */
function nginxCertPage(reason: string): string {
  const body =
    `<html>\r\n<head><title>400 ${reason}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n` +
    `<center>${reason}</center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n`;
  return (
    `HTTP/1.1 400 Bad Request\r\nServer: openresty\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

/** OpenSSL's number and text for a verify error, as nginx logs them. */
const OPENSSL_VERIFY: Record<string, string> = {
  CERT_SIGNATURE_FAILURE: '7:certificate signature failure',
  CERT_HAS_EXPIRED: '10:certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: '18:self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: '19:self-signed certificate in certificate chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: '20:unable to get local issuer certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '21:unable to verify the first certificate',
  INVALID_PURPOSE: '26:unsuitable certificate purpose',
};

export async function startFakeKongClusterListener(options: FakeClusterListenerOptions): Promise<FakeClusterListener> {
  let ownDigest = digest(new X509Certificate(options.certPem).raw);
  const pki = options.mode === 'pki';
  if (pki && !options.caPem) throw new Error('cluster_ca_cert must be specified when cluster_mtls = "pki"');
  const log: string[] = [];
  const sockets = new Set<TLSSocket>();
  const server = createServer(
    {
      cert: options.certPem,
      key: options.keyPem,
      requestCert: true,
      rejectUnauthorized: false,
      ...(pki ? {ca: [options.caPem!]} : {}),
    },
    socket => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const peer = socket.getPeerCertificate();
      // pki: nginx judges the client certificate once the request head is read.
      let refusal: string | undefined;
      if (pki && !peer?.raw) {
        refusal = 'No required SSL certificate was sent';
        log.push('[info] client sent no required SSL certificate while reading client request headers');
      } else if (pki && !socket.authorized) {
        const code = String(socket.authorizationError ?? '');
        refusal = 'The SSL certificate error';
        log.push(
          `[info] client SSL certificate verify error: (${OPENSSL_VERIFY[code] ?? code}) while reading client request headers`,
        );
      } else if (!pki && (!peer?.raw || digest(peer.raw) !== ownDigest)) {
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
        if (refusal) {
          socket.end(nginxCertPage(refusal));
          return;
        }
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
      server.setSecureContext({cert: cert.certPem, key: cert.keyPem, ...(pki ? {ca: [options.caPem!]} : {})});
      ownDigest = digest(new X509Certificate(cert.certPem).raw);
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
