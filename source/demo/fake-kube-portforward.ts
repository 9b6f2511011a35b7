// FAKE of the Kubernetes `pods/portforward` subresource over WebSocket (the channel protocol that
// @kubernetes/client-node's PortForward speaks), for the demo's fake API server. As the kubelet does:
// the pod must exist and run, `ports` is required, every channel opens with the port number (2 bytes,
// little endian), data travels on channel 0 and errors on channel 1; a port nothing listens on gets
// the kubelet's "connection refused" text on the error channel.
// [code: kubernetes pkg/kubelet/cri/streaming/portforward/websocket.go, client-node portforward.ts]
import {connect, type Socket} from 'node:net';
import type {IncomingMessage, Server} from 'node:http';
import type {Duplex} from 'node:stream';
import {WebSocketServer, type WebSocket} from 'ws';
import type {KubeObject} from './fake-kube-api.js';

const PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export interface PortForwardHooks {
  /** The pod object, or undefined when it does not exist. */
  pod(namespace: string, name: string): KubeObject | undefined;
  /** Where the pod's port really listens (loopback), or undefined when nothing listens there. */
  target(namespace: string, pod: string, port: number): {host: string; port: number} | undefined;
  /** Checks the request's credentials like the rest of the API; returns false when refused. */
  authorized(req: IncomingMessage): boolean;
}

function refuse(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
  socket.end(
    `HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const portHeader = (channel: number, port: number) => Buffer.from([channel, port & 0xff, (port >> 8) & 0xff]);

/** Serves GET /api/v1/namespaces/{ns}/pods/{name}/portforward?ports=N upgrades on the server. */
export function servePortForward(server: Server, hooks: PortForwardHooks): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: offered => PROTOCOLS.find(p => offered.has(p)) ?? false,
  });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    if (!m) return refuse(socket, 404, 'NotFound', 'the server could not find the requested resource');
    if (!hooks.authorized(req)) return refuse(socket, 401, 'Unauthorized', 'Unauthorized');
    const [, namespace = '', name = ''] = m;
    const pod = hooks.pod(namespace, name);
    if (!pod) return refuse(socket, 404, 'NotFound', `pods "${name}" not found`);
    const phase = (pod['status'] as {phase?: string} | undefined)?.phase;
    if (phase !== 'Running')
      return refuse(
        socket,
        400,
        'BadRequest',
        `unable to upgrade connection: pod ${name} is not running (status ${phase ?? 'Unknown'})`,
      );
    const ports = url.searchParams
      .getAll('ports')
      .flatMap(p => p.split(','))
      .map(Number);
    if (ports.length === 0 || ports.some(p => !Number.isInteger(p) || p < 1 || p > 65535)) {
      return refuse(
        socket,
        400,
        'BadRequest',
        ports.length === 0 ? 'query parameter "port" is required' : `invalid port "${url.searchParams.get('ports')}"`,
      );
    }
    wss.handleUpgrade(req, socket, head, ws => bridge(ws, namespace, name, ports[0]!, hooks));
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
}

function bridge(ws: WebSocket, namespace: string, pod: string, port: number, hooks: PortForwardHooks): void {
  ws.send(portHeader(0, port));
  ws.send(portHeader(1, port));
  const to = hooks.target(namespace, pod, port);
  const fail = (detail: string) => {
    ws.send(
      Buffer.concat([
        Buffer.from([1]),
        Buffer.from(
          `an error occurred forwarding ${port} -> ${port}: error forwarding port ${port} to pod ${pod}: ${detail}`,
        ),
      ]),
    );
    ws.close();
  };
  if (!to)
    return fail(
      `failed to connect to localhost:${port} inside namespace of pod ${pod}, IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused`,
    );
  const upstream: Socket = connect(to.port, to.host);
  const pending: Buffer[] = [];
  let open = false;
  upstream.on('connect', () => {
    open = true;
    for (const chunk of pending.splice(0)) upstream.write(chunk);
  });
  upstream.on('data', (chunk: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([0]), chunk]));
  });
  upstream.on('error', error => fail((error as NodeJS.ErrnoException).code ?? error.message));
  upstream.on('close', () => ws.close());
  ws.on('message', (data: Buffer) => {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    if (buf[0] !== 0 || buf.length <= 1) return;
    const payload = buf.subarray(1);
    if (open) upstream.write(payload);
    else pending.push(payload);
  });
  ws.on('close', () => upstream.destroy());
  ws.on('error', () => upstream.destroy());
}
