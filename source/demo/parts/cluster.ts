// The cluster part of the simulated data center: what the preflight, cluster-spec and create-cluster
// steps see. The admin server's interfaces and neighbour table come from the `ip` stand-in (eno1
// 10.20.0.10/24 on the nodes' network); the OS image is served by a tiny loopback HTTP server that the
// simulated image host 10.20.0.10:8080 routes to; the endpoint and tinkerbellIP route nowhere, so the
// in-use probe finds them free. The world's eksctl stand-in replays the create and moves the
// bootstrap objects the provisioning watch reads.
import {createServer} from 'node:http';
import type {Answers} from '../../session/answers.js';
import type {DemoPartStarter} from './types.js';

export const DEMO_IMAGE_HOST = {host: '10.20.0.10', port: 8080} as const;
export const DEMO_IMAGE_PATH = '/ubuntu-2204-kube-1-35.gz';

export const CLUSTER_DEMO_ANSWERS: Answers = {
  admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
  cluster: {
    name: 'seed',
    kubernetesVersion: '1.35',
    endpoint: '10.20.0.50',
    tinkerbellIp: '10.20.0.51',
    osImageUrl: `http://${DEMO_IMAGE_HOST.host}:${DEMO_IMAGE_HOST.port}${DEMO_IMAGE_PATH}`,
    sshAuthorizedKey: '',
  },
};

/** Answers HEAD (and a short GET) for the image so the reachability check sees what nodes would. */
async function startImageServer(): Promise<{port: number; close(): Promise<void>}> {
  const server = createServer((req, res) => {
    if (req.url !== DEMO_IMAGE_PATH) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/gzip',
      'content-length': req.method === 'HEAD' ? '2147483648' : '0',
    });
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({host: '127.0.0.1', port: 0}, resolve);
  });
  return {
    port: (server.address() as {port: number}).port,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

export const startClusterDemo: DemoPartStarter = async () => {
  const image = await startImageServer();
  return {
    answers: CLUSTER_DEMO_ANSWERS,
    routes: [{...DEMO_IMAGE_HOST, to: {host: '127.0.0.1', port: image.port}}],
    dns: {},
    close: () => image.close(),
  };
};
