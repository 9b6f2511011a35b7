// What the data plane's load balancer needs on the new cluster, as the tools take it.
// MetalLB: the EKS Anywhere curated package (aws/eks-anywhere docs/content/en/docs/packages/metallb/
// addmetallb.md and v0.15.2.md): a Package in eksa-packages-<cluster> whose `config` holds the
// IPAddressPools and L2Advertisements, installed with `eksctl anywhere create packages -f`.
// kube-vip: EKS Anywhere "Kube-Vip ARP Mode" (docs/content/en/docs/clustermgmt/.../kubevip-arp.md): the
// `kubevip` ConfigMap in kube-system (cidr-global or range-global), the kube-vip cloud provider, kube-vip's
// RBAC and a kube-vip DaemonSet in ARP services mode (`kube-vip manifest daemonset --services --inCluster
// --arp`). We write those objects ourselves, with pinned images, so that nothing is fetched at install time.
import yaml from 'js-yaml';
import type {Answers} from '../session/answers.js';
import {yamlComment} from '../run/yaml-comment.js';
import {formatIpv4} from '../net/ipv4.js';
import {MANAGED_BY_LABEL} from './deploy.js';
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
  /** cluster.loadBalancerInterface: the nodes' NIC for kube-vip; without it kube-vip takes the default route's. */
  loadBalancerInterface?: string;
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
  const nic = answers.cluster?.loadBalancerInterface;
  return {provider: lb.provider, pool: checked.pool, clusterName, ...(nic ? {loadBalancerInterface: nic} : {})};
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

// kube-vip for Services, beside the control plane's own kube-vip. On EKS Anywhere bare metal a kube-vip
// static pod on each control-plane node holds the cluster endpoint (`kube-vip manifest pod --controlplane
// --arp --leaderElection`, lease `plndr-cp-lock`, services off). This DaemonSet is the other half: services
// on, control plane off, and its own lease for the services leader, so the two never contend.
export const KUBE_VIP_NAMESPACE = 'kube-system';
export const KUBE_VIP_MANIFEST_FILE = 'kube-vip-services.yaml';
/** Pinned releases (github.com/kube-vip/kube-vip v0.8.10, kube-vip/kube-vip-cloud-provider v0.0.12). */
export const KUBE_VIP_IMAGE = 'ghcr.io/kube-vip/kube-vip:v0.8.10';
export const KUBE_VIP_CLOUD_PROVIDER_IMAGE = 'ghcr.io/kube-vip/kube-vip-cloud-provider:v0.0.12';
export const KUBE_VIP_DAEMONSET = 'kube-vip-ds';
export const KUBE_VIP_CLOUD_PROVIDER = 'kube-vip-cloud-provider';
export const KUBE_VIP_CONFIGMAP = 'kubevip';
/** kube-vip's default control-plane lease (cmd/kube-vip.go --leaseName): the endpoint's, never ours. */
export const KUBE_VIP_CP_LEASE = 'plndr-cp-lock';
/** kube-vip's default services lease (--servicesLeaseName). */
export const KUBE_VIP_SERVICES_LEASE = 'plndr-svcs-lock';

const KUBE_VIP_SA = 'kube-vip';
const CLOUD_PROVIDER_SA = 'kube-vip-cloud-controller';
const managed = {...MANAGED_BY_LABEL};

/**
 * The cloud provider's pool key: `cidr-global` for a CIDR, `range-global` for a range written without
 * spaces (kube-vip-cloud-provider pkg/ipam/addressbuilder.go splits on "-" and parses each side with
 * netip.ParseAddr, which refuses " 10.20.0.209").
 */
export function kubeVipPoolData(pool: AddressPool): Record<string, string> {
  return pool.text.includes('/')
    ? {'cidr-global': pool.text}
    : {'range-global': `${formatIpv4(pool.first)}-${formatIpv4(pool.last)}`};
}

/** kube-vip cloud provider's address ConfigMap. */
export function kubeVipConfigMap(plan: LbPlan): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: KUBE_VIP_CONFIGMAP, namespace: KUBE_VIP_NAMESPACE, labels: managed},
    data: kubeVipPoolData(plan.pool),
  };
}

const rule = (apiGroups: string[], resources: string[], verbs: string[]) => ({apiGroups, resources, verbs});

/** The env of the services DaemonSet (kube-vip pkg/kubevip/config_envvar.go names). */
export function kubeVipServicesEnv(plan: LbPlan): Array<Record<string, unknown>> {
  return [
    {name: 'vip_arp', value: 'true'},
    {name: 'port', value: '6443'},
    {name: 'vip_nodename', valueFrom: {fieldRef: {fieldPath: 'spec.nodeName'}}},
    ...(plan.loadBalancerInterface ? [{name: 'vip_interface', value: plan.loadBalancerInterface}] : []),
    {name: 'cp_enable', value: 'false'},
    {name: 'svc_enable', value: 'true'},
    {name: 'svc_leasename', value: KUBE_VIP_SERVICES_LEASE},
    {name: 'vip_leaderelection', value: 'true'},
    {name: 'vip_leaseduration', value: '5'},
    {name: 'vip_renewdeadline', value: '3'},
    {name: 'vip_retryperiod', value: '1'},
  ];
}

/** Everything kube-vip needs for Services, in apply order. */
export function kubeVipManifests(plan: LbPlan): Array<Record<string, unknown>> {
  const ns = KUBE_VIP_NAMESPACE;
  const dsLabels = {'app.kubernetes.io/name': KUBE_VIP_DAEMONSET};
  const cpLabels = {app: 'kube-vip', component: KUBE_VIP_CLOUD_PROVIDER};
  return [
    kubeVipConfigMap(plan),
    // kube-vip's RBAC (kube-vip pkg/kubevip/config_generator.go GenerateSA / GenerateRole / GenerateRoleBinding).
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: KUBE_VIP_SA, namespace: ns, labels: managed}},
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {name: 'system:kube-vip-role', labels: managed},
      rules: [
        rule([''], ['services/status'], ['update']),
        rule([''], ['services', 'endpoints'], ['list', 'get', 'watch', 'update']),
        rule([''], ['nodes'], ['list', 'get', 'watch', 'update', 'patch']),
        rule(['coordination.k8s.io'], ['leases'], ['list', 'get', 'watch', 'update', 'create']),
        rule(['discovery.k8s.io'], ['endpointslices'], ['list', 'get', 'watch', 'update']),
        rule([''], ['pods'], ['list']),
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: {name: 'system:kube-vip-binding', labels: managed},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:kube-vip-role'},
      subjects: [{kind: 'ServiceAccount', name: KUBE_VIP_SA, namespace: ns}],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {name: KUBE_VIP_DAEMONSET, namespace: ns, labels: {...dsLabels, ...managed}},
      spec: {
        selector: {matchLabels: dsLabels},
        template: {
          metadata: {labels: dsLabels},
          spec: {
            serviceAccountName: KUBE_VIP_SA,
            hostNetwork: true,
            containers: [
              {
                name: 'kube-vip',
                image: KUBE_VIP_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                args: ['manager'],
                env: kubeVipServicesEnv(plan),
                securityContext: {capabilities: {add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL']}},
              },
            ],
          },
        },
      },
    },
    // The cloud provider (kube-vip-cloud-provider manifest/kube-vip-cloud-controller.yaml).
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {name: CLOUD_PROVIDER_SA, namespace: ns, labels: managed},
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name: 'system:kube-vip-cloud-controller-role',
        labels: managed,
        annotations: {'rbac.authorization.kubernetes.io/autoupdate': 'true'},
      },
      rules: [
        rule(['coordination.k8s.io'], ['leases'], ['get', 'create', 'update', 'list', 'put']),
        rule([''], ['configmaps', 'endpoints', 'events', 'services/status', 'leases'], ['*']),
        rule([''], ['nodes', 'services'], ['list', 'get', 'watch', 'update']),
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: {name: 'system:kube-vip-cloud-controller-binding', labels: managed},
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'system:kube-vip-cloud-controller-role',
      },
      subjects: [{kind: 'ServiceAccount', name: CLOUD_PROVIDER_SA, namespace: ns}],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: KUBE_VIP_CLOUD_PROVIDER, namespace: ns, labels: {...cpLabels, ...managed}},
      spec: {
        replicas: 1,
        selector: {matchLabels: cpLabels},
        template: {
          metadata: {labels: cpLabels},
          spec: {
            serviceAccountName: CLOUD_PROVIDER_SA,
            containers: [
              {
                name: KUBE_VIP_CLOUD_PROVIDER,
                image: KUBE_VIP_CLOUD_PROVIDER_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                command: ['/kube-vip-cloud-provider', '--leader-elect-resource-name=kube-vip-cloud-controller'],
              },
            ],
            tolerations: [
              {key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule'},
              {key: 'node-role.kubernetes.io/master', effect: 'NoSchedule'},
            ],
          },
        },
      },
    },
  ];
}

/** The kube-vip manifest file as written into the session and printed by `generate lb-config`. */
export function kubeVipManifestYaml(plan: LbPlan): string {
  return kubeVipManifests(plan)
    .map(doc => yaml.dump(doc, {lineWidth: -1, noRefs: true}))
    .join('---\n');
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
      `kube-vip for Services of type LoadBalancer in ARP mode, with its cloud provider (pool ${plan.pool.text}).`,
      `kubectl apply -f ${KUBE_VIP_MANIFEST_FILE}   (the documents below)`,
    ]) +
    '\n' +
    kubeVipManifestYaml(plan)
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
