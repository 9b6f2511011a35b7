// What `helm upgrade --install kong-cp kong/kong` does on the simulated EKS cluster (issue 10), from the
// values it was given, as the kong/kong 3.4.1 chart would: the init-migrations Job (kong migrations
// bootstrap, ~20 s), the CP Deployment whose pod starts once the migrations finished, and the Services
// (cluster, clustertelemetry, admin, manager) whose NLB hostnames appear after the AWS Load Balancer
// Controller's delay. Like the kubelet: a secret the values reference that does not exist keeps the pod in
// CreateContainerConfigError (and the chart's KONG_PG_PASSWORD secret likewise).
import type {FakeKubeStore, KubeObject} from '../fake-kube-api.js';
import {runScenario, stamp, suffix, type ScenarioHandle, type ScenarioOptions} from './timeline.js';
import {systemClock} from '../../ports.js';
import type {ClusterCert} from './kong-control-plane.js';

export interface DeployedCpOptions extends ScenarioOptions {
  release: string;
  namespace: string;
  values: Record<string, unknown>;
  hostnames: Record<'cluster' | 'clustertelemetry' | 'admin' | 'proxy', string>;
  /** Recorded seconds: migrations, then the NLBs (which take minutes on AWS). */
  migrationSeconds?: number;
  lbSeconds?: number;
}

export interface DeployedCpHandle extends ScenarioHandle {
  /** Resolves with the cluster certificate once the CP pod runs with it mounted. */
  ready: Promise<ClusterCert>;
}

type Values = {[key: string]: unknown};
const obj = (v: unknown): Values => (v && typeof v === 'object' ? (v as Values) : {});

/**
 * The env the chart renders (kong.env in templates/_helpers.tpl), reduced to what the steps and the
 * demo's Admin API read. RBAC as the chart turns it on: KONG_ENFORCE_RBAC, KONG_ADMIN_GUI_AUTH
 * (default basic-auth) and, but for openid-connect, KONG_ADMIN_GUI_SESSION_CONF from its secret.
 */
function kongEnv(values: Values, release: string): Array<Record<string, unknown>> {
  const env: Array<Record<string, unknown>> = [];
  for (const [k, v] of Object.entries(obj(values['env']))) {
    const name = `KONG_${k.toUpperCase()}`;
    env.push(v && typeof v === 'object' ? {name, ...(v as object)} : {name, value: String(v)});
  }
  const admin = obj(values['admin']);
  const tls = obj(admin['tls']);
  if (admin['enabled'])
    env.push({
      name: 'KONG_ADMIN_LISTEN',
      value: `0.0.0.0:${tls['containerPort'] ?? 8444} http2 ssl, [::]:${tls['containerPort'] ?? 8444} http2 ssl`,
    });
  const enterprise = obj(values['enterprise']);
  if (enterprise['license_secret'])
    env.push({
      name: 'KONG_LICENSE_DATA',
      valueFrom: {secretKeyRef: {name: enterprise['license_secret'], key: 'license'}},
    });
  if (obj(values['postgresql'])['enabled']) {
    env.push({name: 'KONG_PG_HOST', value: `${release}-postgresql`});
    env.push({name: 'KONG_PG_PASSWORD', valueFrom: {secretKeyRef: {name: `${release}-postgresql`, key: 'password'}}});
  }
  const rbac = obj(enterprise['rbac']);
  if (rbac['enabled']) {
    env.push({name: 'KONG_ENFORCE_RBAC', value: 'on'});
    const guiAuth = String(rbac['admin_gui_auth'] ?? 'basic-auth');
    env.push({name: 'KONG_ADMIN_GUI_AUTH', value: guiAuth});
    if (guiAuth !== 'openid-connect')
      env.push({
        name: 'KONG_ADMIN_GUI_SESSION_CONF',
        valueFrom: {secretKeyRef: {name: rbac['session_conf_secret'], key: 'admin_gui_session_conf'}},
      });
  }
  env.push({name: 'KONG_VITALS', value: obj(enterprise['vitals'])['enabled'] ? 'on' : 'off'});
  return env;
}

export function deployedControlPlane(store: FakeKubeStore, opts: DeployedCpOptions): DeployedCpHandle {
  const {release, namespace: ns, values} = opts;
  const clock = opts.clock ?? systemClock;
  const fullname = `${release}-kong`;
  const image = obj(values['image']);
  const imageRef = `${image['repository'] ?? 'kong/kong-gateway'}:${image['tag'] ?? '3.9'}`;
  const volumes = ((values['secretVolumes'] as string[] | undefined) ?? []).map(name => ({
    name,
    secret: {secretName: name},
  }));
  const selector = {
    'app.kubernetes.io/name': 'kong',
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/component': 'app',
  };
  const labels = {
    'app.kubernetes.io/name': 'kong',
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/managed-by': 'Helm',
    'helm.sh/chart': 'kong-3.4.1',
  };
  const env = kongEnv(values, release);
  const podSpec = {
    containers: [
      {
        name: 'proxy',
        image: imageRef,
        env,
        volumeMounts: volumes.map(v => ({name: v.name, mountPath: `/etc/secrets/${v.name}`, readOnly: true})),
      },
    ],
    volumes,
  };
  const services: Array<{key: 'cluster' | 'clustertelemetry' | 'admin' | 'manager'; port: number}> = [
    {key: 'cluster' as const, port: 8005},
    {key: 'clustertelemetry' as const, port: 8006},
    {key: 'admin' as const, port: 8444},
    ...(obj(values['manager'])['enabled'] ? [{key: 'manager' as const, port: 8445}] : []),
  ];
  const secretNames = () => {
    const names = new Set(volumes.map(v => v.secret.secretName));
    for (const e of env) {
      const ref = obj(obj(e['valueFrom'])['secretKeyRef']);
      if (ref['name']) names.add(String(ref['name']));
    }
    return [...names];
  };
  const secretData = (name: string) =>
    obj(store.get({apiVersion: 'v1', kind: 'Secret', namespace: ns, name})?.['data']) as Record<string, string>;

  let resolveReady!: (c: ClusterCert) => void;
  let rejectReady!: (e: unknown) => void;
  const ready = new Promise<ClusterCert>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined);

  const handle = runScenario(opts, async wait => {
    const now = () => stamp(clock);
    store.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: fullname, namespace: ns, labels: {...labels, 'app.kubernetes.io/component': 'app'}},
      spec: {replicas: 1, selector: {matchLabels: selector}, template: {metadata: {labels: selector}, spec: podSpec}},
      status: {replicas: 1, readyReplicas: 0, updatedReplicas: 1, availableReplicas: 0, observedGeneration: 1},
    });
    for (const s of services) {
      const svcValues = obj(values[s.key]);
      const type =
        s.key === 'cluster' || s.key === 'clustertelemetry' ? 'LoadBalancer' : String(svcValues['type'] ?? 'ClusterIP');
      store.put({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: `${fullname}-${s.key}`,
          namespace: ns,
          labels,
          annotations: obj(svcValues['annotations']) as Record<string, string>,
        },
        spec: {
          type,
          selector,
          ports: [{name: `kong-${s.key}-tls`, port: s.port, targetPort: s.port, protocol: 'TCP'}],
        },
      });
    }
    const job = `${fullname}-init-migrations`;
    const jobPod = `${job}-${suffix(job)}`;
    store.put({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {name: job, namespace: ns, labels},
      spec: {backoffLimit: 6, template: {spec: {containers: [{name: 'kong-migrations', image: imageRef}]}}},
      status: {active: 1, startTime: now()},
    });
    store.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: jobPod, namespace: ns, labels: {'job-name': job}},
      spec: {containers: [{name: 'kong-migrations', image: imageRef}]},
      status: {phase: 'Running', startTime: now()},
    });
    const podName = `${fullname}-${suffix(`${release}-rs`, 10)}-${suffix(release)}`;
    const waiting = (reason: string, message?: string) =>
      store.put({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: ns,
          labels: {...selector, 'pod-template-hash': suffix(`${release}-rs`, 10)},
        },
        spec: podSpec,
        status: {
          phase: 'Pending',
          conditions: [{type: 'Ready', status: 'False'}],
          containerStatuses: [
            {
              name: 'proxy',
              ready: false,
              restartCount: 0,
              image: imageRef,
              state: {waiting: {reason, ...(message ? {message} : {})}},
            },
          ],
        },
      });
    waiting('PodInitializing');
    // The kubelet refuses to start a container whose secret is missing.
    const missing = secretNames().find(name => Object.keys(secretData(name)).length === 0);
    if (missing) {
      waiting('CreateContainerConfigError', `secret "${missing}" not found`);
      rejectReady(new Error(`secret ${missing} not found`));
      return;
    }
    store.appendLog(
      ns,
      jobPod,
      "Bootstrapping database...\nmigrating core on database 'kong'...\nDatabase is up-to-date",
      'kong-migrations',
    );
    await wait(opts.migrationSeconds ?? 20);
    store.update({apiVersion: 'batch/v1', kind: 'Job', namespace: ns, name: job}, cur =>
      cur
        ? {...cur, status: {succeeded: 1, completionTime: now(), conditions: [{type: 'Complete', status: 'True'}]}}
        : undefined,
    );
    store.update({apiVersion: 'v1', kind: 'Pod', namespace: ns, name: jobPod}, cur =>
      cur ? {...cur, status: {phase: 'Succeeded'}} : undefined,
    );
    await wait(8);
    store.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: podName, namespace: ns, labels: {...selector, 'pod-template-hash': suffix(`${release}-rs`, 10)}},
      spec: podSpec,
      status: {
        phase: 'Running',
        podIP: '192.168.12.34',
        startTime: now(),
        conditions: [{type: 'Ready', status: 'True'}],
        containerStatuses: [
          {name: 'proxy', ready: true, restartCount: 0, image: imageRef, state: {running: {startedAt: now()}}},
        ],
      },
    });
    store.update({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: fullname}, cur =>
      cur ? {...cur, status: {...obj(cur['status']), readyReplicas: 1, availableReplicas: 1}} : undefined,
    );
    store.appendLog(
      ns,
      podName,
      `${now().replace('T', ' ').replace('Z', '')} [info] control plane listening for data planes on 0.0.0.0:8005 (cluster_mtls: shared)`,
      'proxy',
    );
    const cert = secretData(String(obj(values['env'])['cluster_cert'] ?? '').split('/')[3] ?? '');
    const decode = (b64?: string) => Buffer.from(b64 ?? '', 'base64').toString('utf8');
    resolveReady({certPem: decode(cert['tls.crt']), keyPem: decode(cert['tls.key'])});
    // The AWS Load Balancer Controller provisions the NLBs: hostnames after a few minutes.
    await wait(opts.lbSeconds ?? 150);
    for (const s of services) {
      const hostname = s.key === 'manager' ? opts.hostnames.admin.replace('admin', 'manager') : opts.hostnames[s.key];
      store.update({apiVersion: 'v1', kind: 'Service', namespace: ns, name: `${fullname}-${s.key}`}, cur => {
        const spec = obj(cur?.['spec']);
        return cur && spec['type'] === 'LoadBalancer'
          ? {...cur, status: {loadBalancer: {ingress: [{hostname}]}}}
          : undefined;
      });
    }
  });
  handle.done.then(() => rejectReady(new Error('control plane scenario stopped')));
  return {...handle, ready};
}

type EnvVar = {name?: string; value?: string; valueFrom?: {secretKeyRef?: {name?: string; key?: string}}};

/**
 * What the deployed CP's Admin API enforces, read as Kong reads it: its Deployment's env (the values the
 * wizard installed) and, for the super admin's token, the Secret its KONG_PASSWORD references (`kong
 * migrations bootstrap` makes that password kong_admin's RBAC token). undefined: no CP deployed, or RBAC
 * off. `token` is undefined while the Secret is missing (then the pod does not start either).
 */
export function deployedCpRbac(
  store: FakeKubeStore,
): {token: string | undefined; guiAuth: string | undefined} | undefined {
  // The kong chart's Deployment whose Kong runs as control plane, in whatever namespace and release.
  const envOf = (deployment: KubeObject) =>
    (
      (obj(obj(obj(deployment['spec'])['template'])['spec'])['containers'] as Array<{env?: EnvVar[]}> | undefined) ?? []
    ).flatMap(c => c.env ?? []);
  const found = store
    .list({apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: 'app.kubernetes.io/name=kong'})
    .find(d => envOf(d).some(e => e.name === 'KONG_ROLE' && e.value === 'control_plane'));
  if (!found) return undefined;
  const namespace = found.metadata.namespace ?? 'default';
  const env = envOf(found);
  const named = (name: string) => env.find(e => e.name === name);
  if (named('KONG_ENFORCE_RBAC')?.value !== 'on') return undefined;
  const password = named('KONG_PASSWORD');
  const ref = password?.valueFrom?.secretKeyRef;
  const data = ref?.name
    ? (obj(store.get({apiVersion: 'v1', kind: 'Secret', namespace, name: ref.name})?.['data']) as Record<
        string,
        string
      >)
    : {};
  const b64 = ref?.key ? data[ref.key] : undefined;
  return {
    token: password?.value ?? (b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8')),
    guiAuth: named('KONG_ADMIN_GUI_AUTH')?.value,
  };
}
