// The verify step's work, shared by the headless run and the screen: the control plane's view of the
// data plane pods (/clustering/data-planes, polled until every pod is connected), then the article's
// smoke test through the DP proxy. Results carry no token.
import type {Clock, Net} from '../../ports.js';
import {
  createAdminClient,
  openAdminViaPortForward,
  type AdminClient,
  type AdminEndpoint,
} from '../../kong/admin-api.js';
import {createKubeApi} from '../../kong/kube-client.js';
import type {KubeApi} from '../../kong/kube-api.js';
import {
  runSmokeTest,
  SMOKE_PATH,
  verifyDataPlanes,
  type DataPlaneVerification,
  type SmokeResult,
  type SmokeStep,
} from '../../kong/verify.js';

export interface VerifyPlan {
  /** Absent: port-forward to the CP through the Kubernetes API (cp must be given). */
  adminUrl?: string;
  cp?: {kubeconfig: string; context?: string; namespace: string; release: string};
  podNames: string[];
  expectedVersion?: string;
  proxyUrl?: string;
  routerFlavor?: string;
  smokeTest: boolean;
}

export interface VerifyDeps {
  net: Net;
  clock: Clock;
  speed?: number;
  token?: string;
  signal?: AbortSignal;
  /** How many times the rows are read before giving up (default 24, one per interval). */
  rowAttempts?: number;
  onRows?: (verification: DataPlaneVerification, attempt: number) => void;
  onSmoke?: (step: SmokeStep) => void;
  /** For tests: another KubeApi for the port-forward. */
  cpKube?: KubeApi;
}

export interface VerifyResult {
  ok: boolean;
  verification?: DataPlaneVerification;
  smoke?: SmokeResult;
  error?: string;
}

export const smokeUrl = (proxyUrl: string) => `${proxyUrl.replace(/\/+$/, '')}${SMOKE_PATH}/anything`;

/** An Admin API client per the plan; the caller closes the returned endpoint. */
export async function openAdmin(
  plan: VerifyPlan,
  deps: VerifyDeps,
): Promise<{admin: AdminClient; forwarded?: AdminEndpoint}> {
  if (plan.adminUrl) return {admin: createAdminClient({url: plan.adminUrl, token: deps.token, route: deps.net.route})};
  if (!plan.cp) throw new Error('no Admin API URL and no control plane kubeconfig to port-forward through');
  const kube = deps.cpKube ?? createKubeApi(plan.cp.kubeconfig, plan.cp.context);
  const forwarded = await openAdminViaPortForward(kube, {namespace: plan.cp.namespace, release: plan.cp.release});
  return {admin: createAdminClient({url: forwarded.url, token: deps.token, ...forwarded.tls}), forwarded};
}

export async function runVerify(plan: VerifyPlan, deps: VerifyDeps): Promise<VerifyResult> {
  const interval = Math.max(200, 5000 / Math.max(1, deps.speed ?? 1));
  let opened: {admin: AdminClient; forwarded?: AdminEndpoint};
  try {
    opened = await openAdmin(plan, deps);
  } catch (error) {
    return {ok: false, error: (error as Error).message.split('\n')[0]};
  }
  try {
    let verification: DataPlaneVerification | undefined;
    let lastError: string | undefined;
    const attempts = deps.rowAttempts ?? 24;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        verification = await verifyDataPlanes(opened.admin, {
          podNames: plan.podNames,
          nowMs: deps.clock.now(),
          expectedVersion: plan.expectedVersion,
          signal: deps.signal,
        });
        lastError = undefined;
        deps.onRows?.(verification, attempt);
        if (verification.ok) break;
      } catch (error) {
        lastError = (error as Error).message.split('\n')[0];
      }
      if (deps.signal?.aborted) break;
      if (attempt < attempts) {
        try {
          await deps.clock.sleep(interval, deps.signal);
        } catch {
          break;
        }
      }
    }
    if (!verification?.ok)
      return {ok: false, verification, error: lastError ?? 'the data plane pods are not all connected'};
    if (!plan.smokeTest) return {ok: true, verification};
    if (!plan.proxyUrl)
      return {ok: false, verification, error: 'the data plane proxy address is not known; the smoke test cannot run'};
    const smoke = await runSmokeTest({
      admin: opened.admin,
      clock: deps.clock,
      proxyUrl: plan.proxyUrl,
      routerFlavor: plan.routerFlavor,
      podNames: plan.podNames,
      intervalMs: interval,
      route: deps.net.route,
      signal: deps.signal,
      onStep: deps.onSmoke,
    });
    return {
      ok: smoke.ok,
      verification,
      smoke,
      ...(smoke.ok ? {} : {error: smoke.steps.find(s => s.status === 'fail')?.title ?? 'smoke test failed'}),
    };
  } finally {
    await opened.forwarded?.close();
  }
}

export function verifySummary(result: VerifyResult, plan: VerifyPlan): string {
  const n = result.verification?.pods.filter(p => p.status === 'connected').length ?? 0;
  const smoke = plan.smokeTest && plan.proxyUrl ? ` · GET ${smokeUrl(plan.proxyUrl)} → 200` : '';
  return `${n} data plane${n === 1 ? '' : 's'} connected (sync_status normal)${smoke}`;
}
