// The existing Kong Enterprise control plane on "EKS", as the kong/kong chart would have left it for
// our topology (kong.md 1.2, 1.5, 3): the -cluster, -clustertelemetry, -admin and -proxy Services
// as LoadBalancers whose hostname appears after a pending period, a shared-mode CP Deployment
// and pod, the cluster-cert Secret (a fresh EC P-384 cert, CN kong_clustering, like
// `kong hybrid gen_cert`) and the license Secret.
import {webcrypto, randomBytes, createHash} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type {FakeKubeStore, KubeObject} from '../fake-kube-api.js';
import {runScenario, stamp, suffix, type ScenarioHandle, type ScenarioOptions} from './timeline.js';
import {systemClock, type Clock} from '../../ports.js';
import {generatePkiControlPlane} from './kong-pki.js';

export interface KongControlPlaneOptions extends ScenarioOptions {
  release?: string;
  namespace?: string;
  /** Load balancer hostnames per Service; defaults look like AWS NLB names. */
  lbHostnames?: Partial<Record<'cluster' | 'clustertelemetry' | 'admin' | 'proxy', string>>;
  /** KONG_ADMIN_LISTEN of the CP pods (the chart's default is "0.0.0.0:8444 http2 ssl"). */
  adminListen?: string;
  /** Kong Gateway version of the CP image. */
  version?: string;
  /** Recorded seconds the LoadBalancers stay <pending>. */
  pendingSeconds?: number;
  certSecret?: string;
  licenseSecret?: string;
  /** cluster_mtls of the CP (default shared). pki: a CA, the CP's certificate issued for serverName. */
  mtls?: 'shared' | 'pki';
  /** pki: KONG_CLUSTER_SERVER_NAME, the name on the CP's certificate. */
  serverName?: string;
  /** pki: the secret of the CA (tls.crt, tls.key), as a cert-manager CA issuer keeps it. */
  caSecret?: string;
}

export interface ClusterCert {
  certPem: string;
  keyPem: string;
  /** pki: the CA the listener verifies client certificates against (cluster_ca_cert). */
  caPem?: string;
}

export const DEMO_PKI_SERVER_NAME = 'kong-cp.cluster.demo.internal';
export const DEMO_PKI_CA_SECRET = 'kong-cluster-ca';

export interface KongControlPlaneHandle extends ScenarioHandle {
  /** Resolves once the Secrets, Deployment and Services exist (hostnames may still be pending). */
  ready: Promise<ClusterCert>;
  hostnames: Record<'cluster' | 'clustertelemetry' | 'admin' | 'proxy', string>;
}

/** A self-signed EC P-384 certificate with CN kong_clustering and no extensions, as gen_cert makes. */
export async function generateClusterCert(days = 1095, now = new Date()): Promise<ClusterCert> {
  const crypto = webcrypto as unknown as Crypto;
  const alg = {name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384'};
  const keys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial.toString('hex'),
      name: 'CN=kong_clustering',
      notBefore: now,
      notAfter: new Date(now.getTime() + days * 86_400_000),
      signingAlgorithm: alg,
      keys,
      extensions: [],
    },
    crypto,
  );
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return {certPem: cert.toString('pem') + '\n', keyPem};
}

export const nlbName = (release: string, svc: string, region = 'us-east-1') => {
  const h = createHash('sha256').update(`${release}/${svc}`).digest('hex');
  return `k8s-kong-${(release + svc).replace(/[^a-z0-9]/g, '').slice(0, 9)}-${h.slice(0, 10)}.elb.${region}.amazonaws.com`;
};

/** A licence shaped like Kong's (payload + signature), marked as a demo one. */
export function demoLicense(clock: Clock = systemClock) {
  return {
    license: {
      payload: {
        admin_seats: '5',
        customer: 'Demo Data Center',
        dataplanes: '10',
        license_creation_date: stamp(clock).slice(0, 10),
        license_expiration_date: new Date(clock.now() + 365 * 86_400_000).toISOString().slice(0, 10),
        license_key: 'DEMO-ONLY-NOT-A-LICENSE',
        product_subscription: 'Kong Enterprise Edition',
        support_plan: 'None',
      },
      signature: randomBytes(32).toString('hex'),
      version: '1',
    },
  };
}

export function kongControlPlaneCluster(store: FakeKubeStore, opts: KongControlPlaneOptions): KongControlPlaneHandle {
  const release = opts.release ?? 'kong-cp';
  const ns = opts.namespace ?? 'kong';
  const version = opts.version ?? '3.9.1.2';
  const certSecret = opts.certSecret ?? 'kong-cluster-cert';
  const licenseSecret = opts.licenseSecret ?? 'kong-enterprise-license';
  const clock = opts.clock ?? systemClock;
  const pki = opts.mtls === 'pki';
  const serverName = opts.serverName ?? DEMO_PKI_SERVER_NAME;
  const caSecret = opts.caSecret ?? DEMO_PKI_CA_SECRET;
  const fullname = `${release}-kong`;
  const hostnames = {
    cluster: opts.lbHostnames?.cluster ?? nlbName(release, 'cluster'),
    clustertelemetry: opts.lbHostnames?.clustertelemetry ?? nlbName(release, 'telemetry'),
    admin: opts.lbHostnames?.admin ?? nlbName(release, 'admin'),
    proxy: opts.lbHostnames?.proxy ?? nlbName(release, 'proxy'),
  };
  const labels = {
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/name': 'kong',
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/version': version.split('.').slice(0, 2).join('.'),
    'helm.sh/chart': 'kong-3.4.1',
  };
  const selector = {
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/name': 'kong',
    'app.kubernetes.io/component': 'app',
  };
  const services: Array<{key: keyof typeof hostnames; ports: Array<{name: string; port: number; targetPort: number}>}> =
    [
      {key: 'cluster', ports: [{name: 'kong-cluster-tls', port: 8005, targetPort: 8005}]},
      {key: 'clustertelemetry', ports: [{name: 'kong-clustertelemetry-tls', port: 8006, targetPort: 8006}]},
      {
        key: 'admin',
        ports: [
          {name: 'kong-admin', port: 8001, targetPort: 8001},
          {name: 'kong-admin-tls', port: 8444, targetPort: 8444},
        ],
      },
      {
        key: 'proxy',
        ports: [
          {name: 'kong-proxy', port: 80, targetPort: 8000},
          {name: 'kong-proxy-tls', port: 443, targetPort: 8443},
        ],
      },
    ];
  let resolveReady!: (c: ClusterCert) => void;
  let rejectReady!: (e: unknown) => void;
  const ready = new Promise<ClusterCert>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined);

  const handle = runScenario(opts, async wait => {
    try {
      if (!store.get({apiVersion: 'v1', kind: 'Namespace', name: ns}))
        store.put({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
      let cert: ClusterCert;
      if (pki) {
        // cert-manager's shape: the CP's secret carries ca.crt next to its own pair; the CA's pair sits in
        // the issuer's secret.
        const made = await generatePkiControlPlane(serverName);
        cert = {...made.cp, caPem: made.ca.certPem};
        store.put({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {name: caSecret, namespace: ns},
          type: 'kubernetes.io/tls',
          stringData: {'tls.crt': made.ca.certPem, 'tls.key': made.ca.keyPem},
        });
      } else cert = await generateClusterCert();
      store.put({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {name: certSecret, namespace: ns},
        type: 'kubernetes.io/tls',
        stringData: {
          'tls.crt': cert.certPem,
          'tls.key': cert.keyPem,
          ...(cert.caPem ? {'ca.crt': cert.caPem} : {}),
        },
      });
      const license = demoLicense(clock);
      store.put({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {name: licenseSecret, namespace: ns},
        type: 'Opaque',
        stringData: {license: JSON.stringify(license)},
      });
      store.put(deployment());
      const hash = suffix(`${release}-rs`, 10);
      const podName = `${fullname}-${hash}-${suffix(release)}`;
      store.put({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: podName, namespace: ns, labels: {...selector, 'pod-template-hash': hash}},
        spec: podSpec(),
        status: {
          phase: 'Running',
          podIP: '10.0.12.34',
          startTime: stamp(clock),
          conditions: [{type: 'Ready', status: 'True'}],
          containerStatuses: [
            {
              name: 'proxy',
              ready: true,
              restartCount: 0,
              image: `kong/kong-gateway:${version}`,
              state: {running: {startedAt: stamp(clock)}},
            },
          ],
        },
      });
      store.appendLog(
        ns,
        podName,
        [
          `${stamp(clock).replace('T', ' ').replace('Z', '')} [notice] 1#0: using the "epoll" event method`,
          `${stamp(clock).replace('T', ' ').replace('Z', '')} [notice] 1#0: start worker processes`,
          `${stamp(clock).replace('T', ' ').replace('Z', '')} [info] control plane listening for data planes on 0.0.0.0:8005 (cluster_mtls: ${pki ? 'pki' : 'shared'})`,
        ].join('\n'),
        'proxy',
      );
      for (const s of services) {
        store.put({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: {
            name: `${fullname}-${s.key}`,
            namespace: ns,
            labels,
            annotations: {
              'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
              'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
              'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
            },
          },
          spec: {type: 'LoadBalancer', selector, ports: s.ports.map(p => ({...p, protocol: 'TCP'}))},
        });
      }
      resolveReady(cert);
    } catch (e) {
      rejectReady(e);
      throw e;
    }
    // The AWS Load Balancer Controller provisions the NLBs: hostnames show up after a while.
    await wait(opts.pendingSeconds ?? 30);
    for (const s of services) {
      store.update(
        {apiVersion: 'v1', kind: 'Service', namespace: ns, name: `${fullname}-${s.key}`},
        cur => cur && {...cur, status: {loadBalancer: {ingress: [{hostname: hostnames[s.key]}]}}},
      );
    }
  });
  handle.done.then(() => rejectReady(new Error('control plane scenario stopped')));
  return {...handle, ready, hostnames};

  function podSpec() {
    const mount = `/etc/secrets/${certSecret}`;
    return {
      containers: [
        {
          name: 'proxy',
          image: `kong/kong-gateway:${version}`,
          env: [
            {name: 'KONG_ROLE', value: 'control_plane'},
            {name: 'KONG_DATABASE', value: 'postgres'},
            {name: 'KONG_CLUSTER_CERT', value: `${mount}/tls.crt`},
            {name: 'KONG_CLUSTER_CERT_KEY', value: `${mount}/tls.key`},
            ...(pki
              ? [
                  {name: 'KONG_CLUSTER_MTLS', value: 'pki'},
                  {name: 'KONG_CLUSTER_CA_CERT', value: `${mount}/ca.crt`},
                  {name: 'KONG_CLUSTER_SERVER_NAME', value: serverName},
                ]
              : []),
            {name: 'KONG_CLUSTER_LISTEN', value: '0.0.0.0:8005'},
            {name: 'KONG_CLUSTER_TELEMETRY_LISTEN', value: '0.0.0.0:8006'},
            {name: 'KONG_ADMIN_LISTEN', value: opts.adminListen ?? '0.0.0.0:8001, 0.0.0.0:8444 http2 ssl'},
            {name: 'KONG_PROXY_LISTEN', value: '0.0.0.0:8000, 0.0.0.0:8443 http2 ssl'},
            {name: 'KONG_ROUTER_FLAVOR', value: 'traditional'},
            {name: 'KONG_VITALS', value: 'off'},
            {name: 'KONG_LICENSE_DATA', valueFrom: {secretKeyRef: {name: licenseSecret, key: 'license'}}},
          ],
          ports: [
            {name: 'admin', containerPort: 8001, protocol: 'TCP'},
            {name: 'admin-tls', containerPort: 8444, protocol: 'TCP'},
            {name: 'cluster-tls', containerPort: 8005, protocol: 'TCP'},
            {name: 'clustertelemetry-tls', containerPort: 8006, protocol: 'TCP'},
            {name: 'proxy', containerPort: 8000, protocol: 'TCP'},
            {name: 'proxy-tls', containerPort: 8443, protocol: 'TCP'},
          ],
          volumeMounts: [{name: certSecret, mountPath: mount}],
        },
      ],
      volumes: [{name: certSecret, secret: {secretName: certSecret}}],
    };
  }

  function deployment(): KubeObject {
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: fullname, namespace: ns, labels: {...labels, 'app.kubernetes.io/component': 'app'}},
      spec: {replicas: 1, selector: {matchLabels: selector}, template: {metadata: {labels: selector}, spec: podSpec()}},
      status: {replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1, observedGeneration: 1},
    };
  }
}
