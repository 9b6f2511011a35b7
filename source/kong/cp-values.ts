// Helm values of a Kong Enterprise control plane (kong/kong chart) that the wizard deploys on EKS when
// there is none (issue 10): role control_plane, the cluster (8005) and clustertelemetry (8006) Services
// as TCP network load balancers (kong.md 1.5), the shared-mode cluster certificate mounted from its
// secret, the Admin API over TLS as the admin chose to expose it, Postgres (bundled or external), the
// licence and Kong Manager. Every secret value is referenced by secret name; the values file holds none.
import yaml from 'js-yaml';
import {yamlComment} from '../run/yaml-comment.js';
import type {Answers} from '../session/answers.js';
import {DEFAULT_CLUSTER_CERT_SECRET, DEFAULT_LICENSE_SECRET, DpValuesError} from './dp-values.js';
import {DEFAULT_CHART_VERSION, HELM_CHART} from './deploy.js';
import {DEFAULT_DP_REPOSITORY} from './version.js';

export const CP_VALUES_FILE = 'kong-cp-values.yaml';
/** The Kong Gateway version deployed when controlPlane.version is not given. */
export const DEFAULT_CP_VERSION = '3.10.0.2';
export const DEFAULT_CP_DEPLOY_NAMESPACE = 'kong';
export const DEFAULT_CP_DEPLOY_RELEASE = 'kong-cp';

/**
 * The bitnami subchart creates no secret when given auth.existingSecret, and the kong chart reads
 * KONG_PG_PASSWORD from "<release>-postgresql" key "password" (templates/_helpers.tpl, kong.postgresql.fullname):
 * so the wizard's secret carries that name and serves both.
 */
export const dbPasswordSecretName = (release: string) => `${release}-postgresql`.slice(0, 63).replace(/-+$/, '');
/** Key "password": the RBAC super admin's password (KONG_PASSWORD, the kong_admin user's token). */
export const adminPasswordSecretName = (release: string) => `${release}-admin-password`;
/** Key "admin_gui_session_conf": Kong Manager's session cookie settings when RBAC is on. */
export const sessionConfSecretName = (release: string) => `${release}-session-config`;

/**
 * Who turns a LoadBalancer Service into an NLB. A cluster eksctl just created has only EKS's cloud
 * provider (cloud-provider-aws), which reads `aws-load-balancer-type: nlb` (instance targets) and
 * `aws-load-balancer-internal`; with the AWS Load Balancer Controller installed, `external` + IP targets +
 * an explicit scheme (its default is internal: kubernetes-sigs.github.io/aws-load-balancer-controller
 * guide/service/nlb, "Since v2.2.0 ... internal"). kong.md 1.5.
 */
export type LbController = 'cloud-provider' | 'aws-load-balancer-controller';

export function nlbAnnotations(
  scheme: 'internet-facing' | 'internal',
  controller: LbController = 'aws-load-balancer-controller',
): Record<string, string> {
  if (controller === 'cloud-provider')
    return {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      ...(scheme === 'internal' ? {'service.beta.kubernetes.io/aws-load-balancer-internal': 'true'} : {}),
    };
  return {
    'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
    'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
    'service.beta.kubernetes.io/aws-load-balancer-scheme': scheme,
  };
}

export type AdminExpose = 'LoadBalancer' | 'InternalLoadBalancer' | 'ClusterIP';

export interface CpValuesInput {
  namespace: string;
  release: string;
  image: {repository: string; tag: string};
  /** kubernetes.io/tls secret mounted at /etc/secrets/<name>/ (shared mode: the DP mounts a copy). */
  clusterCertSecret: string;
  /** Secret with key "license"; null runs Kong Enterprise in free mode. */
  licenseSecret: string | null;
  database: {type: 'bundled'} | {type: 'external'; host: string; port: number; user: string; database: string};
  adminExpose: AdminExpose;
  rbac: boolean;
  manager: boolean;
  /** Default: the AWS Load Balancer Controller (kong.md 1.5); a cluster the wizard creates has only the cloud provider. */
  lbController?: LbController;
  replicas?: number;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const secretRef = (name: string, key: string) => ({valueFrom: {secretKeyRef: {name, key}}});

/** The values as an object (kong.md 1.2 and 1.5, for a DP outside the VPC). */
export function buildCpValues(input: CpValuesInput): Record<string, unknown> {
  for (const [name, key] of [
    [input.clusterCertSecret, 'controlPlane.clusterCertSecret'],
    ...(input.licenseSecret ? [[input.licenseSecret, 'controlPlane.licenseSecret']] : []),
  ] as Array<[string, string]>) {
    if (!DNS_LABEL.test(name))
      throw new DpValuesError(
        `Secret name "${name}" must be a DNS label (lowercase letters, digits, "-", no dots): the chart mounts it at /etc/secrets/<name>/.`,
        key,
      );
  }
  const certDir = `/etc/secrets/${input.clusterCertSecret}`;
  const env: Record<string, unknown> = {
    role: 'control_plane',
    database: 'postgres',
    cluster_mtls: 'shared',
    cluster_cert: `${certDir}/tls.crt`,
    cluster_cert_key: `${certDir}/tls.key`,
    cluster_listen: '0.0.0.0:8005',
    cluster_telemetry_listen: '0.0.0.0:8006',
  };
  const passwordSecret = dbPasswordSecretName(input.release);
  let postgresql: Record<string, unknown>;
  if (input.database.type === 'external') {
    env.pg_host = input.database.host;
    env.pg_port = input.database.port;
    env.pg_user = input.database.user;
    env.pg_database = input.database.database;
    env.pg_password = secretRef(passwordSecret, 'password');
    postgresql = {enabled: false};
  } else {
    // Bitnami's own images left Docker Hub (the chart's values.yaml: "provide your own image here"); the
    // bitnamilegacy repository keeps PostgreSQL 14, the major the chart's subchart was made for.
    postgresql = {
      enabled: true,
      auth: {username: 'kong', database: 'kong', existingSecret: passwordSecret},
      image: {registry: 'docker.io', repository: 'bitnamilegacy/postgresql', tag: '14.17.0-debian-12-r3'},
    };
  }
  if (input.rbac) env.password = secretRef(adminPasswordSecretName(input.release), 'password');

  const lb = input.adminExpose !== 'ClusterIP';
  const adminScheme = input.adminExpose === 'InternalLoadBalancer' ? 'internal' : 'internet-facing';
  const listener = (servicePort: number) => ({enabled: true, servicePort, containerPort: servicePort});
  const values: Record<string, unknown> = {
    image: {repository: input.image.repository, tag: input.image.tag},
    replicaCount: input.replicas ?? 1,
    env,
    secretVolumes: [input.clusterCertSecret],
    ingressController: {enabled: false},
    proxy: {enabled: false},
    admin: {
      enabled: true,
      type: lb ? 'LoadBalancer' : 'ClusterIP',
      annotations: lb ? nlbAnnotations(adminScheme, input.lbController) : {},
      http: {enabled: false},
      tls: {...listener(8444), parameters: ['http2']},
    },
    cluster: {
      enabled: true,
      type: 'LoadBalancer',
      annotations: nlbAnnotations('internet-facing', input.lbController),
      tls: listener(8005),
    },
    clustertelemetry: {
      enabled: true,
      type: 'LoadBalancer',
      annotations: nlbAnnotations('internet-facing', input.lbController),
      tls: listener(8006),
    },
    manager: input.manager
      ? {
          enabled: true,
          type: lb ? 'LoadBalancer' : 'ClusterIP',
          annotations: lb ? nlbAnnotations(adminScheme, input.lbController) : {},
          http: {enabled: false},
          tls: {...listener(8445), parameters: ['http2']},
        }
      : {enabled: false},
    portal: {enabled: false},
    portalapi: {enabled: false},
    enterprise: {
      enabled: true,
      ...(input.licenseSecret ? {license_secret: input.licenseSecret} : {}),
      vitals: {enabled: false},
      portal: {enabled: false},
      rbac: input.rbac
        ? {enabled: true, admin_gui_auth: 'basic-auth', session_conf_secret: sessionConfSecretName(input.release)}
        : {enabled: false},
    },
    postgresql,
  };
  return values;
}

export function helmInstallHint(input: Pick<CpValuesInput, 'release' | 'namespace'>, chartVersion?: string): string {
  return `helm upgrade --install ${input.release} ${HELM_CHART} -n ${input.namespace} -f ${CP_VALUES_FILE} --version ${chartVersion ?? DEFAULT_CHART_VERSION}`;
}

/** The values file text: a header naming the secrets it expects and the helm command, then the YAML. */
export function renderCpValues(input: CpValuesInput, chartVersion?: string): string {
  const secrets = [
    `${input.clusterCertSecret} (kubernetes.io/tls: the cluster certificate)`,
    ...(input.licenseSecret ? [`${input.licenseSecret} (key license)`] : []),
    `${dbPasswordSecretName(input.release)} (key password${input.database.type === 'bundled' ? ', postgres-password' : ''})`,
    ...(input.rbac
      ? [
          `${adminPasswordSecretName(input.release)} (key password: the kong_admin RBAC password)`,
          `${sessionConfSecretName(input.release)} (key admin_gui_session_conf)`,
        ]
      : []),
  ];
  const header = yamlComment([
    `Kong Gateway control plane (hybrid, shared mTLS) for EKS, generated by eksa-kong.`,
    `Secrets it expects in namespace ${input.namespace}: ${secrets.join('; ')}.`,
    helmInstallHint(input, chartVersion),
  ]);
  return header + '\n' + yaml.dump(buildCpValues(input), {lineWidth: -1, noRefs: true, quotingType: '"'});
}

/** Builds the input from the answers; throws DpValuesError naming the key when one is missing or wrong. */
export function cpValuesInputFromAnswers(answers: Answers): CpValuesInput {
  const cp = answers.controlPlane ?? {};
  const deploy = cp.deploy;
  if (!deploy)
    throw new DpValuesError(
      'missing controlPlane.deploy: its presence chooses deploying the control plane (see templates/answers.example.yaml)',
      'controlPlane.deploy',
    );
  const tag = cp.version ?? DEFAULT_CP_VERSION;
  if (!/^\d+\.\d+(\.\d+)*$/.test(tag))
    throw new DpValuesError(
      `controlPlane.version "${tag}" is not a Kong Gateway version such as ${DEFAULT_CP_VERSION}`,
      'controlPlane.version',
    );
  const db = deploy.database ?? {type: 'bundled' as const};
  let database: CpValuesInput['database'];
  if (db.type === 'external') {
    if (!db.host)
      throw new DpValuesError('missing controlPlane.deploy.database.host', 'controlPlane.deploy.database.host');
    if (!db.user)
      throw new DpValuesError('missing controlPlane.deploy.database.user', 'controlPlane.deploy.database.user');
    database = {type: 'external', host: db.host, port: db.port ?? 5432, user: db.user, database: db.database ?? 'kong'};
  } else database = {type: 'bundled'};
  const hasLicense = Boolean(cp.licenseSecret || cp.license || cp.licenseFile);
  return {
    namespace: cp.namespace ?? DEFAULT_CP_DEPLOY_NAMESPACE,
    release: cp.release ?? DEFAULT_CP_DEPLOY_RELEASE,
    image: {repository: DEFAULT_DP_REPOSITORY, tag},
    clusterCertSecret: cp.clusterCertSecret ?? DEFAULT_CLUSTER_CERT_SECRET,
    licenseSecret: hasLicense ? (cp.licenseSecret ?? DEFAULT_LICENSE_SECRET) : null,
    database,
    adminExpose: deploy.admin?.expose ?? 'ClusterIP',
    // A cluster eksctl creates has no AWS Load Balancer Controller: EKS's cloud provider makes the NLBs.
    lbController: deploy.eks && deploy.eks.create !== false ? 'cloud-provider' : 'aws-load-balancer-controller',
    rbac: deploy.rbac ?? false,
    manager: deploy.manager ?? false,
  };
}

/** `eksa-kong generate cp-values --answers FILE`: the values on stdout, or exit 2 naming the key. */
export function generateCpValuesCli(answers: Answers): {exitCode: 0 | 2; stdout: string; stderr: string} {
  try {
    return {exitCode: 0, stdout: renderCpValues(cpValuesInputFromAnswers(answers)), stderr: ''};
  } catch (error) {
    if (error instanceof DpValuesError)
      return {exitCode: 2, stdout: '', stderr: `eksa-kong generate cp-values: ${error.message}\n`};
    throw error;
  }
}
