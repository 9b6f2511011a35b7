// FAKE of a Kong data plane's proxy listener, for tests and the demo world: routes with the configuration
// the fake control plane has propagated, answers an httpbin-like /anything itself (no egress needed),
// and 404 "no Route matched with those values" until the route has arrived.
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {FakeKongConfigView} from './fake-kong-admin.js';

export interface FakeKongProxy {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startFakeKongProxy(
  config: FakeKongConfigView,
  options: {
    host?: string;
    port?: number;
    /** False while no DP pod backs the NodePort: connections are dropped. */ serving?: () => boolean;
  } = {},
): Promise<FakeKongProxy> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const match = config.match(url.pathname);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body, null, 2);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        server: 'kong/3.9.1.2-enterprise-edition',
        ...headers,
      });
      res.end(text);
    };
    if (!match) return send(404, {message: 'no Route matched with those values'});
    const upstreamPath = (match.service.path ?? '') + match.forwardPath;
    if (!/^\/anything(\/|$)/.test(upstreamPath))
      return send(404, {message: 'Not Found'}, {via: 'kong/3.9.1.2-enterprise-edition'});
    send(
      200,
      {
        args: Object.fromEntries(url.searchParams),
        data: '',
        files: {},
        form: {},
        headers: {
          Host: match.service.host,
          'User-Agent': req.headers['user-agent'] ?? '',
          'X-Forwarded-Path': url.pathname,
        },
        json: null,
        method: req.method,
        origin: req.socket.remoteAddress ?? '',
        url: `${match.service.protocol}://${match.service.host}${upstreamPath}`,
      },
      {via: 'kong/3.9.1.2-enterprise-edition', 'x-kong-upstream-latency': '3', 'x-kong-proxy-latency': '1'},
    );
  });
  // No proxy pod behind the node port (uninstalled, or the cluster is gone): nothing accepts the connection.
  server.on('connection', socket => {
    if (options.serving && !options.serving()) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
