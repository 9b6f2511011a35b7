// FAKE of the clustering client inside a Kong data plane pod (kong/clustering/data_plane.lua and the
// TLS setup of kong/clustering/utils.lua), for the demo world and the integration tests. Each beat it
// reads the pod's KONG_* settings and mounted secret files, and when not connected dials
// cluster_control_plane through the demo's Net with its cluster certificate:
//   shared: server name `kong_clustering`, the server must present the DP's own certificate (it is the
//           trust anchor: lua_ssl_trusted_certificate = tls.crt);
//   pki:    server name cluster_server_name (default: the host of cluster_control_plane), the server
//           certificate must chain to cluster_ca_cert.
// It registers only through the CP's listener (GET /v1/outlet → 101) and logs Kong's error lines
// otherwise. Ready (the chart's readiness probe on /status/ready) needs a connection and a non-empty
// configuration: kong/status/ready.lua answers 503 "no configuration available (empty configuration
// present)" while the CP holds no entities.
import {randomBytes, randomUUID, X509Certificate} from 'node:crypto';
import {checkServerIdentity, connect, type TLSSocket} from 'node:tls';
import {NetRouteError, type Net} from '../ports.js';
import type {DataPlaneAgent, DpBeat, DpPodView} from './scenarios/new-cluster-data-plane.js';
import {EMPTY_CONFIG_HASH} from './fake-kong-admin.js';

export interface FakeKongDataPlaneOptions {
  net: Net;
  /** The config hash the CP holds for a connected node (its /clustering/data-planes row), if any. */
  configHashOf(nodeId: string): string | undefined;
  /** Bound on one dial (the real client's connect timeout is longer; the demo runs fast). */
  connectTimeoutMs?: number;
}

interface Node {
  id: string;
  socket?: TLSSocket;
  connected: boolean;
  /** The last error line, so a failing pod does not repeat it every beat. */
  lastError?: string;
  dialing?: Promise<void>;
}

const RETRY = 'retrying after 5 seconds';

/** Kong's wording of a TLS failure (lua-resty-openssl / ngx.socket sslhandshake errors). */
function tlsError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'ssl handshake failed: 18: self-signed certificate';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'ssl handshake failed: certificate host mismatch';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'ssl handshake failed: 20: unable to get local issuer certificate';
    case 'CERT_SIGNATURE_FAILURE':
      // Another CA of the same name: OpenSSL finds it as the issuer, then the signature does not verify.
      return 'ssl handshake failed: 7: certificate signature failure';
    case 'CERT_HAS_EXPIRED':
      return 'ssl handshake failed: 10: certificate has expired';
    case 'ECONNREFUSED':
      return 'failed to connect: connection refused';
    case 'ETIMEDOUT':
      return 'failed to connect: timeout';
    case 'ECONNRESET':
      return 'failed to connect: failed to receive response header: closed';
    default:
      return `failed to connect: ${error.message}`;
  }
}

/** The simulated Kong of every DP pod, keyed by pod name. */
export function createFakeKongDataPlane(options: FakeKongDataPlaneOptions): DataPlaneAgent & {close(): void} {
  const nodes = new Map<string, Node>();

  async function dial(pod: DpPodView, node: Node): Promise<string | undefined> {
    const env = pod.env;
    const endpoint = env['cluster_control_plane'] ?? '';
    const m = /^([^:]+):(\d+)$/.exec(endpoint);
    const where = `wss://${endpoint}/v1/outlet`;
    const broken = (err: string) =>
      `[error] 1#0: *1 [lua] data_plane.lua: [clustering] connection to control plane ${where} broken: ${err} (${RETRY}) [${endpoint}]`;
    if (!m) return broken(`failed to connect: invalid cluster_control_plane "${endpoint}"`);
    const [, host = '', portText = ''] = m;
    const port = Number(portText);
    const mode = env['cluster_mtls'] ?? 'shared';
    const certPem = pod.file(env['cluster_cert'] ?? '');
    const keyPem = pod.file(env['cluster_cert_key'] ?? '');
    let ca: string | undefined;
    let serverName: string;
    if (mode === 'pki') {
      ca = pod.file(env['cluster_ca_cert'] ?? '');
      serverName = env['cluster_server_name'] || host;
    } else {
      ca = certPem;
      serverName = 'kong_clustering';
    }
    try {
      await options.net.lookup(host);
    } catch {
      return broken(
        `failed to connect: [cosocket] DNS resolution failed: dns server error: 3 name error. Tried: ["(short)${host}:(na) - cache-miss","${host}:1 - cache-miss/querying/dns server error: 3 name error"]`,
      );
    }
    let to: {host: string; port: number};
    try {
      to = options.net.route(host, port);
    } catch (error) {
      if (error instanceof NetRouteError) return broken('failed to connect: timeout');
      throw error;
    }
    return new Promise<string | undefined>(resolve => {
      let settled = false;
      const finish = (line: string | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(line);
      };
      const socket = connect({
        host: to.host,
        port: to.port,
        servername: serverName,
        cert: certPem,
        key: keyPem,
        ca: ca ? [ca] : undefined,
        rejectUnauthorized: true,
        checkServerIdentity: (_host, cert) => checkServerIdentity(serverName, cert),
      });
      const timer = setTimeout(() => {
        socket.destroy();
        finish(broken('failed to connect: timeout'));
      }, options.connectTimeoutMs ?? 5000);
      socket.on('error', error => {
        socket.destroy();
        if (node.connected) {
          node.connected = false;
          return;
        }
        finish(broken(tlsError(error as NodeJS.ErrnoException)));
      });
      socket.once('secureConnect', () => {
        // shared mode: the CP must be the holder of the very certificate the DP has.
        if (mode !== 'pki' && certPem) {
          const peer = socket.getPeerX509Certificate();
          if (!peer || !peer.raw.equals(new X509Certificate(certPem).raw)) {
            socket.destroy();
            return finish(broken('ssl handshake failed: 18: self-signed certificate'));
          }
        }
        const query = new URLSearchParams({
          node_id: node.id,
          node_hostname: pod.name,
          node_version: pod.image.slice(pod.image.lastIndexOf(':') + 1),
        });
        socket.write(
          `GET /v1/outlet?${query} HTTP/1.1\r\nHost: ${endpoint}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
        let head = '';
        const onData = (chunk: Buffer) => {
          head += chunk.toString('latin1');
          if (!head.includes('\r\n\r\n')) return;
          socket.off('data', onData);
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
          if (status === 101) {
            node.socket = socket;
            node.connected = true;
            socket.once('close', () => {
              node.connected = false;
              node.socket = undefined;
            });
            return finish(undefined);
          }
          socket.destroy();
          finish(
            broken(
              `failed to connect: websocket handshake failed: bad HTTP status ${status}${/SSL certificate/.test(head) ? ' (The SSL certificate error)' : ''}`,
            ),
          );
        };
        socket.on('data', onData);
        // The CP closes without an answer (nginx 444) when it rejects the client certificate.
        socket.once('end', () => finish(broken('failed to connect: failed to receive response header: closed')));
        socket.once('close', () => finish(broken('failed to connect: failed to receive response header: closed')));
      });
    });
  }

  return {
    async beat(pod): Promise<DpBeat> {
      let node = nodes.get(pod.name);
      if (!node) {
        node = {id: randomUUID(), connected: false};
        nodes.set(pod.name, node);
      }
      const env = pod.env;
      // kong/conf_loader: a data plane refuses to start without its certificate files.
      for (const key of [
        'cluster_cert',
        'cluster_cert_key',
        ...(env['cluster_mtls'] === 'pki' ? ['cluster_ca_cert'] : []),
      ]) {
        const path = env[key];
        if (!path) return {ready: false, log: [], crash: `Error: ${key} must be set when role = "data_plane"`};
        if (pod.file(path) === undefined)
          return {ready: false, log: [], crash: `Error: ${key}: failed loading certificate from ${path}`};
      }
      const log: string[] = [];
      if (!node.connected) {
        node.dialing ??= dial(pod, node).then(line => {
          node!.dialing = undefined;
          if (line && line !== node!.lastError) log.push(line);
          node!.lastError = line;
          if (!line)
            log.push(
              `[notice] 1#0: *1 [lua] data_plane.lua: [clustering] connected to control plane ${env['cluster_control_plane']} (node ${node!.id})`,
            );
        });
        await node.dialing;
      }
      if (!node.connected) return {ready: false, log};
      const hash = options.configHashOf(node.id);
      return {ready: hash !== undefined && hash !== EMPTY_CONFIG_HASH, log};
    },
    forget(name) {
      nodes.get(name)?.socket?.destroy();
      nodes.delete(name);
    },
    close() {
      for (const node of nodes.values()) node.socket?.destroy();
      nodes.clear();
    },
  };
}
