// What the data plane's load balancer needs on the new cluster, as the tools take it.
// MetalLB: the EKS Anywhere curated package (aws/eks-anywhere docs/content/en/docs/packages/metallb/
// addmetallb.md and v0.15.2.md): a Package in eksa-packages-<cluster> whose `config` holds the
// IPAddressPools and L2Advertisements, installed with `eksctl anywhere create packages -f`.
// kube-vip: the kube-vip cloud provider's ConfigMap `kubevip` in kube-system with `range-global`
// (EKS Anywhere "Kube-Vip ARP Mode" for Service-type load balancers).
import yaml from 'js-yaml';
import type {Answers} from '../session/answers.js';
import {yamlComment} from '../run/yaml-comment.js';
import {checkAddressPool, LB_ADDRESSES_KEY, poolContext, type AddressPool} from './lb-addresses.js';

export const METALLB_NAMESPACE = 'metallb-system';
export const METALLB_PACKAGE_FILE = 'metallb-package.yaml';
/** The Deployment the metallb chart of the curated package runs (release `metallb`). */
export const METALLB_CONTROLLER = 'metallb-controller';
export const POOL_NAME = 'kong-dp';
export const PACKAGE_NAME = 'kong-dp-metallb';

export type LbProvider = 'metallb' | 'kube-vip';

export interface LbPlan {
  provider: LbProvider;
  pool: AddressPool;
  clusterName: string;
}

export class LbConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
    readonly missing = false,
  ) {
    super(message);
    this.name = 'LbConfigError';
  }
}

/** The plan from the answers, or undefined without dataPlane.loadBalancer; throws naming the key. */
export function lbPlanFromAnswers(answers: Answers): LbPlan | undefined {
  const lb = answers.dataPlane?.loadBalancer;
  if (!lb) return undefined;
  const checked = checkAddressPool(lb.addresses, poolContext(answers));
  if (checked.issues.length > 0 || !checked.pool)
    throw new LbConfigError(LB_ADDRESSES_KEY, checked.issues.map(i => i.message).join('\n'));
  const clusterName = answers.cluster?.name;
  if (!clusterName)
    throw new LbConfigError(
      'cluster.name',
      'missing cluster.name: the curated package lives in the namespace eksa-packages-<cluster name>',
      true,
    );
  return {provider: lb.provider, pool: checked.pool, clusterName};
}

/** The `config` block of the metallb package: one pool, advertised over L2 (ARP). */
export function metallbPackageConfig(pool: AddressPool): Record<string, unknown> {
  return {
    IPAddressPools: [{name: POOL_NAME, addresses: [pool.text]}],
    L2Advertisements: [{ipAddressPools: [POOL_NAME]}],
  };
}

/**
 * The Package: `eksctl anywhere generate package metallb` output (when given) with our name, target
 * namespace and config; otherwise the documented shape.
 */
export function metallbPackage(plan: LbPlan, generated?: string): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (generated) {
    const doc = yaml.loadAll(generated).find(d => (d as {kind?: string} | null)?.kind === 'Package');
    if (doc && typeof doc === 'object') base = doc as Record<string, unknown>;
  }
  const metadata = (base['metadata'] ?? {}) as Record<string, unknown>;
  const spec = (base['spec'] ?? {}) as Record<string, unknown>;
  return {
    apiVersion: base['apiVersion'] ?? 'packages.eks.amazonaws.com/v1alpha1',
    kind: 'Package',
    metadata: {
      ...metadata,
      name: PACKAGE_NAME,
      namespace: metadata['namespace'] ?? `eksa-packages-${plan.clusterName}`,
    },
    spec: {
      ...spec,
      packageName: 'metallb',
      targetNamespace: METALLB_NAMESPACE,
      // The package takes its config as a YAML string (the chart values).
      config: yaml.dump(metallbPackageConfig(plan.pool), {lineWidth: -1}),
    },
  };
}

/** kube-vip cloud provider's address ConfigMap. */
export function kubeVipConfigMap(plan: LbPlan): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'kubevip', namespace: 'kube-system'},
    data: {'range-global': plan.pool.text},
  };
}

/** `generate lb-config`: the YAML that would be applied, with the commands in a header. */
export function renderLbConfig(plan: LbPlan, generated?: string): string {
  if (plan.provider === 'metallb') {
    return (
      yamlComment([
        `MetalLB for the Kong data plane proxy, as the EKS Anywhere curated package (pool ${plan.pool.text}).`,
        `kubectl create namespace ${METALLB_NAMESPACE}`,
        `eksctl anywhere create packages -f ${METALLB_PACKAGE_FILE}`,
      ]) +
      '\n' +
      yaml.dump(metallbPackage(plan, generated), {lineWidth: -1, noRefs: true})
    );
  }
  return (
    yamlComment([
      `kube-vip cloud provider address range for Service-type load balancers (pool ${plan.pool.text}).`,
      'kubectl apply -f kubevip-configmap.yaml, with kube-vip (ARP mode, services enabled) and its cloud provider installed',
    ]) +
    '\n' +
    yaml.dump(kubeVipConfigMap(plan), {lineWidth: -1, noRefs: true})
  );
}

export interface CliOutput {
  exitCode: 0 | 2;
  stdout: string;
  stderr: string;
}

/** `eksa-kong generate lb-config --answers FILE`. */
export function generateLbConfigCli(answers: Answers): CliOutput {
  try {
    const plan = lbPlanFromAnswers(answers);
    if (!plan)
      return {
        exitCode: 2,
        stdout: '',
        stderr:
          'eksa-kong generate lb-config: missing dataPlane.loadBalancer: {provider: metallb | kube-vip, addresses: "10.20.0.200-10.20.0.209"}\n',
      };
    return {exitCode: 0, stdout: renderLbConfig(plan), stderr: ''};
  } catch (error) {
    if (error instanceof LbConfigError)
      return {exitCode: 2, stdout: '', stderr: `eksa-kong generate lb-config: ${error.message}\n`};
    throw error;
  }
}
