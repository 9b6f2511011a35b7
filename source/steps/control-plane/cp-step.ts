// The control-plane step's work, shared by the headless run and the screen: kubeconfig and context, the
// CP's -cluster/-clustertelemetry load balancers (polled while AWS provisions them) or endpoints typed by
// hand, the CP Deployment, cluster certificate and license, the Admin API (GET /), and the probes from
// this host. Progress is reported as checks; the result holds secret-free facts only.
import {homedir} from 'node:os';
import type {Clock, Net} from '../../ports.js';
import type {Answers} from '../../session/answers.js';
import {expandTilde} from '../../session/home.js';
import {
  AdminApiError,
  createAdminClient,
  judgeCpInfo,
  openAdminViaPortForward,
  type AdminEndpoint,
  type KongInfo,
} from '../../kong/admin-api.js';
import {
  discoverControlPlane,
  discoverCpEndpoints,
  manualCpEndpoints,
  type CpDiscovery,
  type CpEndpointResult,
  type CpEndpoints,
} from '../../kong/cp-discovery.js';
import {createKubeApi} from '../../kong/kube-client.js';
import type {KubeApi} from '../../kong/kube-api.js';
import {listKubeContexts} from '../../kong/kubeconfig-contexts.js';
import {probeClusterTls, probeDns, probeTcp, probeTelemetryTls, type ProbeResult} from '../../kong/probes.js';
import {DEFAULT_CLUSTER_CERT_SECRET} from '../../kong/dp-values.js';

export const DEFAULT_KUBECONFIG = '~/.kube/config';
export const DEFAULT_CP_NAMESPACE = 'kong';
export const DEFAULT_CP_RELEASE = 'kong-cp';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'pending' | 'running';

export type CpCheckId =
  | 'kubeconfig'
  | 'cluster-lb'
  | 'telemetry-lb'
  | 'deployment'
  | 'cert'
  | 'license'
  | 'admin'
  | 'dns-cluster'
  | 'dns-telemetry'
  | 'tcp-cluster'
  | 'tls-cluster'
  | 'tls-telemetry';

export interface CpCheck {
  id: CpCheckId;
  status: CheckStatus;
  title: string;
  fix?: string;
  /** When a pending check started waiting (clock ms), for a visible timer. */
  since?: number;
}

export const CP_CHECK_ORDER: readonly CpCheckId[] = [
  'kubeconfig',
  'cluster-lb',
  'telemetry-lb',
  'deployment',
  'cert',
  'license',
  'admin',
  'dns-cluster',
  'dns-telemetry',
  'tcp-cluster',
  'tls-cluster',
  'tls-telemetry',
];

export interface CpInput {
  kubeconfig: string;
  context?: string;
  namespace: string;
  release: string;
  /** host:port typed by hand; when absent the load balancers are discovered. */
  clusterEndpoint?: string;
  telemetryEndpoint?: string;
  /** Absent: port-forward to the CP pod's admin port through the Kubernetes API. */
  adminUrl?: string;
  certSecret?: string;
  licenseSecret?: string;
  /** The license is given by the admin (file or inline), not read from the CP. */
  licenseGiven?: boolean;
}

/** What the step records: no token, no key, no license. */
export interface CpFacts {
  kubeconfig: string;
  context?: string;
  namespace: string;
  release: string;
  endpointSource: 'discovered' | 'typed' | 'answers';
  clusterEndpoint?: string;
  telemetryEndpoint?: string;
  clusterService?: string;
  telemetryService?: string;
  version?: string;
  edition?: string;
  role?: string;
  mode?: 'shared' | 'pki';
  routerFlavor?: string;
  vitals?: boolean;
  deployment?: string;
  clusterCertSecret?: string;
  fingerprint?: string;
  certValidTo?: string;
  licenseSecret?: string;
  /** The key of licenseSecret that holds the license (KONG_LICENSE_DATA's secretKeyRef.key). */
  licenseKey?: string;
  adminUrl?: string;
  adminVia?: 'url' | 'port-forward';
  dryRun?: boolean;
}

export interface CpDeps {
  net: Net;
  clock: Clock;
  /** Demo speed: polls come faster when the simulated AWS is faster. */
  speed?: number;
  env: Readonly<Record<string, string | undefined>>;
  token?: string;
  signal?: AbortSignal;
  onCheck?: (check: CpCheck) => void;
  /** Give up waiting for a pending load balancer after this long (default 15 min). */
  lbTimeoutMs?: number;
  /** For tests: another KubeApi than client-node on the kubeconfig. */
  kube?: KubeApi;
}

export interface CpResult {
  ok: boolean;
  checks: CpCheck[];
  facts: CpFacts;
  info?: KongInfo;
}

/** The step's input from the answers, with the documented defaults. */
export function cpInputFromAnswers(answers: Answers): CpInput {
  const cp = answers.controlPlane ?? {};
  return {
    kubeconfig: cp.kubeconfig || DEFAULT_KUBECONFIG,
    context: cp.context || undefined,
    namespace: cp.namespace || DEFAULT_CP_NAMESPACE,
    release: cp.release || DEFAULT_CP_RELEASE,
    clusterEndpoint: cp.clusterEndpoint || undefined,
    telemetryEndpoint: cp.telemetryEndpoint || undefined,
    adminUrl: cp.adminUrl || undefined,
    certSecret: cp.clusterCertSecret || undefined,
    licenseSecret: cp.licenseSecret || undefined,
    licenseGiven: Boolean(cp.license || cp.licenseFile),
  };
}

export function expandPath(path: string, env: Readonly<Record<string, string | undefined>>): string {
  return expandTilde(path, env['HOME'] || homedir());
}

/** The mark of one tunnel in the topology picture: ✔ all probes passed, ✖ one failed, … not yet. */
export function tunnelMark(checks: readonly CpCheck[], tunnel: 'cluster' | 'telemetry'): '✔' | '✖' | '…' {
  const ids: CpCheckId[] =
    tunnel === 'cluster'
      ? ['cluster-lb', 'dns-cluster', 'tcp-cluster', 'tls-cluster']
      : ['telemetry-lb', 'dns-telemetry', 'tls-telemetry'];
  const mine = ids.map(id => checks.find(c => c.id === id));
  if (mine.some(c => c?.status === 'fail')) return '✖';
  if (mine.slice(1).every(c => c && (c.status === 'ok' || c.status === 'warn'))) return '✔';
  return '…';
}

const fromProbe = (id: CpCheckId, probe: ProbeResult): CpCheck => ({
  id,
  status: probe.status,
  title: probe.title,
  ...(probe.fix ? {fix: probe.fix} : {}),
});

const fromEndpoint = (id: CpCheckId, result: CpEndpointResult, since: number): CpCheck => {
  const warn = result.warnings[0];
  if (result.status === 'ok')
    return {
      id,
      status: warn ? 'warn' : 'ok',
      title: result.title,
      ...(warn?.fix ? {fix: `${warn.title}: ${warn.fix}`} : {}),
    };
  if (result.status === 'pending')
    return {id, status: 'pending', title: result.title, since, ...(result.fix ? {fix: result.fix} : {})};
  return {id, status: 'fail', title: result.title, ...(result.fix ? {fix: result.fix} : {})};
};

/** Runs every check in order; stops early only where later checks cannot run. */
export async function runControlPlaneChecks(input: CpInput, deps: CpDeps): Promise<CpResult> {
  const checks = new Map<CpCheckId, CpCheck>();
  const report = (check: CpCheck) => {
    checks.set(check.id, check);
    deps.onCheck?.(check);
  };
  const facts: CpFacts = {
    kubeconfig: input.kubeconfig,
    context: input.context,
    namespace: input.namespace,
    release: input.release,
    endpointSource: input.clusterEndpoint ? 'typed' : 'discovered',
  };
  const finish = (info?: KongInfo): CpResult => {
    const list = CP_CHECK_ORDER.map(id => checks.get(id)).filter((c): c is CpCheck => c !== undefined);
    return {
      ok: list.length > 0 && !list.some(c => c.status !== 'ok' && c.status !== 'warn'),
      checks: list,
      facts,
      info,
    };
  };
  const aborted = () => deps.signal?.aborted === true;

  // 1. kubeconfig and context
  report({id: 'kubeconfig', status: 'running', title: `Reading ${input.kubeconfig}`});
  const path = expandPath(input.kubeconfig, deps.env);
  const contexts = await listKubeContexts(path);
  if (contexts.status === 'error') {
    report({id: 'kubeconfig', status: 'fail', title: contexts.message, fix: contexts.fix});
    return finish();
  }
  const context = input.context
    ? contexts.contexts.find(c => c.name === input.context)
    : (contexts.contexts.find(c => c.current) ?? contexts.contexts[0]);
  if (!context) {
    report({
      id: 'kubeconfig',
      status: 'fail',
      title: `The kubeconfig has no context ${input.context}`,
      fix: `Pick one of: ${contexts.contexts.map(c => c.name).join(', ')}.`,
    });
    return finish();
  }
  facts.context = context.name;
  report({
    id: 'kubeconfig',
    status: 'ok',
    title: `Context ${context.name}${context.server ? ` (${context.server})` : ''}${context.execAuth ? ', exec auth' : ''}`,
  });
  const kube = deps.kube ?? createKubeApi(path, context.name);
  const target = {namespace: input.namespace, release: input.release};

  // 2. Load balancers (or typed endpoints), Deployment, certificate, license
  const started = deps.clock.now();
  report({
    id: 'cluster-lb',
    status: 'running',
    title: `Reading release ${input.release} in namespace ${input.namespace}`,
  });
  let discovery: CpDiscovery;
  try {
    discovery = await discoverControlPlane(kube, target, {
      certSecret: input.certSecret,
      licenseSecret: input.licenseSecret,
    });
  } catch (error) {
    report({
      id: 'deployment',
      status: 'fail',
      title: `Cannot read the control plane: ${(error as Error).message.split('\n')[0]}`,
      fix: 'Check the kubeconfig context and that its cluster is reachable.',
    });
    return finish();
  }
  let endpoints: CpEndpoints;
  if (input.clusterEndpoint) {
    const telemetry = input.telemetryEndpoint ?? `${input.clusterEndpoint.replace(/:\d+$/, '')}:8006`;
    endpoints = manualCpEndpoints(input.clusterEndpoint, telemetry);
  } else {
    endpoints = discovery.endpoints;
    const interval = Math.max(200, 5000 / Math.max(1, deps.speed ?? 1));
    const deadline = started + (deps.lbTimeoutMs ?? 900_000);
    while (
      !aborted() &&
      (endpoints.cluster.status === 'pending' || endpoints.telemetry.status === 'pending') &&
      deps.clock.now() < deadline
    ) {
      report(fromEndpoint('cluster-lb', endpoints.cluster, started));
      report(fromEndpoint('telemetry-lb', endpoints.telemetry, started));
      try {
        await deps.clock.sleep(interval, deps.signal);
      } catch {
        break;
      }
      endpoints = await discoverCpEndpoints(kube, target);
    }
  }
  for (const [id, result] of [
    ['cluster-lb', endpoints.cluster],
    ['telemetry-lb', endpoints.telemetry],
  ] as const) {
    const check = fromEndpoint(id, result, started);
    if (check.status === 'pending')
      report({
        ...check,
        status: 'fail',
        title: `${result.title}: still pending`,
        fix: 'Check the AWS Load Balancer Controller events on the Service (kubectl describe svc).',
      });
    else report(check);
  }
  facts.clusterEndpoint = endpoints.cluster.value;
  facts.telemetryEndpoint = endpoints.telemetry.value;
  facts.clusterService = endpoints.cluster.service;
  facts.telemetryService = endpoints.telemetry.service;

  const dep = discovery.deployment;
  const roleFinding = dep.findings.find(f => f.id === 'role');
  report(
    dep.status === 'ok'
      ? {
          id: 'deployment',
          status: roleFinding?.status === 'fail' ? 'fail' : 'ok',
          title: roleFinding?.title ?? dep.title,
          ...(roleFinding?.fix ? {fix: roleFinding.fix} : {}),
        }
      : {id: 'deployment', status: 'fail', title: dep.title, ...(dep.fix ? {fix: dep.fix} : {})},
  );
  facts.deployment = dep.deployment;
  facts.mode = dep.clusterMtls === 'shared' ? 'shared' : 'pki';
  facts.routerFlavor = dep.routerFlavor;
  facts.vitals = dep.vitals;

  const cert = discovery.cert;
  if (!cert) {
    const certFinding = dep.findings.find(f => f.id === 'cert-secret');
    report({
      id: 'cert',
      status: 'fail',
      title: certFinding?.title ?? 'No cluster certificate secret found',
      fix: certFinding?.fix ?? `Name it in controlPlane.clusterCertSecret (usually ${DEFAULT_CLUSTER_CERT_SECRET}).`,
    });
  } else {
    const warn = cert.report?.findings.find(f => f.status === 'warn');
    const status = cert.status === 'ok' ? (warn ? 'warn' : 'ok') : 'fail';
    const days = cert.report?.daysLeft !== undefined ? `, ${cert.report.daysLeft} days left` : '';
    const short = cert.report?.fingerprint256 ? `, SHA-256 ${cert.report.fingerprint256.slice(0, 23)}…` : '';
    report({
      id: 'cert',
      status,
      title:
        cert.status === 'ok'
          ? `Secret ${cert.secretName}: CN ${cert.report?.commonName ?? '?'}, key matches${days}${short}`
          : cert.title,
      ...((cert.fix ?? warn?.fix) ? {fix: cert.fix ?? warn?.fix} : {}),
    });
    facts.clusterCertSecret = cert.secretName;
    facts.fingerprint = cert.report?.fingerprint256;
    facts.certValidTo = cert.report?.validTo;
  }

  const license = discovery.license;
  if (input.licenseGiven)
    report({
      id: 'license',
      status: 'ok',
      title: 'License given by you (file or typed); it is copied to the data plane',
    });
  else if (license?.present) {
    report({id: 'license', status: 'ok', title: `License secret ${license.secretName} (key ${license.key})`});
    facts.licenseSecret = license.secretName;
    facts.licenseKey = license.key;
  } else {
    report({
      id: 'license',
      status: 'warn',
      title: license?.title ?? 'The control plane uses no license secret',
      fix: license?.fix ?? 'Without a license the data plane runs Kong Enterprise in free mode.',
    });
  }

  // 3. Admin API
  let info: KongInfo | undefined;
  let forwarded: AdminEndpoint | undefined;
  report({
    id: 'admin',
    status: 'running',
    title: input.adminUrl ? `GET / on ${input.adminUrl}` : 'Port-forward to the control plane admin port',
  });
  try {
    if (!input.adminUrl) forwarded = await openAdminViaPortForward(kube, target);
    // A port-forward listens on this host's loopback: nothing to route.
    const admin = createAdminClient({
      url: forwarded?.url ?? input.adminUrl!,
      token: deps.token,
      route: forwarded ? undefined : deps.net.route,
      timeoutMs: 10_000,
      ...forwarded?.tls,
    });
    facts.adminUrl = forwarded ? undefined : admin.url;
    facts.adminVia = forwarded ? 'port-forward' : 'url';
    info = await admin.getInfo({signal: deps.signal});
    const judged = judgeCpInfo(info);
    report({
      id: 'admin',
      status: judged.ok ? 'ok' : 'fail',
      title: `${judged.title}${forwarded?.note ? ` · ${forwarded.note}` : ''}`,
      ...(judged.fix ? {fix: judged.fix} : {}),
    });
    facts.version = info.version;
    facts.edition = info.edition;
    facts.role = info.role;
    if (info.clusterMtls) facts.mode = info.clusterMtls === 'shared' ? 'shared' : 'pki';
    if (info.routerFlavor) facts.routerFlavor = info.routerFlavor;
    if (info.vitals !== undefined) facts.vitals = info.vitals;
  } catch (error) {
    const message =
      error instanceof AdminApiError ? error.message : ((error as Error).message.split('\n')[0] ?? 'error');
    const status = error instanceof AdminApiError ? error.status : undefined;
    report({
      id: 'admin',
      status: 'fail',
      title: message,
      fix:
        status === 401 || status === 403
          ? 'Give the RBAC admin token (KONG_PASSWORD of kong_admin): controlPlane.adminTokenEnv, adminTokenFile, or type it.'
          : 'Check the Admin API URL (https://host:8444) or leave it empty to port-forward.',
    });
  } finally {
    await forwarded?.close();
  }

  // 4. Probes from this host
  const probeOptions = {route: deps.net.route, signal: deps.signal, timeoutMs: 5000};
  const lookup = (host: string) => deps.net.lookup(host);
  const cep = endpoints.cluster.endpoint;
  const tep = endpoints.telemetry.endpoint;
  if (cep) {
    report(fromProbe('dns-cluster', await probeDns(cep.host, {lookup, timeoutMs: 5000})));
    report(fromProbe('tcp-cluster', await probeTcp(cep.host, cep.port, probeOptions)));
  }
  if (tep) report(fromProbe('dns-telemetry', await probeDns(tep.host, {lookup, timeoutMs: 5000})));
  const certPem = cert?.material?.value('tls.crt')?.toString('utf8');
  const keyPem = cert?.material?.value('tls.key')?.toString('utf8');
  if (facts.mode === 'pki') {
    const note = {
      status: 'warn' as const,
      title: 'pki mode: the data plane has its own certificate; the TLS probe is left to the data plane log',
    };
    if (cep) report({id: 'tls-cluster', ...note});
    if (tep) report({id: 'tls-telemetry', ...note});
  } else if (certPem && keyPem) {
    if (cep)
      report(
        fromProbe(
          'tls-cluster',
          await probeClusterTls({...probeOptions, host: cep.host, port: cep.port, certPem, keyPem, mode: 'shared'}),
        ),
      );
    if (tep)
      report(
        fromProbe(
          'tls-telemetry',
          await probeTelemetryTls({...probeOptions, host: tep.host, port: tep.port, certPem, keyPem, mode: 'shared'}),
        ),
      );
  } else {
    const missing = {
      status: 'fail' as const,
      title: 'TLS not probed: no usable cluster certificate',
      fix: 'Fix the cluster certificate secret first.',
    };
    if (cep) report({id: 'tls-cluster', ...missing});
    if (tep) report({id: 'tls-telemetry', ...missing});
  }
  return finish(info);
}

/** The answers the step records for the later steps (and for `generate dp-values`). */
export function cpAnswersPatch(facts: CpFacts): Answers {
  const cp: NonNullable<Answers['controlPlane']> = {};
  if (facts.clusterEndpoint) cp.clusterEndpoint = facts.clusterEndpoint;
  if (facts.telemetryEndpoint) cp.telemetryEndpoint = facts.telemetryEndpoint;
  if (facts.version) cp.version = facts.version;
  if (facts.mode) cp.mode = facts.mode;
  if (facts.clusterCertSecret) cp.clusterCertSecret = facts.clusterCertSecret;
  if (facts.licenseSecret) cp.licenseSecret = facts.licenseSecret;
  return {controlPlane: cp};
}

/** One line for the rail and the summary. */
export function cpSummary(facts: CpFacts): string {
  const mode = facts.mode ?? 'shared';
  return `Kong ${facts.version ?? '?'} (${mode}) · cluster ${facts.clusterEndpoint ?? '?'} · telemetry ${facts.telemetryEndpoint ?? '?'}`;
}

/** The facts without undefined fields, as step data. */
export function factsData(facts: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
}
