// The cluster-spec step as the screen and the headless run share it: validate the answers, probe the
// two addresses and the OS image URL from here (through the network port), render and write cluster.yaml.
import {join} from 'node:path';
import type {Net} from '../../ports.js';
import type {CommandRunner} from '../../run/types.js';
import type {Answers} from '../../session/answers.js';
import {listInterfaces} from '../../cluster/interfaces.js';
import {netIpInUseProbe} from '../../cluster/ip-in-use.js';
import {
  checkAddressesInUse,
  checkOsImageReachable,
  renderClusterSpec,
  routedHeadFetch,
  writeClusterSpec,
  type RenderResult,
  type ResolvedSpec,
  type SpecIssue,
} from '../../cluster/spec.js';

export const CLUSTER_YAML = 'cluster.yaml';

/** Answers the spec cannot be made without, with what each expects (a headless run names them). */
export const REQUIRED_CLUSTER_ANSWERS: readonly {key: string; expected: string; get(a: Answers): unknown}[] = [
  {
    key: 'machines',
    expected: 'the machines with role cp or worker (discover / hardware steps)',
    get: a => (a.machines?.length ? a.machines : undefined),
  },
  {key: 'network.netmask', expected: 'the node network netmask, e.g. 255.255.255.0', get: a => a.network?.netmask},
  {
    key: 'cluster.name',
    expected: 'a name matching ^[a-z][a-z0-9-]+$, at most 35 characters',
    get: a => a.cluster?.name,
  },
  {
    key: 'cluster.endpoint',
    expected: 'a free IPv4 address in the node subnet for the control plane',
    get: a => a.cluster?.endpoint,
  },
  {
    key: 'cluster.tinkerbellIp',
    expected: 'a second free IPv4 address in the node subnet for Tinkerbell',
    get: a => a.cluster?.tinkerbellIp,
  },
  {
    key: 'cluster.osImageUrl',
    expected: 'the http(s) URL of the Ubuntu image built for the Kubernetes version',
    get: a => a.cluster?.osImageUrl,
  },
];

export function missingClusterAnswer(answers: Answers): {key: string; expected: string} | undefined {
  return REQUIRED_CLUSTER_ANSWERS.find(r => r.get(answers) === undefined || r.get(answers) === '');
}

/** IPv4 addresses bound here (tinkerbellIP must not be one); undefined when `ip` gave nothing usable. */
export async function localAddresses(runner: CommandRunner, signal?: AbortSignal): Promise<string[] | undefined> {
  try {
    return (await listInterfaces(runner, signal)).flatMap(i => i.ipv4.map(a => a.address));
  } catch {
    return undefined;
  }
}

/** What the spec needs besides the answers: the clock's now and the licence token, resolved. */
export interface SpecInputs {
  now: number;
  licenseToken: string | undefined;
}

/** The inputs from a step's context: the injected clock and the token wherever the answers keep it. */
export function specInputs(ctx: {
  ports: {clock: {now(): number}};
  secret(key: string): string | undefined;
}): SpecInputs {
  return {now: ctx.ports.clock.now(), licenseToken: ctx.secret('eksa.licenseToken')};
}

export function renderFromAnswers(answers: Answers, inputs: SpecInputs, local?: readonly string[]): RenderResult {
  return renderClusterSpec(answers, {
    now: inputs.now,
    ...(inputs.licenseToken ? {licenseToken: inputs.licenseToken} : {}),
    ...(local ? {localAddresses: local} : {}),
  });
}

export interface NetworkCheckResult {
  errors: SpecIssue[];
  warnings: SpecIssue[];
}

/** What eksctl checks at create (addresses in use), plus the image URL from the admin server (a warning only). */
export async function networkChecks(
  resolved: ResolvedSpec,
  runner: CommandRunner,
  net: Net,
  signal?: AbortSignal,
): Promise<NetworkCheckResult> {
  const errors = await checkAddressesInUse(resolved, netIpInUseProbe(runner, net), signal);
  const image = await checkOsImageReachable(resolved.osImageUrl, routedHeadFetch(net));
  return {errors, warnings: image ? [image] : []};
}

export async function writeSpecArtifact(sessionDir: string, yaml: string): Promise<string> {
  await writeClusterSpec(join(sessionDir, CLUSTER_YAML), yaml);
  return CLUSTER_YAML;
}

export function specSummary(r: ResolvedSpec): string {
  const workers = r.workerCount === 0 ? 'no workers' : `${r.workerCount} worker${r.workerCount === 1 ? '' : 's'}`;
  return `${CLUSTER_YAML}: ${r.name}, Kubernetes ${r.kubernetesVersion}, ${r.controlPlaneCount} control plane + ${workers}, endpoint ${r.endpoint}`;
}
