// `eksa-kong status`: one picture of the hybrid deployment a session belongs to. The control plane
// (GET / on its Admin API), every data plane it knows (GET /clustering/data-planes) grouped by the
// session that deployed it, the nodes of a cluster the session created, and a request through the
// data plane proxy. Everything is read; nothing is changed. No secret is part of the result.
import {listSessions} from '../session/list.js';
import {loadSession} from '../session/store.js';
import type {Session} from '../session/schema.js';
import {adminTokenSourceFromAnswers, resolveAdminToken} from '../kong/admin-api.js';
import {cpInputFromAnswers, expandPath} from '../steps/control-plane/cp-step.js';
import {workloadKubeconfig} from '../steps/data-plane/dp-step.js';
import {createKubeApi} from '../kong/kube-client.js';
import type {KubeApi} from '../kong/kube-api.js';
import {FRESH_SECONDS, fetchDataPlaneRows, httpGet} from '../kong/verify.js';
import {openAdmin, smokeUrl} from '../steps/verify/verify-step.js';
import type {StatusSource} from './open.js';

/** The `--json` document: these keys and nothing else; absent parts are null. */
export interface StatusJson {
  controlPlane: {
    version: string | null;
    clusterEndpoint: string | null;
    telemetryEndpoint: string | null;
    reachable: boolean;
  } | null;
  dataPlanes: Array<{
    hostname: string;
    version: string | null;
    syncStatus: string | null;
    lastSeen: string | null;
    session: string | null;
  }>;
  cluster: {name: string; nodes: Array<{name: string; ready: boolean}>} | null;
  proxy: {url: string; ok: boolean} | null;
}

export interface StatusReport extends StatusJson {
  session: string;
  sessionStatus: Session['status'];
  /** Per data plane row: not seen for FRESH_SECONDS or more (a DP that is gone; rows live 14 days). */
  stale: boolean[];
  /** Why a part could not be read, one line each (no secrets). */
  problems: string[];
  /** When the picture was taken (epoch ms). */
  at: number;
  destroyedAt?: string;
}

export function statusJson(report: StatusReport): StatusJson {
  return {
    controlPlane: report.controlPlane,
    dataPlanes: report.dataPlanes,
    cluster: report.cluster,
    proxy: report.proxy,
  };
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

/** The Admin API URL a session talks to (answer or what the control-plane step found). */
export function adminUrlOf(session: Session): string | undefined {
  const data = session.steps['control-plane'].data ?? {};
  return (
    session.answers.controlPlane?.adminUrl || (typeof data['adminUrl'] === 'string' ? data['adminUrl'] : undefined)
  );
}

/** The DP pod names a session deployed (the data-plane step, updated by upgrades). */
export function recordedPods(session: Session): string[] {
  const pods = session.steps['data-plane'].data?.['pods'];
  return Array.isArray(pods) ? pods.map(String) : [];
}

/** Which session each DP hostname belongs to: this one and every other session of the home on the same CP. */
async function podOwners(source: StatusSource, livePods: readonly string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  const url = adminUrlOf(source.session);
  for (const summary of await listSessions(source.home)) {
    if (summary.name === source.session.name || summary.status === 'broken') continue;
    try {
      const other = await loadSession(source.home, summary.name);
      if (url && adminUrlOf(other) === url) for (const pod of recordedPods(other)) owners.set(pod, other.name);
    } catch {
      // A session that cannot be read owns nothing here; `sessions` reports it.
    }
  }
  for (const pod of [...recordedPods(source.session), ...livePods]) owners.set(pod, source.session.name);
  return owners;
}

function podIsReady(conditions: Array<{type: string; status: string}> | undefined): boolean {
  return conditions?.some(c => c.type === 'Ready' && c.status === 'True') ?? false;
}

export interface StatusDeps {
  /** For tests: KubeApi per kubeconfig path. */
  kubeFor?: (kubeconfig: string, context?: string) => KubeApi;
  signal?: AbortSignal;
}

export async function collectStatus(source: StatusSource, deps: StatusDeps = {}): Promise<StatusReport> {
  const {session} = source;
  const kubeFor = deps.kubeFor ?? createKubeApi;
  const problems: string[] = [];
  const cpData = session.steps['control-plane'].data ?? {};
  const dpData = session.steps['data-plane'].data ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

  // Live DP pods of this session on its cluster (hostnames after an upgrade differ from the recorded ones).
  const workload = workloadKubeconfig(session, source.dir, source.env);
  let livePods: string[] = [];
  const release = str(dpData['release']);
  const namespace = str(dpData['namespace']);
  if (workload && release && namespace) {
    try {
      const pods = await kubeFor(workload.kubeconfig, workload.context).list('Pod', namespace, {
        labelSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/component=app`,
      });
      livePods = pods.map(p => p.metadata.name);
    } catch (error) {
      problems.push(`data plane pods: ${firstLine(error)}`);
    }
  }

  let controlPlane: StatusJson['controlPlane'] = null;
  let dataPlanes: StatusJson['dataPlanes'] = [];
  let stale: boolean[] = [];
  const cpKnown = session.steps['control-plane'].state === 'done' || Boolean(adminUrlOf(session));
  if (cpKnown) {
    controlPlane = {
      version: str(cpData['version']),
      clusterEndpoint: str(cpData['clusterEndpoint']),
      telemetryEndpoint: str(cpData['telemetryEndpoint']),
      reachable: false,
    };
    const cp = cpInputFromAnswers(session.answers);
    let token = source.secret('kong.adminToken');
    if (!token) {
      const resolved = await resolveAdminToken(adminTokenSourceFromAnswers(session.answers.controlPlane), source.env);
      if (resolved.ok) token = resolved.token;
      else problems.push(`admin token: ${resolved.message}`);
    }
    let opened: Awaited<ReturnType<typeof openAdmin>> | undefined;
    try {
      opened = await openAdmin(
        {
          adminUrl: adminUrlOf(session),
          cp: {
            kubeconfig: expandPath(cp.kubeconfig, source.env),
            context: cp.context ?? str(cpData['context']) ?? undefined,
            namespace: cp.namespace,
            release: cp.release,
          },
          podNames: [],
          smokeTest: false,
        },
        {net: source.net, clock: source.clock, token},
      );
      const info = await opened.admin.getInfo({signal: deps.signal});
      controlPlane.version = info.version || controlPlane.version;
      controlPlane.reachable = true;
      const rows = await fetchDataPlaneRows(opened.admin, {signal: deps.signal});
      const owners = await podOwners(source, livePods);
      const nowSec = Math.floor(source.clock.now() / 1000);
      const sorted = [...rows.rows].sort(
        (a, b) =>
          (owners.get(a.hostname) ?? '\uffff').localeCompare(owners.get(b.hostname) ?? '\uffff') ||
          a.hostname.localeCompare(b.hostname),
      );
      dataPlanes = sorted.map(r => ({
        hostname: r.hostname,
        version: r.version ?? null,
        syncStatus: r.sync_status ?? null,
        lastSeen: r.last_seen === undefined ? null : new Date(r.last_seen * 1000).toISOString(),
        session: owners.get(r.hostname) ?? null,
      }));
      stale = sorted.map(r => r.last_seen === undefined || nowSec - r.last_seen >= FRESH_SECONDS);
    } catch (error) {
      problems.push(`control plane: ${firstLine(error)}`);
    } finally {
      await opened?.forwarded?.close();
    }
  }

  // A destroyed session's cluster and proxy were removed by it: nothing there to read.
  const destroyed = Boolean(session.destroyedAt);
  let cluster: StatusJson['cluster'] = null;
  const created =
    session.steps['create-cluster'].state === 'done' &&
    !session.answers.cluster?.existing &&
    session.artifacts.kubeconfig;
  if (created && workload && session.world !== 'dry-run' && !destroyed) {
    cluster = {name: session.answers.cluster?.name ?? '?', nodes: []};
    try {
      const nodes = await kubeFor(workload.kubeconfig, workload.context).list('Node', '');
      cluster.nodes = nodes.map(n => ({name: n.metadata.name, ready: podIsReady(n.status?.conditions)}));
    } catch (error) {
      problems.push(`cluster ${cluster.name}: ${firstLine(error)}`);
    }
  }

  let proxy: StatusJson['proxy'] = null;
  const proxyUrl = destroyed ? null : str(dpData['proxyUrl']);
  if (proxyUrl) {
    proxy = {url: proxyUrl, ok: false};
    try {
      const answer = await httpGet(smokeUrl(proxyUrl), {timeoutMs: 5000, signal: deps.signal, route: source.net.route});
      proxy.ok = answer.status === 200;
      if (!proxy.ok) problems.push(`GET ${smokeUrl(proxyUrl)} answered HTTP ${answer.status}`);
    } catch (error) {
      problems.push(`GET ${smokeUrl(proxyUrl)}: ${(error as NodeJS.ErrnoException).code ?? firstLine(error)}`);
    }
  }

  return {
    session: session.name,
    sessionStatus: session.status,
    controlPlane,
    dataPlanes,
    cluster,
    proxy,
    stale,
    problems,
    at: source.clock.now(),
    ...(session.destroyedAt ? {destroyedAt: session.destroyedAt} : {}),
  };
}

/** Seconds or minutes ago, for the table. */
function ago(iso: string | null, nowMs: number): string {
  if (!iso) return '?';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

/** The report as plain lines (the headless view; the --watch screen draws the same lines). */
export function statusLines(report: StatusReport): string[] {
  const out: string[] = [
    `Session ${report.session} (${report.sessionStatus}${report.destroyedAt ? ` at ${report.destroyedAt}: its data plane and cluster were removed` : ''})`,
  ];
  const cp = report.controlPlane;
  if (!cp) out.push('Control plane: not set up in this session');
  else {
    out.push(`Control plane: Kong ${cp.version ?? '?'} · Admin API ${cp.reachable ? 'reachable' : 'NOT reachable'}`);
    out.push(`  cluster   ${cp.clusterEndpoint ?? '?'}`, `  telemetry ${cp.telemetryEndpoint ?? '?'}`);
  }
  out.push(`Data planes the control plane knows: ${report.dataPlanes.length}`);
  let group: string | null | undefined;
  report.dataPlanes.forEach((dp, i) => {
    if (dp.session !== group) {
      group = dp.session;
      out.push(`  ${group ? `session ${group}` : 'not from a session in this home'}:`);
    }
    const mark = report.stale[i] ? 'STALE' : dp.syncStatus === 'normal' ? 'ok' : (dp.syncStatus ?? '?');
    out.push(
      `    ${dp.hostname}  ${dp.version ?? '?'}  ${dp.syncStatus ?? '?'}  last seen ${ago(dp.lastSeen, report.at)}  ${mark}`,
    );
  });
  if (report.cluster) {
    const ready = report.cluster.nodes.filter(n => n.ready).length;
    out.push(`Cluster ${report.cluster.name}: ${ready}/${report.cluster.nodes.length} nodes Ready`);
    for (const n of report.cluster.nodes) out.push(`    ${n.name}  ${n.ready ? 'Ready' : 'NotReady'}`);
  }
  if (report.proxy)
    out.push(`Proxy ${report.proxy.url}: route check ${report.proxy.ok ? 'GET /httpbin/anything → 200' : 'FAILED'}`);
  for (const p of report.problems) out.push(`! ${p}`);
  return out;
}

/** The newest session that has a data plane, for `status` without a name. */
export async function defaultStatusSession(home: string): Promise<string | undefined> {
  for (const s of await listSessions(home)) {
    if (s.status === 'broken') continue;
    if (s.status === 'done') return s.name;
  }
  return undefined;
}
