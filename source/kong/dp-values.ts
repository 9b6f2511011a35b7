// Helm values of the Kong data plane (kong/kong chart), generated from templates/kong/dp-values-<mode>.yaml:
// the template holds the fixed shape, this module fills in what the control plane discovery found.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import yaml from 'js-yaml';
import {yamlComment} from '../run/yaml-comment.js';
import type {Answers} from '../session/answers.js';
import {parseEndpoint} from './endpoint.js';
import {templatesDir} from '../templates.js';
import {checkVersionSkew, dpImageFor, splitImage, DEFAULT_DP_REPOSITORY} from './version.js';

export const DEFAULT_CLUSTER_CERT_SECRET = 'kong-cluster-cert';
export const DEFAULT_LICENSE_SECRET = 'kong-enterprise-license';
export const DEFAULT_DP_NAMESPACE = 'kong';
export const DEFAULT_DP_RELEASE = 'kong-dp';
export const DP_VALUES_FILE = 'kong-dp-values.yaml';

export interface DpValuesInput {
  mode: 'shared' | 'pki';
  namespace: string;
  release: string;
  image: {repository: string; tag: string};
  /** host:port of the CP cluster listener (8005). */
  clusterEndpoint: string;
  /** host:port of the CP telemetry listener (8006). */
  telemetryEndpoint: string;
  /** Secret (kubernetes.io/tls) mounted at /etc/secrets/<name>/: the CP's copy in shared mode, the DP's own in pki. */
  clusterCertSecret: string;
  /** Keys of the certificate and key in that secret (default tls.crt / tls.key): a copied secret keeps its own. */
  certKey?: string;
  keyKey?: string;
  /** Secret with key "license"; null runs the DP without a license secret (free mode or a license posted to /licenses). */
  licenseSecret: string | null;
  /** The CP's router_flavor (GET / configuration.router_flavor). */
  routerFlavor?: string;
  /** Mirror the CP's vitals setting. */
  vitals?: boolean;
  proxy: {type: 'NodePort' | 'LoadBalancer'; httpNodePort?: number; httpsNodePort?: number};
  replicas?: number;
  pki?: {
    /** Secret holding the CA certificate; defaults to clusterCertSecret (the wizard's DP secret carries ca.crt). */
    caSecret?: string;
    caKey?: string;
    serverName?: string;
    telemetryServerName?: string;
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export class DpValuesError extends Error {
  constructor(
    message: string,
    /** The answers-file key that supplies the value, when there is one. */
    readonly key?: string,
  ) {
    super(message);
    this.name = 'DpValuesError';
  }
}

function loadTemplate(mode: DpValuesInput['mode']): Record<string, unknown> {
  const text = readFileSync(join(templatesDir(), 'kong', `dp-values-${mode}.yaml`), 'utf8');
  return yaml.load(text) as Record<string, unknown>;
}

function section(values: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = values[key];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  values[key] = created;
  return created;
}

function checkSecretName(name: string, key: string): void {
  if (!DNS_LABEL.test(name)) {
    throw new DpValuesError(
      `Secret name "${name}" must be a DNS label (lowercase letters, digits, "-", no dots): the chart mounts it at /etc/secrets/<name>/.`,
      key,
    );
  }
}

// A key of a Secret becomes a file name under the mount (kubernetes: [-._a-zA-Z0-9]+, not "." or "..").
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

function checkKeyName(key: string): string {
  if (!SECRET_KEY.test(key) || key === '.' || key === '..')
    throw new DpValuesError(`Secret key "${key}" cannot be a file name under the secret's mount`);
  return key;
}

/** The values as an object (the shape of sections 1.6 / 1.7 of the Kong reference). */
export function buildDpValues(input: DpValuesInput): Record<string, unknown> {
  const cluster = parseEndpoint(input.clusterEndpoint);
  if (!cluster.ok) throw new DpValuesError(`Cluster endpoint: ${cluster.message}`, 'controlPlane.clusterEndpoint');
  const telemetry = parseEndpoint(input.telemetryEndpoint);
  if (!telemetry.ok)
    throw new DpValuesError(`Telemetry endpoint: ${telemetry.message}`, 'controlPlane.telemetryEndpoint');
  checkSecretName(input.clusterCertSecret, 'controlPlane.clusterCertSecret');
  if (input.licenseSecret !== null) checkSecretName(input.licenseSecret, 'controlPlane.licenseSecret');

  const values = loadTemplate(input.mode);
  values.image = {repository: input.image.repository, tag: input.image.tag};
  const env = section(values, 'env');
  env.cluster_control_plane = cluster.value;
  env.cluster_telemetry_endpoint = telemetry.value;
  const certDir = `/etc/secrets/${input.clusterCertSecret}`;
  const certPath = `${certDir}/${checkKeyName(input.certKey ?? 'tls.crt')}`;
  env.cluster_cert = certPath;
  env.cluster_cert_key = `${certDir}/${checkKeyName(input.keyKey ?? 'tls.key')}`;
  const volumes = [input.clusterCertSecret];
  if (input.mode === 'shared') {
    // "system" keeps the public CA bundle for upstreams and plugins that verify TLS.
    env.lua_ssl_trusted_certificate = `${certPath},system`;
  } else {
    const caSecret = input.pki?.caSecret ?? input.clusterCertSecret;
    checkSecretName(caSecret, 'controlPlane.clusterCertSecret');
    const caPath = `/etc/secrets/${caSecret}/${checkKeyName(input.pki?.caKey ?? 'ca.crt')}`;
    env.cluster_ca_cert = caPath;
    env.lua_ssl_trusted_certificate = `${caPath},system`;
    // Without it the DP checks the load balancer's hostname on the CP certificate: "certificate host mismatch".
    if (!input.pki?.serverName)
      throw new DpValuesError(
        "missing controlPlane.clusterServerName: pki mode needs a name on the control plane's cluster certificate (cluster_server_name), e.g. kong-cp.example.com",
        'controlPlane.clusterServerName',
      );
    env.cluster_server_name = input.pki.serverName;
    if (input.pki?.telemetryServerName) env.cluster_telemetry_server_name = input.pki.telemetryServerName;
    if (caSecret !== input.clusterCertSecret) volumes.push(caSecret);
  }
  if (input.routerFlavor) env.router_flavor = input.routerFlavor;
  values.secretVolumes = volumes;

  const enterprise = section(values, 'enterprise');
  if (input.licenseSecret === null) delete enterprise.license_secret;
  else enterprise.license_secret = input.licenseSecret;
  section(enterprise, 'vitals').enabled = input.vitals ?? false;

  const proxy = section(values, 'proxy');
  proxy.type = input.proxy.type;
  const http = section(proxy, 'http');
  const tls = section(proxy, 'tls');
  if (input.proxy.type === 'NodePort') {
    if (input.proxy.httpNodePort !== undefined) http.nodePort = input.proxy.httpNodePort;
    if (input.proxy.httpsNodePort !== undefined) tls.nodePort = input.proxy.httpsNodePort;
  }
  values.replicaCount = input.replicas ?? 1;

  const leftover = yaml.dump(values).match(/CHANGEME/g);
  if (leftover) throw new DpValuesError('internal: the DP values template has fields that were not filled in');
  return values;
}

/**
 * The values file text: a header naming the helm command, then the YAML. `installCommand` is the
 * command line exactly as the data-plane step runs it (deploy.ts helmInstallCommandLine), run in the
 * folder that holds this file.
 */
export function renderDpValues(input: DpValuesInput, installCommand?: string): string {
  const values = buildDpValues(input);
  const header = yamlComment([
    `Kong Gateway data plane (${input.mode} mode), generated by eksa-kong.`,
    ...(installCommand ? ['Installed with, in the folder of this file:', installCommand] : []),
  ]);
  return header + '\n' + yaml.dump(values, {lineWidth: -1, noRefs: true, quotingType: '"'});
}

/** Builds the input from an answers file; throws DpValuesError naming the missing key. */
export function dpValuesInputFromAnswers(answers: Answers): DpValuesInput {
  const cp = answers.controlPlane ?? {};
  const dp = answers.dataPlane ?? {};
  if (!cp.version)
    throw new DpValuesError(
      'missing controlPlane.version: the control plane Kong version (GET / on its Admin API, field "version"), e.g. 3.9.1.2',
      'controlPlane.version',
    );
  if (!cp.clusterEndpoint)
    throw new DpValuesError(
      'missing controlPlane.clusterEndpoint: host:port of the control plane cluster listener, e.g. cp.example.com:8005',
      'controlPlane.clusterEndpoint',
    );
  if (!cp.telemetryEndpoint)
    throw new DpValuesError(
      'missing controlPlane.telemetryEndpoint: host:port of the control plane telemetry listener, e.g. tp.example.com:8006',
      'controlPlane.telemetryEndpoint',
    );

  let image = dpImageFor(cp.version);
  if (dp.image) {
    const split = splitImage(dp.image);
    image = {repository: split.repository || DEFAULT_DP_REPOSITORY, tag: split.tag ?? image.tag};
  }
  const skew = checkVersionSkew(cp.version, image.tag);
  if (!skew.ok)
    throw new DpValuesError(`dataPlane.image ${image.repository}:${image.tag}: ${skew.explanation}`, 'dataPlane.image');

  const hasLicense = Boolean(cp.licenseSecret || cp.license || cp.licenseFile);
  const mode = cp.mode ?? 'shared';
  if (mode === 'pki' && !cp.clusterServerName)
    throw new DpValuesError(
      "missing controlPlane.clusterServerName: pki mode needs a name on the control plane's cluster certificate (cluster_server_name), e.g. kong-cp.example.com",
      'controlPlane.clusterServerName',
    );
  return {
    mode,
    // pki: the DP's own secret holds its client pair and the CA (ca.crt) the wizard puts next to it.
    ...(mode === 'pki' ? {pki: {serverName: cp.clusterServerName, caKey: 'ca.crt'}} : {}),
    namespace: dp.namespace ?? DEFAULT_DP_NAMESPACE,
    release: dp.release ?? DEFAULT_DP_RELEASE,
    image,
    clusterEndpoint: cp.clusterEndpoint,
    telemetryEndpoint: cp.telemetryEndpoint,
    clusterCertSecret: cp.clusterCertSecret ?? DEFAULT_CLUSTER_CERT_SECRET,
    licenseSecret: hasLicense ? (cp.licenseSecret ?? DEFAULT_LICENSE_SECRET) : null,
    proxy: {
      // A load-balancer pool means the proxy takes an address from it, unless the admin says otherwise.
      type: dp.proxyType ?? (dp.loadBalancer ? 'LoadBalancer' : 'NodePort'),
      httpNodePort: dp.httpNodePort ?? 32080,
      httpsNodePort: dp.httpsNodePort ?? 32443,
    },
    replicas: dp.replicas ?? 1,
  };
}

export interface CliOutput {
  exitCode: 0 | 2;
  stdout: string;
  stderr: string;
}

/**
 * `eksa-kong generate dp-values --answers FILE`: the values on stdout, or exit 2 naming the missing key.
 * `installCommand` gives the helm command the data-plane step would run for these values.
 */
export function generateDpValuesCli(
  answers: Answers,
  installCommand?: (input: DpValuesInput) => string | undefined,
): CliOutput {
  try {
    const input = dpValuesInputFromAnswers(answers);
    return {exitCode: 0, stdout: renderDpValues(input, installCommand?.(input)), stderr: ''};
  } catch (error) {
    if (error instanceof DpValuesError) {
      return {exitCode: 2, stdout: '', stderr: `eksa-kong generate dp-values: ${error.message}\n`};
    }
    throw error;
  }
}
