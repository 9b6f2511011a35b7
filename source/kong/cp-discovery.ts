// Finds what a data plane needs from an existing Kong control plane on EKS, through the Kubernetes API:
// the cluster/telemetry load balancer endpoints, the Deployment's hybrid settings, the cluster
// certificate secret and the license secret.
import type {KongFinding} from './finding.js';
import {
  describeKubeError,
  type KubeApi,
  type KubeContainer,
  type KubeDeployment,
  type KubeService,
} from './kube-api.js';
import {parseEndpoint, type Endpoint} from './endpoint.js';
import {inspectClusterCert, type ClusterCertReport} from './cluster-cert.js';
import {SecretMaterial} from './secret-material.js';
import ipaddr from 'ipaddr.js';

export const CLUSTER_PORT_NAME = 'kong-cluster-tls';
export const TELEMETRY_PORT_NAME = 'kong-clustertelemetry-tls';
const SCHEME_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-scheme';
const LEGACY_INTERNAL_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-internal';

export type Listener = 'cluster' | 'telemetry';

export interface CpTarget {
  namespace: string;
  release: string;
}

export type EndpointStatus = 'ok' | 'pending' | 'refused' | 'missing' | 'error';

export interface CpEndpointResult {
  listener: Listener;
  status: EndpointStatus;
  /** Service name, when one was found. */
  service?: string;
  serviceType?: string;
  endpoint?: Endpoint;
  /** host:port, ready for cluster_control_plane / cluster_telemetry_endpoint. */
  value?: string;
  addressKind?: 'hostname' | 'ip';
  title: string;
  fix?: string;
  warnings: KongFinding[];
}

const helmKey = (listener: Listener) => (listener === 'cluster' ? 'cluster' : 'clustertelemetry');
const defaultPort = (listener: Listener) => (listener === 'cluster' ? 8005 : 8006);

function lbValuesHint(listener: Listener): string {
  const key = helmKey(listener);
  return (
    `set ${key}.type=LoadBalancer and the annotations service.beta.kubernetes.io/aws-load-balancer-type=external, ` +
    `aws-load-balancer-nlb-target-type=ip, aws-load-balancer-scheme=internet-facing in the control plane Helm values ` +
    `(${key}.annotations), then helm upgrade the control plane release`
  );
}

function portOf(service: KubeService, portName: string) {
  return service.spec?.ports?.find(p => p.name === portName);
}

/** Picks the Service of a listener by its port name, so name overrides in the CP chart do not matter. */
export function pickListenerService(services: KubeService[], listener: Listener): KubeService | undefined {
  const portName = listener === 'cluster' ? CLUSTER_PORT_NAME : TELEMETRY_PORT_NAME;
  return services.find(s => portOf(s, portName) !== undefined);
}

/** Judges one CP Service: LoadBalancer, internet-facing, address assigned. */
export function evaluateListenerService(service: KubeService | undefined, listener: Listener): CpEndpointResult {
  const portName = listener === 'cluster' ? CLUSTER_PORT_NAME : TELEMETRY_PORT_NAME;
  const key = helmKey(listener);
  const warnings: KongFinding[] = [];
  if (!service) {
    return {
      listener,
      status: 'missing',
      title: `No Service with a port named ${portName} in the control plane release`,
      fix: `Enable it in the control plane Helm values (${key}.enabled=true, ${key}.tls.enabled=true) and ${lbValuesHint(listener)}.`,
      warnings,
    };
  }
  const name = service.metadata.name;
  const type = service.spec?.type ?? 'ClusterIP';
  const base = {listener, service: name, serviceType: type, warnings};
  if (type !== 'LoadBalancer') {
    return {
      ...base,
      status: 'refused',
      title: `Service ${name} is ${type}: a data plane outside the EKS VPC cannot reach it`,
      fix: `To expose it: ${lbValuesHint(listener)}.`,
    };
  }
  const annotations = service.metadata.annotations ?? {};
  const scheme = annotations[SCHEME_ANNOTATION];
  const legacyInternal = annotations[LEGACY_INTERNAL_ANNOTATION];
  if (scheme === 'internal' || (legacyInternal !== undefined && legacyInternal !== 'false')) {
    return {
      ...base,
      status: 'refused',
      title: `Service ${name} has an internal load balancer (${scheme === 'internal' ? `${SCHEME_ANNOTATION}: internal` : `${LEGACY_INTERNAL_ANNOTATION}: ${legacyInternal}`})`,
      fix: `Make it internet-facing (or reachable from the data center over VPN/Direct Connect): ${lbValuesHint(listener)}.`,
    };
  }
  // `aws-load-balancer-type: nlb` is served by EKS's in-tree cloud provider (what the deploy path sets on a
  // cluster eksctl just made), whose NLBs are internet-facing unless `…-internal` says otherwise: no warning.
  const inTreeNlb = annotations['service.beta.kubernetes.io/aws-load-balancer-type'] === 'nlb';
  if (scheme === undefined && !inTreeNlb) {
    warnings.push({
      id: `${listener}-scheme`,
      status: 'warn',
      title: `Service ${name} does not say ${SCHEME_ANNOTATION}`,
      detail: 'The AWS Load Balancer Controller makes internal load balancers unless told otherwise.',
      fix: `If the data center cannot reach it: ${lbValuesHint(listener)}.`,
    });
  }
  const port = portOf(service, portName)?.port ?? defaultPort(listener);
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  const address = ingress?.hostname || ingress?.ip;
  if (!address) {
    return {
      ...base,
      status: 'pending',
      title: `Waiting for AWS to assign the load balancer of ${name}`,
      fix: 'This takes a few minutes after the Service is created; the wizard keeps polling.',
    };
  }
  const parsed = parseEndpoint(`${address.includes(':') ? `[${address}]` : address}:${port}`);
  if (!parsed.ok)
    return {...base, status: 'error', title: `Service ${name} has an unusable address "${address}"`, fix: parsed.fix};
  if (ingress?.ip && ipaddr.isValid(ingress.ip) && ipaddr.parse(ingress.ip).range() === 'private') {
    warnings.push({
      id: `${listener}-private-ip`,
      status: 'warn',
      title: `The load balancer address ${ingress.ip} is private`,
      fix: 'Make sure the data center routes to it (VPN/Direct Connect), or make the load balancer internet-facing.',
    });
  }
  if (ingress?.hostname?.startsWith('internal-')) {
    warnings.push({
      id: `${listener}-internal-name`,
      status: 'warn',
      title: `The load balancer name ${ingress.hostname} looks internal`,
      fix: `Check its scheme: ${lbValuesHint(listener)}.`,
    });
  }
  return {
    ...base,
    status: 'ok',
    endpoint: parsed.endpoint,
    value: parsed.value,
    addressKind: ingress?.hostname ? 'hostname' : 'ip',
    title: `${listener === 'cluster' ? 'Cluster' : 'Telemetry'} endpoint ${parsed.value} (Service ${name})`,
  };
}

export interface CpEndpoints {
  cluster: CpEndpointResult;
  telemetry: CpEndpointResult;
}

/** Lists the release's Services and evaluates both listeners; callers poll while a status is 'pending'. */
export async function discoverCpEndpoints(kube: KubeApi, target: CpTarget): Promise<CpEndpoints> {
  let services: KubeService[];
  try {
    services = await kube.list('Service', target.namespace, {
      labelSelector: `app.kubernetes.io/instance=${target.release}`,
    });
    // A release installed with custom labels still names its ports the chart's way.
    if (!pickListenerService(services, 'cluster')) services = await kube.list('Service', target.namespace);
  } catch (error) {
    const title = describeKubeError(error, 'list', `services in namespace ${target.namespace}`);
    const failed = (listener: Listener): CpEndpointResult => ({
      listener,
      status: 'error',
      title,
      fix: 'Check the kubeconfig context and RBAC (list services in the control plane namespace).',
      warnings: [],
    });
    return {cluster: failed('cluster'), telemetry: failed('telemetry')};
  }
  return {
    cluster: evaluateListenerService(pickListenerService(services, 'cluster'), 'cluster'),
    telemetry: evaluateListenerService(pickListenerService(services, 'telemetry'), 'telemetry'),
  };
}

/** Endpoints typed by hand instead of discovered; a missing port means the default (8005 / 8006). */
export function manualCpEndpoints(clusterInput: string, telemetryInput: string): CpEndpoints {
  const one = (input: string, listener: Listener): CpEndpointResult => {
    const parsed = parseEndpoint(input, defaultPort(listener));
    if (!parsed.ok) return {listener, status: 'error', title: parsed.message, fix: parsed.fix, warnings: []};
    const warnings: KongFinding[] = parsed.note
      ? [{id: `${listener}-scheme-stripped`, status: 'warn', title: parsed.note}]
      : [];
    return {
      listener,
      status: 'ok',
      endpoint: parsed.endpoint,
      value: parsed.value,
      addressKind: ipaddr.isValid(parsed.endpoint.host) ? 'ip' : 'hostname',
      title: `${listener === 'cluster' ? 'Cluster' : 'Telemetry'} endpoint ${parsed.value} (typed)`,
      warnings,
    };
  };
  return {cluster: one(clusterInput, 'cluster'), telemetry: one(telemetryInput, 'telemetry')};
}

export interface SecretRef {
  name: string;
  key: string;
}

export interface CpDeploymentInfo {
  status: 'ok' | 'missing' | 'error';
  deployment?: string;
  image?: string;
  imageTag?: string;
  role?: string;
  clusterMtls: 'shared' | 'pki' | 'pki_check_cn';
  routerFlavor?: string;
  vitals?: boolean;
  certPath?: string;
  keyPath?: string;
  caCertPath?: string;
  /** KONG_CLUSTER_SERVER_NAME (the chart's cert-manager integration sets it on both planes). */
  serverName?: string;
  /** Where the cluster certificate and key live. */
  certSecret?: SecretRef;
  keySecret?: SecretRef;
  caSecret?: SecretRef;
  /** Secret holding the Enterprise license (KONG_LICENSE_DATA), when the CP uses one. */
  licenseSecret?: SecretRef;
  findings: KongFinding[];
  title: string;
  fix?: string;
}

function envValue(container: KubeContainer, name: string): string | undefined {
  return container.env?.find(e => e.name === name)?.value;
}

/** Maps a file path in the container back to the Secret mounted there (…/<mount>/<key>). */
export function secretForPath(
  deployment: KubeDeployment,
  container: KubeContainer,
  path: string,
): SecretRef | undefined {
  const volumes = deployment.spec?.template?.spec?.volumes ?? [];
  let best: {mountPath: string; volume: string} | undefined;
  for (const mount of container.volumeMounts ?? []) {
    const prefix = mount.mountPath.endsWith('/') ? mount.mountPath : `${mount.mountPath}/`;
    if (path.startsWith(prefix) && (!best || mount.mountPath.length > best.mountPath.length))
      best = {mountPath: prefix, volume: mount.name};
  }
  if (!best) return undefined;
  const volume = volumes.find(v => v.name === best.volume);
  const secretName = volume?.secret?.secretName;
  if (!secretName) return undefined;
  return {name: secretName, key: path.slice(best.mountPath.length)};
}

function certSource(
  deployment: KubeDeployment,
  container: KubeContainer,
  envName: string,
): {path?: string; secret?: SecretRef; inline?: boolean} {
  const env = container.env?.find(e => e.name === envName);
  if (!env) return {};
  const ref = env.valueFrom?.secretKeyRef;
  if (ref) return {secret: {name: ref.name, key: ref.key}};
  const value = env.value ?? '';
  if (value.startsWith('/')) return {path: value, secret: secretForPath(deployment, container, value)};
  return {inline: value.length > 0};
}

/** Reads the hybrid settings of the CP Deployment (container `proxy`, KONG_ROLE=control_plane). */
export async function readCpDeployment(kube: KubeApi, target: CpTarget): Promise<CpDeploymentInfo> {
  let deployments: KubeDeployment[];
  try {
    deployments = await kube.list('Deployment', target.namespace, {
      labelSelector: `app.kubernetes.io/instance=${target.release}`,
    });
  } catch (error) {
    return {
      status: 'error',
      clusterMtls: 'shared',
      findings: [],
      title: describeKubeError(error, 'list', `deployments in namespace ${target.namespace}`),
      fix: 'Check the context and RBAC (list deployments).',
    };
  }
  const findContainer = (d: KubeDeployment) => {
    const containers = d.spec?.template?.spec?.containers ?? [];
    return (
      containers.find(c => c.name === 'proxy' && envValue(c, 'KONG_ROLE')) ??
      containers.find(c => envValue(c, 'KONG_ROLE'))
    );
  };
  const candidates = deployments.filter(d => findContainer(d));
  const deployment =
    candidates.find(d => envValue(findContainer(d)!, 'KONG_ROLE') === 'control_plane') ?? candidates[0];
  if (!deployment) {
    return {
      status: 'missing',
      clusterMtls: 'shared',
      findings: [],
      title: `No Kong Deployment of release ${target.release} in namespace ${target.namespace}`,
      fix: 'Check the namespace and release name (helm list -A on the control plane cluster).',
    };
  }
  const container = findContainer(deployment)!;
  const findings: KongFinding[] = [];
  const role = envValue(container, 'KONG_ROLE');
  const mtlsText = envValue(container, 'KONG_CLUSTER_MTLS') ?? 'shared';
  const clusterMtls = mtlsText === 'pki' || mtlsText === 'pki_check_cn' ? mtlsText : 'shared';
  if (role !== 'control_plane') {
    findings.push({
      id: 'role',
      status: 'fail',
      title: `KONG_ROLE of ${deployment.metadata.name} is ${role ?? 'unset'}, not control_plane`,
      fix: 'Point the wizard at the hybrid control plane release (env.role=control_plane).',
    });
  } else {
    findings.push({
      id: 'role',
      status: 'ok',
      title: `${deployment.metadata.name} runs as control_plane (cluster_mtls ${clusterMtls})`,
    });
  }
  const cert = certSource(deployment, container, 'KONG_CLUSTER_CERT');
  const key = certSource(deployment, container, 'KONG_CLUSTER_CERT_KEY');
  const ca = certSource(deployment, container, 'KONG_CLUSTER_CA_CERT');
  if (!cert.secret) {
    findings.push({
      id: 'cert-secret',
      status: 'fail',
      title: cert.inline
        ? 'The cluster certificate is set inline in KONG_CLUSTER_CERT, not from a secret'
        : 'Cannot tell which secret holds the cluster certificate',
      fix: 'Mount the certificate from a kubernetes.io/tls secret (secretVolumes: [kong-cluster-cert]) on the control plane, or name the secret by hand.',
    });
  }
  const license = container.env?.find(e => e.name === 'KONG_LICENSE_DATA')?.valueFrom?.secretKeyRef;
  const image = container.image;
  const imageTag =
    image && image.lastIndexOf(':') > image.lastIndexOf('/') ? image.slice(image.lastIndexOf(':') + 1) : undefined;
  const vitalsText = envValue(container, 'KONG_VITALS');
  return {
    status: 'ok',
    deployment: deployment.metadata.name,
    image,
    imageTag,
    role,
    clusterMtls,
    routerFlavor: envValue(container, 'KONG_ROUTER_FLAVOR'),
    vitals: vitalsText === undefined ? undefined : vitalsText === 'on',
    certPath: cert.path,
    keyPath: key.path,
    caCertPath: ca.path,
    serverName: envValue(container, 'KONG_CLUSTER_SERVER_NAME') || undefined,
    certSecret: cert.secret,
    keySecret: key.secret,
    caSecret: ca.secret,
    licenseSecret: license ? {name: license.name, key: license.key} : undefined,
    findings,
    title: `Control plane Deployment ${deployment.metadata.name}${imageTag ? ` (${imageTag})` : ''}`,
  };
}

export interface ClusterCertSecretResult {
  status: 'ok' | 'missing' | 'invalid' | 'error';
  secretName: string;
  /** The keys of the certificate and key in the secret (tls.crt / tls.key unless it names them otherwise). */
  certKey?: string;
  keyKey?: string;
  report?: ClusterCertReport;
  /** The secret itself, for the deploy step only (hidden from JSON and logs). */
  material?: SecretMaterial;
  title: string;
  fix?: string;
}

// Key names seen for cluster certificates: kubectl create secret tls, `kong hybrid gen_cert` files
// stored as they are (cluster.crt/.key), and hand-made Opaque secrets.
const CERT_KEYS = ['tls.crt', 'cluster.crt', 'cert', 'cert.pem', 'tls.pem', 'cluster.pem'];
const KEY_KEYS = ['tls.key', 'cluster.key', 'key', 'key.pem', 'cluster-key.pem'];

function pickKey(keys: readonly string[], known: readonly string[]): string {
  return known.find(k => keys.includes(k)) ?? known[0]!;
}

/** Reads the cluster certificate secret and checks it (CN, expiry, key match, fingerprint). */
export async function readClusterCertSecret(
  kube: KubeApi,
  namespace: string,
  ref: {name: string; certKey?: string; keyKey?: string},
  options: {mode?: 'shared' | 'pki'; now?: Date} = {},
): Promise<ClusterCertSecretResult> {
  let secret;
  try {
    secret = await kube.get('Secret', namespace, ref.name);
  } catch (error) {
    return {
      status: 'error',
      secretName: ref.name,
      title: describeKubeError(error, 'get', `secret ${namespace}/${ref.name}`),
      fix: 'Reading the cluster certificate needs "get" on secrets in the control plane namespace.',
    };
  }
  if (!secret) {
    return {
      status: 'missing',
      secretName: ref.name,
      title: `Secret ${namespace}/${ref.name} does not exist`,
      fix: 'Name the secret the control plane mounts as its cluster certificate (secretVolumes in its values).',
    };
  }
  const material = new SecretMaterial(secret);
  const certKey = ref.certKey ?? pickKey(material.keys, CERT_KEYS);
  const keyKey = ref.keyKey ?? pickKey(material.keys, KEY_KEYS);
  const certPem = material.value(certKey)?.toString('utf8');
  if (!certPem) {
    return {
      status: 'invalid',
      secretName: ref.name,
      title: `Secret ${ref.name} has no key ${certKey} (its keys: ${material.keys.join(', ') || 'none'})`,
      fix: `The cluster secret needs the certificate under one of ${CERT_KEYS.join(', ')} and the key under one of ${KEY_KEYS.join(', ')}, or the control plane Deployment must mount it (KONG_CLUSTER_CERT names the key).`,
    };
  }
  const report = inspectClusterCert(certPem, material.value(keyKey)?.toString('utf8'), {
    mode: options.mode,
    now: options.now,
  });
  return {
    status: report.ok ? 'ok' : 'invalid',
    secretName: ref.name,
    certKey,
    keyKey,
    report,
    material,
    title: report.ok
      ? `Cluster certificate ${ref.name}: ${report.commonName ?? report.subject}, SHA-256 ${report.fingerprint256}`
      : `Cluster certificate ${ref.name} is not usable`,
    fix: report.findings.find(f => f.status === 'fail')?.fix,
  };
}

export interface LicenseSecretResult {
  present: boolean;
  secretName: string;
  key: string;
  /** For the deploy step only; never displayed. */
  material?: SecretMaterial;
  title: string;
  fix?: string;
}

/** Whether the license secret exists and has its key; its value is never returned except inside material. */
export async function readLicenseSecret(
  kube: KubeApi,
  namespace: string,
  ref: {name: string; key?: string},
): Promise<LicenseSecretResult> {
  const key = ref.key ?? 'license';
  let secret;
  try {
    secret = await kube.get('Secret', namespace, ref.name);
  } catch (error) {
    return {
      present: false,
      secretName: ref.name,
      key,
      title: describeKubeError(error, 'get', `secret ${namespace}/${ref.name}`),
      fix: 'Give the license by file instead, or grant "get" on secrets.',
    };
  }
  if (!secret || secret.data?.[key] === undefined) {
    return {
      present: false,
      secretName: ref.name,
      key,
      title: secret ? `Secret ${ref.name} has no key ${key}` : `No license secret ${namespace}/${ref.name}`,
      fix: 'Give the license file (controlPlane.licenseFile), or run the data plane without a license (free mode).',
    };
  }
  return {
    present: true,
    secretName: ref.name,
    key,
    material: new SecretMaterial(secret),
    title: `License secret ${ref.name} found`,
  };
}

export interface CpDiscovery {
  endpoints: CpEndpoints;
  deployment: CpDeploymentInfo;
  cert?: ClusterCertSecretResult;
  license?: LicenseSecretResult;
}

/** All of the above in one pass, for the control-plane screen. */
export async function discoverControlPlane(
  kube: KubeApi,
  target: CpTarget,
  options: {certSecret?: string; licenseSecret?: string; now?: Date} = {},
): Promise<CpDiscovery> {
  const [endpoints, deployment] = await Promise.all([
    discoverCpEndpoints(kube, target),
    readCpDeployment(kube, target),
  ]);
  const mode = deployment.clusterMtls === 'shared' ? 'shared' : 'pki';
  const certName = options.certSecret ?? deployment.certSecret?.name;
  const cert = certName
    ? await readClusterCertSecret(
        kube,
        target.namespace,
        {
          name: certName,
          certKey: deployment.certSecret?.name === certName ? deployment.certSecret.key : undefined,
          keyKey: deployment.keySecret?.name === certName ? deployment.keySecret.key : undefined,
        },
        {mode, now: options.now},
      )
    : undefined;
  const licenseRef = options.licenseSecret ? {name: options.licenseSecret} : deployment.licenseSecret;
  const license = licenseRef ? await readLicenseSecret(kube, target.namespace, licenseRef) : undefined;
  return {endpoints, deployment, cert, license};
}
