// The Tinkerbell cluster spec: answer validation with EKS Anywhere's rules (reference 2.4 and 1.5)
// plus the stricter ones it lacks, and rendering of the four documents from templates/cluster-spec.
// Every rule failure names the answers-file key, so a screen can point at the field and a headless
// run can say which key to fix.
import {readFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import yaml from 'js-yaml';
import {parseAnswers} from '../session/answers-file.js';
import {writeFileAtomic} from '../session/home.js';
import {AnswersFileError} from '../session/errors.js';
import type {Answers, Machine} from '../session/answers.js';
import {
  cidrContains,
  cidrsOverlap,
  cidrToString,
  formatIpv4,
  isIpv4,
  netmaskPrefix,
  parseCidr,
  subnetOf,
  type Cidr,
} from '../net/ipv4.js';
import type {IpInUseProbe} from './ip-in-use.js';
import {
  DEFAULT_KUBERNETES_VERSION,
  KUBERNETES_VERSIONS,
  SUPPORT_WINDOWS,
  isSupportedKubernetesVersion,
  supportPhase,
} from './kube-versions.js';
import {LICENSE_WARN_DAYS, readLicenseToken} from './license-token.js';
import {sshKeyProblem} from './ssh-keys.js';
import {templatesDir} from '../templates.js';
import {NetRouteError, type Net} from '../ports.js';

export interface SpecIssue {
  /** Answers-file key, e.g. "cluster.endpoint". */
  key: string;
  message: string;
}

export const DEFAULT_PODS_CIDR = '192.168.0.0/16';
export const DEFAULT_SERVICES_CIDR = '10.96.0.0/12';
/** Alternatives offered when a default overlaps the node LAN. */
const POD_CIDR_ALTERNATIVES = ['192.168.0.0/16', '10.244.0.0/16', '172.20.0.0/16', '100.64.0.0/16'];
const SERVICE_CIDR_ALTERNATIVES = ['10.96.0.0/12', '172.30.0.0/16', '100.96.0.0/16'];

export const CLUSTER_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]+$/;
export const CLUSTER_NAME_MAX = 35;

/** The answers, defaults applied: what the templates are filled with. */
export interface ResolvedSpec {
  name: string;
  kubernetesVersion: string;
  controlPlaneCount: number;
  workerCount: number;
  endpoint: string;
  tinkerbellIp: string;
  osImageUrl: string;
  sshAuthorizedKey: string;
  podsCidr: string;
  servicesCidr: string;
  loadBalancerInterface: string | undefined;
  nodeSubnet: string | undefined;
  /** spec.licenseToken: a secret, written only into the 0600 cluster.yaml. */
  licenseToken: string | undefined;
}

/** One row of the hardware catalogue as the selectors see it. */
export interface HardwareLabels {
  hostname: string;
  labels: Record<string, string>;
}

export interface SelectorGroup {
  /** Machine config name, e.g. "seed-cp". */
  name: string;
  selector: Record<string, string>;
  count: number;
}

export interface ValidationOptions {
  /** The injected clock's now (epoch ms): decides extended support and licence validity. */
  now: number;
  /** The resolved cluster.licenseToken (from the answers, secrets.json, env or file). */
  licenseToken?: string;
  /** IPv4 addresses bound on the admin server: tinkerbellIP must not be one of them. */
  localAddresses?: readonly string[];
  /** The hardware catalogue; by default built from answers.machines (labels type=<role> + extras). */
  hardware?: readonly HardwareLabels[];
}

export interface ValidationResult {
  resolved: ResolvedSpec | undefined;
  errors: SpecIssue[];
  warnings: SpecIssue[];
}

/** Labels a machine's hardware.csv row carries: its extra labels plus type=<role>. */
export function hardwareFromMachines(machines: readonly Machine[]): HardwareLabels[] {
  return machines.map(m => ({hostname: m.hostname, labels: {...(m.labels ?? {}), type: m.role}}));
}

function selectorJson(selector: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(selector).sort(([a], [b]) => a.localeCompare(b))));
}

function matches(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** EKS Anywhere's selector assertions (assert.go), with its exact wording. */
export function checkHardwareSelectors(
  groups: readonly SelectorGroup[],
  hardware: readonly HardwareLabels[],
): string[] {
  const errors: string[] = [];
  for (const group of groups) {
    const size = Object.keys(group.selector).length;
    if (size === 0) errors.push(`missing hardware selector for ${group.name}`);
    else if (size > 1) errors.push('spec.hardwareSelector must contain only 1 key-value pair');
  }
  for (const group of groups) {
    if (Object.keys(group.selector).length === 0 || group.count === 0) continue;
    const have = hardware.filter(h => matches(h.labels, group.selector)).length;
    if (have < group.count) {
      errors.push(
        `minimum hardware count not met for selector '${selectorJson(group.selector)}': have ${have}, require ${group.count}`,
      );
    }
  }
  for (const h of hardware) {
    const hit = groups.filter(g => Object.keys(g.selector).length > 0 && matches(h.labels, g.selector));
    if (hit.length > 1) {
      errors.push(
        `hardware must only satisfy 1 selector: hardware name '${h.hostname}'; selectors '${hit.map(g => selectorJson(g.selector)).join(', ')}'`,
      );
    }
  }
  return errors;
}

/** EKS Anywhere's rule: strip "-", "." and "_" from both, then the URL must contain the version. */
export function osImageUrlHasVersion(url: string, kubernetesVersion: string): boolean {
  const strip = (s: string) => s.replace(/[-._]/g, '');
  return strip(url).includes(strip(kubernetesVersion));
}

function nodeSubnet(answers: Answers): {subnet: Cidr | undefined; issue: SpecIssue | undefined} {
  const mask = answers.network?.netmask;
  const anchor = answers.network?.gateway ?? answers.machines?.[0]?.ip;
  if (!mask)
    return {
      subnet: undefined,
      issue: {
        key: 'network.netmask',
        message: 'needed to check that the endpoint and tinkerbellIP are in the node subnet',
      },
    };
  const prefix = netmaskPrefix(mask);
  if (prefix === null)
    return {
      subnet: undefined,
      issue: {key: 'network.netmask', message: `${mask} is not a dotted-quad contiguous netmask`},
    };
  if (!anchor || !isIpv4(anchor)) return {subnet: undefined, issue: undefined};
  return {subnet: subnetOf(anchor, prefix), issue: undefined};
}

function validateName(name: string | undefined, errors: SpecIssue[]): void {
  const key = 'cluster.name';
  if (!name) {
    errors.push({key, message: 'the cluster name is required'});
    return;
  }
  if (name.length > CLUSTER_NAME_MAX)
    errors.push({key, message: `number of characters in ${name} should be less than 36`});
  else if (!CLUSTER_NAME_PATTERN.test(name))
    errors.push({key, message: `${name} must match ${CLUSTER_NAME_PATTERN.source}`});
  // Stricter than eksctl: the name becomes Kubernetes object names, which are lowercase DNS labels.
  else if (name !== name.toLowerCase())
    errors.push({key, message: `${name}: use lowercase letters; Kubernetes object names are lowercase`});
  else if (name.endsWith('-')) errors.push({key, message: `${name} must not end with "-"`});
}

function firstFree(alternatives: readonly string[], taken: readonly Cidr[]): string | undefined {
  return alternatives.find(a => !taken.some(t => cidrsOverlap(parseCidr(a)!, t)));
}

/** Check an endpoint-like address (control-plane endpoint, tinkerbellIP) against the LAN. */
function validateVip(
  key: string,
  label: string,
  ip: string,
  answers: Answers,
  subnet: Cidr | undefined,
  errors: SpecIssue[],
): void {
  if (!isIpv4(ip)) {
    errors.push({key, message: `${label} ${ip} is not an IPv4 address`});
    return;
  }
  if (subnet) {
    const size = 2 ** (32 - subnet.prefix);
    if (!cidrContains(subnet, ip))
      errors.push({key, message: `${label} ${ip} is outside the node subnet ${cidrToString(subnet)}`});
    else if (size > 2 && (ip === formatIpv4(subnet.network) || ip === formatIpv4(subnet.network + size - 1))) {
      errors.push({key, message: `${label} ${ip} is the network or broadcast address of ${cidrToString(subnet)}`});
    }
  }
  for (const m of answers.machines ?? []) {
    if (m.ip === ip) errors.push({key, message: `${label} ${ip} is the address of machine ${m.hostname}`});
    if (m.bmc?.ip === ip) errors.push({key, message: `${label} ${ip} is the BMC address of machine ${m.hostname}`});
  }
  if (answers.network?.gateway === ip) errors.push({key, message: `${label} ${ip} is the gateway`});
  if (answers.admin?.bootstrapIp === ip)
    errors.push({key, message: `${label} ${ip} is the admin server's bootstrap IP`});
}

export function validateClusterAnswers(answers: Answers, options: ValidationOptions): ValidationResult {
  const errors: SpecIssue[] = [];
  const warnings: SpecIssue[] = [];
  const c = answers.cluster ?? {};
  const machines = answers.machines ?? [];

  validateName(c.name, errors);
  const name = c.name ?? '';

  const kubernetesVersion = c.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  if (!isSupportedKubernetesVersion(kubernetesVersion) && isSupportedKubernetesVersion(`${kubernetesVersion}0`)) {
    // An unquoted 1.30 in YAML is the number 1.3.
    errors.push({
      key: 'cluster.kubernetesVersion',
      message: `${kubernetesVersion} looks like ${kubernetesVersion}0 read as a number; quote it: "${kubernetesVersion}0"`,
    });
  } else if (!isSupportedKubernetesVersion(kubernetesVersion)) {
    errors.push({
      key: 'cluster.kubernetesVersion',
      message: `${kubernetesVersion} is not supported; choose one of ${KUBERNETES_VERSIONS.join(', ')}`,
    });
  }
  const licenseToken = options.licenseToken?.trim() || undefined;
  validateLicense(kubernetesVersion, licenseToken, options.now, errors, warnings);

  // Counts: by default every machine of a role is used, keeping one CP spare when that makes the count odd.
  const cpMachines = machines.filter(m => m.role === 'cp').length;
  const workerMachines = machines.filter(m => m.role === 'worker').length;
  const controlPlaneCount = c.controlPlaneCount ?? Math.max(1, cpMachines % 2 === 0 ? cpMachines - 1 : cpMachines);
  const workerCount = c.workerCount ?? workerMachines;
  if (controlPlaneCount % 2 === 0) {
    errors.push({
      key: 'cluster.controlPlaneCount',
      message: 'control plane node count cannot be an even number when using stacked etcd topology',
    });
  } else if (controlPlaneCount !== 3 && controlPlaneCount !== 5) {
    warnings.push({
      key: 'cluster.controlPlaneCount',
      message: 'Warning: The recommended number of control plane nodes is 3 or 5',
    });
  }
  if (workerCount === 0) {
    warnings.push({
      key: 'cluster.workerCount',
      message:
        'Warning: No configurations provided for worker node groups, pods will be scheduled on control-plane nodes',
    });
  }
  const hardware = options.hardware ?? hardwareFromMachines(machines);
  const groups: SelectorGroup[] = [{name: `${name}-cp`, selector: {type: 'cp'}, count: controlPlaneCount}];
  if (workerCount > 0) groups.push({name, selector: {type: 'worker'}, count: workerCount});
  for (const message of checkHardwareSelectors(groups, hardware)) errors.push({key: 'machines', message});
  const spares = hardware.length - controlPlaneCount - workerCount;
  if (spares > 0 && errors.every(e => e.key !== 'machines')) {
    warnings.push({
      key: 'machines',
      message: `${spares} machine(s) beyond the counts become spares: their hardware is registered and may be re-imaged during upgrades`,
    });
  }

  const {subnet, issue: subnetIssue} = nodeSubnet(answers);
  if (subnetIssue) errors.push(subnetIssue);

  const endpoint = c.endpoint ?? '';
  const tinkerbellIp = c.tinkerbellIp ?? '';
  if (!endpoint)
    errors.push({
      key: 'cluster.endpoint',
      message: 'cluster controlPlaneConfiguration.Endpoint.Host is not set or is empty',
    });
  else validateVip('cluster.endpoint', 'control plane endpoint', endpoint, answers, subnet, errors);
  if (!tinkerbellIp)
    errors.push({key: 'cluster.tinkerbellIp', message: 'TinkerbellDatacenterConfig: missing spec.tinkerbellIP field'});
  else {
    validateVip('cluster.tinkerbellIp', 'tinkerbellIP', tinkerbellIp, answers, subnet, errors);
    if (options.localAddresses?.includes(tinkerbellIp) && answers.admin?.bootstrapIp !== tinkerbellIp) {
      errors.push({
        key: 'cluster.tinkerbellIp',
        message: `tinkerbellIP ${tinkerbellIp} is bound to an interface of the admin server; it must be a free address`,
      });
    }
  }
  if (endpoint && endpoint === tinkerbellIp) {
    errors.push({
      key: 'cluster.tinkerbellIp',
      message: `controlPlaneConfiguration.endpoint.host and tinkerbellIP are the same (${endpoint}), please provide two unique IPs`,
    });
  }

  const osImageUrl = c.osImageUrl ?? '';
  if (!osImageUrl) {
    errors.push({
      key: 'cluster.osImageUrl',
      message: `missing OSImageURL: EKS Anywhere ships no Ubuntu image; build one for Kubernetes ${kubernetesVersion} and serve it over HTTP(S)`,
    });
  } else if (!/^https?:\/\/[^\s/]+/i.test(osImageUrl) || !URL.canParse(osImageUrl)) {
    errors.push({
      key: 'cluster.osImageUrl',
      message: `parsing osImageOverride: parse "${osImageUrl}": invalid URI for request (give an http:// or https:// URL)`,
    });
  } else if (!osImageUrlHasVersion(osImageUrl, kubernetesVersion)) {
    errors.push({
      key: 'cluster.osImageUrl',
      message: `missing kube version from OSImageURL: url=${osImageUrl}, version=${kubernetesVersion}`,
    });
  }

  const sshAuthorizedKey = (c.sshAuthorizedKey ?? '').trim();
  const keyProblem = sshKeyProblem(sshAuthorizedKey);
  if (keyProblem)
    errors.push({key: 'cluster.sshAuthorizedKey', message: `${keyProblem} (eksctl: "ssh: no key found")`});
  else if (sshAuthorizedKey === '') {
    warnings.push({
      key: 'cluster.sshAuthorizedKey',
      message: `no key: eksctl anywhere generates one into ${name || '<name>'}/eks-a-id_rsa`,
    });
  }

  const lan: Cidr[] = subnet ? [subnet] : [];
  const podsCidr = c.podsCidr || DEFAULT_PODS_CIDR;
  const servicesCidr = c.servicesCidr || DEFAULT_SERVICES_CIDR;
  let pods = validateCidr('cluster.podsCidr', 'pods CIDR', podsCidr, lan, POD_CIDR_ALTERNATIVES, errors);
  const podMaskProblem = pods ? podsMaskProblem(pods.prefix) : undefined;
  if (podMaskProblem) {
    errors.push({
      key: 'cluster.podsCidr',
      message: `${podMaskProblem}; use a mask from /8 to /23, e.g. ${DEFAULT_PODS_CIDR}`,
    });
    pods = undefined;
  }
  const services = validateCidr(
    'cluster.servicesCidr',
    'services CIDR',
    servicesCidr,
    lan,
    SERVICE_CIDR_ALTERNATIVES,
    errors,
  );
  if (pods && services && cidrsOverlap(pods, services)) {
    errors.push({
      key: 'cluster.servicesCidr',
      message: `services CIDR ${servicesCidr} overlaps the pods CIDR ${podsCidr}`,
    });
  }
  // Addresses pods must still reach (BMCs for Rufio after the move, DNS, the admin server).
  const reachable = [
    ...machines.flatMap(m => (m.bmc?.ip ? [{ip: m.bmc.ip, what: `the BMC of ${m.hostname}`}] : [])),
    ...(answers.network?.nameservers ?? []).map(ip => ({ip, what: 'a nameserver'})),
    ...(answers.admin?.bootstrapIp ? [{ip: answers.admin.bootstrapIp, what: 'the admin server'}] : []),
  ];
  for (const [cidr, key, text] of [
    [pods, 'cluster.podsCidr', podsCidr],
    [services, 'cluster.servicesCidr', servicesCidr],
  ] as const) {
    if (!cidr) continue;
    const hit = reachable.find(r => cidrContains(cidr, r.ip));
    if (hit) errors.push({key, message: `${text} contains ${hit.ip} (${hit.what}); the cluster could not reach it`});
  }

  const loadBalancerInterface = c.loadBalancerInterface || undefined;
  if (loadBalancerInterface !== undefined && !/^[A-Za-z0-9_.:@-]{1,15}$/.test(loadBalancerInterface)) {
    errors.push({
      key: 'cluster.loadBalancerInterface',
      message: `${loadBalancerInterface} is not an interface name (at most 15 characters, no spaces or "/")`,
    });
  }

  if (errors.length > 0) return {resolved: undefined, errors, warnings};
  return {
    resolved: {
      name,
      kubernetesVersion,
      controlPlaneCount,
      workerCount,
      endpoint,
      tinkerbellIp,
      osImageUrl,
      sshAuthorizedKey,
      podsCidr: cidrToString(pods!),
      servicesCidr: cidrToString(services!),
      loadBalancerInterface,
      nodeSubnet: subnet ? cidrToString(subnet) : undefined,
      licenseToken,
    },
    errors,
    warnings,
  };
}

const DAY_MS = 86_400_000;

/** kubeadm's default node-mask for IPv4, which EKS Anywhere uses unless clusterNetwork.nodes says otherwise. */
export const NODE_CIDR_MASK_SIZE = 24;
const POD_SUBNET_NODE_MASK_MAX_DIFF = 16;

/**
 * EKS Anywhere's validateNetworking (pkg/api/v1alpha1/cluster.go), with its words: the pods CIDR must
 * hold more than one node-mask (/24) and at most 2^16 of them.
 */
export function podsMaskProblem(podMaskSize: number, nodeCidrMaskSize = NODE_CIDR_MASK_SIZE): string | undefined {
  if (podMaskSize >= nodeCidrMaskSize) {
    return `the size of pod subnet with mask ${podMaskSize} is smaller than or equal to the size of node subnet with mask ${nodeCidrMaskSize}`;
  }
  if (nodeCidrMaskSize - podMaskSize > POD_SUBNET_NODE_MASK_MAX_DIFF) {
    return `pod subnet mask (${podMaskSize}) and node-mask (${nodeCidrMaskSize}) difference is greater than ${POD_SUBNET_NODE_MASK_MAX_DIFF}`;
  }
  return undefined;
}

/**
 * eksctl v0.22+ (pkg/validations/extendedversion.go): a version past its end of standard support
 * needs spec.licenseToken, and an expired token fails. The signature only eksctl can check.
 */
function validateLicense(
  version: string,
  token: string | undefined,
  now: number,
  errors: SpecIssue[],
  warnings: SpecIssue[],
): void {
  const key = 'cluster.licenseToken';
  const phase = isSupportedKubernetesVersion(version) ? supportPhase(version, now) : 'standard';
  if (isSupportedKubernetesVersion(version) && phase !== 'standard') {
    const w = SUPPORT_WINDOWS[version];
    if (!token) {
      errors.push({
        key,
        message: `licenseToken is required for extended kubernetes support: Kubernetes ${version} left standard support on ${w.endOfStandardSupport}; give cluster.licenseToken (or licenseTokenEnv / licenseTokenFile) from your EKS Anywhere Enterprise Subscription, or choose a version in standard support`,
      });
    }
    if (phase === 'ended') {
      warnings.push({
        key: 'cluster.kubernetesVersion',
        message: `Kubernetes ${version} is past its end of extended support (${w.endOfExtendedSupport}): it gets no more patches; choose a newer version`,
      });
    }
  }
  if (!token) return;
  const read = readLicenseToken(token);
  if (!read.ok) {
    errors.push({key, message: `the licence token ${read.problem} (wizard's check: eksctl would refuse it too)`});
    return;
  }
  const end = read.info.endValidity;
  if (end === undefined) return;
  const day = new Date(end).toISOString().slice(0, 10);
  if (end <= now) errors.push({key, message: `license is expired, please renew the license (endValidity ${day})`});
  else if (end - now < LICENSE_WARN_DAYS * DAY_MS) {
    warnings.push({
      key,
      message: `the licence token ends on ${day}, in ${Math.ceil((end - now) / DAY_MS)} day(s): renew it before then or upgrades will fail`,
    });
  }
}

function validateCidr(
  key: string,
  label: string,
  value: string,
  lan: readonly Cidr[],
  alternatives: readonly string[],
  errors: SpecIssue[],
): Cidr | undefined {
  const cidr = parseCidr(value);
  if (!cidr) {
    errors.push({key, message: `${label} ${value} is not an IPv4 CIDR such as ${alternatives[0]}`});
    return undefined;
  }
  if (cidrToString(cidr) !== value.trim()) {
    errors.push({key, message: `${label} ${value} has host bits set; did you mean ${cidrToString(cidr)}?`});
    return undefined;
  }
  const hit = lan.find(l => cidrsOverlap(cidr, l));
  if (hit) {
    const other = firstFree(alternatives, lan);
    errors.push({
      key,
      message: `${label} ${value} overlaps the node network ${cidrToString(hit)}${other ? `; use e.g. ${other}` : ''}`,
    });
    return undefined;
  }
  return cidr;
}

/** The network checks EKS Anywhere runs at create (unless --skip-ip-check), done early. */
export async function checkAddressesInUse(
  resolved: Pick<ResolvedSpec, 'endpoint' | 'tinkerbellIp'>,
  probe: IpInUseProbe,
  signal?: AbortSignal,
): Promise<SpecIssue[]> {
  const issues: SpecIssue[] = [];
  const endpoint = await probe(resolved.endpoint, signal);
  if (endpoint.inUse)
    issues.push({
      key: 'cluster.endpoint',
      message: `control plane endpoint ip in use: ${resolved.endpoint} (${endpoint.reason})`,
    });
  const tink = await probe(resolved.tinkerbellIp, signal);
  if (tink.inUse)
    issues.push({
      key: 'cluster.tinkerbellIp',
      message: `tinkerbellIP ${resolved.tinkerbellIp} is already in use, please provide a unique IP (${tink.reason})`,
    });
  return issues;
}

export type HeadFetch = (
  url: string,
  init: {method: 'HEAD'; signal: AbortSignal; redirect: 'follow'},
) => Promise<{ok: boolean; status: number}>;

/**
 * A HEAD fetch that connects where the network port routes the URL's host (the demo world maps its
 * simulated image host to loopback). No route means nothing answers there.
 */
export function routedHeadFetch(net: Net, fetchFn: HeadFetch = fetch): HeadFetch {
  return async (url, init) => {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    let to: {host: string; port: number};
    try {
      to = net.route(u.hostname, port);
    } catch (error) {
      if (error instanceof NetRouteError) throw new Error(`nothing answers at ${u.hostname}:${port}`);
      throw error;
    }
    if (to.host === u.hostname && to.port === port) return fetchFn(url, init);
    u.hostname = to.host;
    u.port = String(to.port);
    return fetchFn(u.toString(), init);
  };
}

/**
 * Optional: does the image URL answer a HEAD request from here? The nodes fetch it, not the admin
 * server, so a failure is a warning only.
 */
export async function checkOsImageReachable(
  url: string,
  fetchFn: HeadFetch = fetch,
  timeoutMs = 5000,
): Promise<SpecIssue | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    const response = await fetchFn(url, {method: 'HEAD', signal: controller.signal, redirect: 'follow'});
    if (response.ok) return undefined;
    return {
      key: 'cluster.osImageUrl',
      message: `HEAD ${url} answered ${response.status}; the nodes will fail to download the image`,
    };
  } catch (error) {
    const reason = controller.signal.aborted
      ? `no answer within ${timeoutMs} ms`
      : error instanceof Error
        ? error.message
        : String(error);
    return {key: 'cluster.osImageUrl', message: `HEAD ${url} failed from the admin server: ${reason}`};
  } finally {
    clearTimeout(timer);
  }
}

// --- rendering --------------------------------------------------------------------------------

type Json = string | number | boolean | null | Json[] | {[key: string]: Json};

const DROP = Symbol('drop');

/** Replace "${key}" strings with values; "${?key}" fields are removed when the value is undefined. */
export function fillTemplate(node: unknown, values: Readonly<Record<string, Json | undefined>>): Json {
  const walk = (n: unknown, where: string): Json | typeof DROP => {
    if (typeof n === 'string') {
      const m = /^\$\{(\?)?([A-Za-z][A-Za-z0-9]*)\}$/.exec(n);
      if (!m) {
        if (n.includes('${')) throw new Error(`template ${where}: a placeholder must be the whole value: ${n}`);
        return n;
      }
      const value = values[m[2]!];
      if (value !== undefined) return value;
      if (m[1]) return DROP;
      throw new Error(`template ${where}: no value for ${m[2]}`);
    }
    if (Array.isArray(n)) return n.map((x, i) => walk(x, `${where}[${i}]`)).filter((x): x is Json => x !== DROP);
    if (n !== null && typeof n === 'object') {
      const out: {[key: string]: Json} = {};
      for (const [k, v] of Object.entries(n)) {
        const filled = walk(v, `${where}.${k}`);
        if (filled !== DROP) out[k] = filled;
      }
      return out;
    }
    if (typeof n === 'number' || typeof n === 'boolean' || n === null) return n;
    throw new Error(`template ${where}: unsupported value`);
  };
  const result = walk(node, '');
  if (result === DROP) throw new Error('template: the whole document is optional');
  return result;
}

// Fields EKS Anywhere knows for what we emit (its parser is strict: unknown fields are rejected).
// true = a leaf; '*' = a map with free keys; [x] = a list of x.
type Shape = true | '*' | {[key: string]: Shape} | [Shape];
const META: Shape = {name: true, namespace: true};
const REF: Shape = {kind: true, name: true};
const SHAPES: Record<string, Shape> = {
  Cluster: {
    apiVersion: true,
    kind: true,
    metadata: META,
    spec: {
      clusterNetwork: {cniConfig: {cilium: '*'}, pods: {cidrBlocks: [true]}, services: {cidrBlocks: [true]}},
      controlPlaneConfiguration: {count: true, endpoint: {host: true}, machineGroupRef: REF},
      datacenterRef: REF,
      kubernetesVersion: true,
      licenseToken: true,
      managementCluster: {name: true},
      workerNodeGroupConfigurations: [{name: true, count: true, machineGroupRef: REF}],
    },
  },
  TinkerbellDatacenterConfig: {
    apiVersion: true,
    kind: true,
    metadata: META,
    spec: {
      tinkerbellIP: true,
      osImageURL: true,
      hookImagesURLPath: true,
      loadBalancerInterface: true,
      skipLoadBalancerDeployment: true,
    },
  },
  TinkerbellMachineConfig: {
    apiVersion: true,
    kind: true,
    metadata: META,
    spec: {
      hardwareSelector: '*',
      osFamily: true,
      osImageURL: true,
      templateRef: '*',
      users: [{name: true, sshAuthorizedKeys: [true]}],
    },
  },
};

export function unknownFields(doc: unknown): string[] {
  const kind = (doc as {kind?: unknown})?.kind;
  const shape = typeof kind === 'string' ? SHAPES[kind] : undefined;
  if (!shape) return [`unknown kind ${String(kind)}`];
  const out: string[] = [];
  const walk = (n: unknown, s: Shape, where: string) => {
    if (s === true || s === '*') return;
    if (Array.isArray(s)) {
      if (Array.isArray(n)) n.forEach((x, i) => walk(x, s[0], `${where}[${i}]`));
      else out.push(`${where}: expected a list`);
      return;
    }
    if (n === null || typeof n !== 'object' || Array.isArray(n)) {
      out.push(`${where}: expected a mapping`);
      return;
    }
    for (const [k, v] of Object.entries(n)) {
      const sub = s[k];
      if (sub === undefined) out.push(`${where ? where + '.' : ''}${k}`);
      else walk(v, sub, where ? `${where}.${k}` : k);
    }
  };
  walk(doc, shape, '');
  return out;
}

function loadTemplate(dir: string, file: string): unknown {
  return yaml.load(readFileSync(join(dir, 'cluster-spec', file), 'utf8'));
}

/** The four documents, as objects, in the order eksctl's own generator writes them. */
export function buildSpecDocuments(r: ResolvedSpec, dir: string = templatesDir()): Json[] {
  const cpName = `${r.name}-cp`;
  const workerName = r.name;
  const group =
    r.workerCount > 0
      ? fillTemplate(loadTemplate(dir, 'worker-node-group.yaml'), {
          workerCount: r.workerCount,
          workerMachineConfig: workerName,
        })
      : undefined;
  const cluster = fillTemplate(loadTemplate(dir, 'cluster.yaml'), {
    name: r.name,
    podsCidr: r.podsCidr,
    servicesCidr: r.servicesCidr,
    controlPlaneCount: r.controlPlaneCount,
    endpoint: r.endpoint,
    controlPlaneMachineConfig: cpName,
    kubernetesVersion: r.kubernetesVersion,
    licenseToken: r.licenseToken,
    workerNodeGroups: group ? [group] : undefined,
  });
  const datacenter = fillTemplate(loadTemplate(dir, 'datacenter.yaml'), {
    name: r.name,
    tinkerbellIp: r.tinkerbellIp,
    osImageUrl: r.osImageUrl,
    loadBalancerInterface: r.loadBalancerInterface,
  });
  const machine = loadTemplate(dir, 'machine-config.yaml');
  const machineConfig = (machineConfigName: string, type: string) =>
    fillTemplate(machine, {machineConfigName, hardwareSelector: {type}, sshAuthorizedKey: r.sshAuthorizedKey});
  const docs = [cluster, datacenter, machineConfig(cpName, 'cp')];
  // No worker group: an unreferenced machine config would only confuse whoever reads the file.
  if (r.workerCount > 0) docs.push(machineConfig(workerName, 'worker'));
  return docs;
}

export function dumpDocuments(docs: readonly Json[]): string {
  // Double quotes for strings YAML would read as something else: kubernetesVersion "1.30" stays a string.
  return docs.map(d => yaml.dump(d, {lineWidth: -1, noRefs: true, quotingType: '"'})).join('---\n');
}

export interface RenderOptions extends ValidationOptions {
  templatesDir?: string;
}

export interface RenderResult {
  yaml: string;
  /** The YAML with the licence token replaced: what a screen may show. */
  preview: string;
  errors: SpecIssue[];
  warnings: SpecIssue[];
  resolved: ResolvedSpec | undefined;
}

export const HIDDEN_TOKEN = '<licence token, hidden>';

export function renderClusterSpec(answers: Answers, options: RenderOptions): RenderResult {
  const {resolved, errors, warnings} = validateClusterAnswers(answers, options);
  if (!resolved) return {yaml: '', preview: '', errors, warnings, resolved};
  const docs = buildSpecDocuments(resolved, options.templatesDir);
  const unknown = docs.flatMap(d => unknownFields(d));
  if (unknown.length > 0) {
    // A template edited with a field EKS Anywhere does not know: eksctl would refuse the file.
    return {
      yaml: '',
      preview: '',
      errors: unknown.map(f => ({key: 'templates', message: `unknown field ${f}`})),
      warnings,
      resolved,
    };
  }
  const text = dumpDocuments(docs);
  const preview = resolved.licenseToken
    ? dumpDocuments(buildSpecDocuments({...resolved, licenseToken: HIDDEN_TOKEN}, options.templatesDir))
    : text;
  return {yaml: text, preview, errors, warnings, resolved};
}

/** Written like every session file: atomically (never half a spec) and 0600. */
export async function writeClusterSpec(path: string, text: string): Promise<void> {
  // writeFileAtomic makes the cluster's folder too (0700, never through a link).
  await writeFileAtomic(path, text);
}

// --- eksa-kong generate cluster-spec --answers FILE --------------------------------------------

export interface CliOutput {
  exitCode: 0 | 2;
  stdout: string;
  stderr: string;
}

export interface GenerateOptions extends RenderOptions {
  readText?: (path: string) => Promise<string>;
  /** When given, the endpoint and tinkerbellIP are probed as eksctl would. */
  probe?: IpInUseProbe;
}

export function formatIssue(issue: SpecIssue): string {
  return `${issue.key}: ${issue.message}`;
}

export async function generateClusterSpecCommand(answersPath: string, options: GenerateOptions): Promise<CliOutput> {
  const readText = options.readText ?? ((p: string) => readFile(p, 'utf8'));
  let text: string;
  try {
    text = await readText(answersPath);
  } catch (error) {
    return {
      exitCode: 2,
      stdout: '',
      stderr: `cannot read the answers file ${answersPath}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`,
    };
  }
  let answers: Answers;
  try {
    // The same reader as --answers: errors name the key and its line, and "1.30" stays "1.30".
    answers = parseAnswers(text, answersPath);
  } catch (error) {
    if (error instanceof AnswersFileError) return {exitCode: 2, stdout: '', stderr: `${error.message}\n`};
    throw error;
  }
  return generateClusterSpecFromAnswers(answers, options);
}

/** The cluster spec for answers already loaded: exit 2 naming the key of every broken rule. */
export async function generateClusterSpecFromAnswers(answers: Answers, options: GenerateOptions): Promise<CliOutput> {
  const result = renderClusterSpec(answers, options);
  let errors = result.errors;
  if (errors.length === 0 && result.resolved && options.probe)
    errors = await checkAddressesInUse(result.resolved, options.probe);
  const warnings = result.warnings.map(w => `warning: ${formatIssue(w)}`);
  if (errors.length > 0) {
    return {exitCode: 2, stdout: '', stderr: [...errors.map(formatIssue), ...warnings].join('\n') + '\n'};
  }
  return {exitCode: 0, stdout: result.yaml, stderr: warnings.length > 0 ? warnings.join('\n') + '\n' : ''};
}
