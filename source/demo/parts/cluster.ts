// The cluster part of the simulated data center: what the preflight, cluster-spec and create-cluster
// steps see. The admin server's interfaces and neighbour table come from the `ip` stand-in (eno1
// 10.20.0.10/24 on the nodes' network); the OS image is served by a tiny loopback HTTP server that the
// simulated image host 10.20.0.10:8080 routes to; the endpoint and tinkerbellIP route nowhere, so the
// in-use probe finds them free. The world's eksctl stand-in replays the create and moves the
// bootstrap objects the provisioning watch reads.
import {createServer} from 'node:http';
import {systemClock} from '../../ports.js';
import type {Answers} from '../../session/answers.js';
import {KUBERNETES_VERSIONS, supportPhase, type KubernetesVersion} from '../../cluster/kube-versions.js';
import type {DemoPartStarter} from './types.js';

export const DEMO_IMAGE_HOST = {host: '10.20.0.10', port: 8080} as const;

/** The version the demo's story was written for; kept while it is in standard support. */
const STORY_KUBERNETES_VERSION: KubernetesVersion = '1.35';

/**
 * The demo's Kubernetes version at `now`: the story's own while it is in standard support, else the
 * newest version still in it, so the demo never needs a licence token (EKS Anywhere asks for one past
 * standard support). Past every window, the newest: the demo then shows eksctl's refusal, as a real run would.
 */
export function demoKubernetesVersion(now: number): KubernetesVersion {
  if (supportPhase(STORY_KUBERNETES_VERSION, now) === 'standard') return STORY_KUBERNETES_VERSION;
  return KUBERNETES_VERSIONS.find(v => supportPhase(v, now) === 'standard') ?? KUBERNETES_VERSIONS[0];
}

export function demoImagePath(version: string): string {
  return `/ubuntu-2204-kube-${version.replace('.', '-')}.gz`;
}

export function clusterDemoAnswers(now: number): Answers {
  const version = demoKubernetesVersion(now);
  return {
    admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
    cluster: {
      name: 'seed',
      kubernetesVersion: version,
      endpoint: '10.20.0.50',
      tinkerbellIp: '10.20.0.51',
      osImageUrl: `http://${DEMO_IMAGE_HOST.host}:${DEMO_IMAGE_HOST.port}${demoImagePath(version)}`,
      sshAuthorizedKey: '',
    },
  };
}

/** Answers HEAD (and a short GET) for the image so the reachability check sees what nodes would. */
async function startImageServer(imagePath: string): Promise<{port: number; close(): Promise<void>}> {
  const server = createServer((req, res) => {
    if (req.url !== imagePath) {
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
  // The demo world runs on the system clock; the version follows it (see demoKubernetesVersion).
  const answers = clusterDemoAnswers(systemClock.now());
  const image = await startImageServer(demoImagePath(answers.cluster!.kubernetesVersion!));
  return {
    answers,
    routes: [{...DEMO_IMAGE_HOST, to: {host: '127.0.0.1', port: image.port}}],
    dns: {},
    close: () => image.close(),
  };
};
