// The answers a session collects, and the answers file (--answers) that pre-fills them.
// Keys follow DESIGN.md's sketch. Everything is optional here: a step checks what it needs when it runs,
// and a headless run names the missing key. Unknown keys are refused so that typos are caught.
import * as z from 'zod';
import {SESSION_NAME, SESSION_NAME_RULE} from './names.js';
import {
  contextName,
  envVarName,
  helmReleaseName,
  interfaceName,
  ipv4Text,
  lineText,
  namespaceName,
  pathText,
  secretName,
} from './kube-names.js';
import {apiAnswersSchema} from './api-answers.js';

const secretRef = {
  /** Name of an environment variable that holds the secret. */
  passwordEnv: envVarName.optional(),
  /** Path of a file that holds the secret. */
  passwordFile: pathText.min(1).optional(),
};

export const bmcSchema = z
  .object({
    ip: z.string().min(1),
    username: z.string().min(1),
    /** Inline secret: moved to secrets.json, never kept in session.json. */
    password: z.string().optional(),
    ...secretRef,
  })
  .strict();

export const machineSchema = z
  .object({
    hostname: z.string().min(1),
    mac: z.string().min(1),
    ip: z.string().min(1),
    role: z.enum(['cp', 'worker']),
    disk: z.string().min(1),
    bmc: bmcSchema.optional(),
    /** Extra hardware labels (key=value) besides type=cp|worker. */
    labels: z.record(z.string(), z.string()).optional(),
    /** hardware.csv's vlan_id: the VLAN of the node's network (1-4094), when it is tagged. */
    vlanId: z.union([z.string(), z.number().int()]).optional(),
    /** What discovery learned, kept for the review screens. */
    vendor: z.string().optional(),
    model: z.string().optional(),
    uuid: z.string().optional(),
  })
  .strict();

// eksctl (pkg/apis/eksctl.io/v1alpha5/validation.go ErrInvalidName) and CloudFormation stack names
// (eksctl-<name>-cluster): a letter, then letters, digits and "-". EKS allows 100 characters.
const eksClusterName = z
  .string()
  .max(100, 'an EKS cluster name has at most 100 characters')
  .regex(
    /^[a-zA-Z][-a-zA-Z0-9]*$/,
    'an EKS cluster name is a letter, then letters, digits and "-" (eksctl refuses others)',
  );

/** An AWS region code such as eu-west-3 or us-gov-west-1 (the preflight checks it is one eksctl knows). */
const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'an AWS region code such as eu-west-3 or us-east-1');

/** An EC2 instance type such as m6i.large (family.size). */
const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type such as m6i.large');

/** Deploying the Kong control plane on EKS (controlPlane.deploy): its presence chooses this path. */
export const cpDeploySchema = z
  .object({
    /** Create the EKS cluster with eksctl; leave out to use controlPlane.kubeconfig/context of an existing one. */
    eks: z
      .object({
        create: z.boolean().optional(),
        name: eksClusterName.optional(),
        region: awsRegion.optional(),
        kubernetesVersion: z
          .union([z.string(), z.number()])
          .transform(String)
          .pipe(z.string().regex(/^1\.\d{1,2}$/, 'a Kubernetes minor version such as "1.33"'))
          .optional(),
        nodeType: instanceType.optional(),
        nodes: z.number().int().min(1).max(100).optional(),
      })
      .strict()
      .optional(),
    database: z
      .object({
        /** bundled: the chart's Postgres subchart; external: an endpoint such as RDS. */
        type: z.enum(['bundled', 'external']),
        host: lineText.min(1).optional(),
        port: z.number().int().min(1).max(65535).optional(),
        user: lineText.min(1).optional(),
        /** The database name (default kong). */
        database: lineText.min(1).optional(),
        /** Inline secret: moved to secrets.json, never kept in session.json. */
        password: z.string().optional(),
        ...secretRef,
      })
      .strict()
      .superRefine((db, ctx) => {
        if (db.type !== 'external') return;
        for (const key of ['host', 'user'] as const)
          if (!db[key]) ctx.addIssue({code: 'custom', path: [key], message: `an external database needs ${key}`});
      })
      .optional(),
    admin: z
      .object({
        /** How the Admin API is reached: an internet-facing NLB, an internal NLB, or port-forward. */
        expose: z.enum(['LoadBalancer', 'InternalLoadBalancer', 'ClusterIP']).optional(),
      })
      .strict()
      .optional(),
    /** Kong RBAC: the super admin's password is controlPlane.adminToken (or adminTokenEnv/File), generated when absent. */
    rbac: z.boolean().optional(),
    /** Kong Manager (the GUI). */
    manager: z.boolean().optional(),
  })
  .strict();

export const answersSchema = z
  .object({
    session: z.string().regex(SESSION_NAME, SESSION_NAME_RULE).optional(),
    admin: z
      .object({
        interface: interfaceName.optional(),
        bootstrapIp: ipv4Text.optional(),
      })
      .strict()
      .optional(),
    network: z
      .object({
        netmask: z.string().min(1).optional(),
        gateway: z.string().min(1).optional(),
        nameservers: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
    discovery: z
      .object({
        pxe: z
          .object({
            enabled: z.boolean().optional(),
            port: z.number().int().min(1).max(65535).optional(),
            capture: z.boolean().optional(),
          })
          .strict()
          .optional(),
        redfish: z
          .object({
            targets: z.array(z.string().min(1)).optional(),
            username: z.string().optional(),
            password: z.string().optional(),
            ...secretRef,
            insecure: z.boolean().optional(),
            concurrency: z.number().int().min(1).max(64).optional(),
            timeoutMs: z.number().int().min(100).optional(),
          })
          .strict()
          .optional(),
        /**
         * BMCs to boot from the network once and power on over IPMI (ipmitool), one at a time: the PXE
         * request that follows names each machine's boot MAC. Needs discovery.pxe; the BMC account is
         * discovery.redfish's username and password.
         */
        ipmi: z
          .object({
            /** HOST or HOST:PORT (IPMI's UDP port, default 623). */
            powerOn: z.array(z.string().min(1)).optional(),
            /** ipmitool -C: the cipher suite, when the BMC needs one (e.g. 3 or 17). */
            cipherSuite: z.number().int().min(0).max(17).optional(),
            /** How long to wait for each machine's PXE request after power-on (default 120 s). */
            timeoutMs: z.number().int().min(1000).optional(),
          })
          .strict()
          .optional(),
        importCsv: pathText.optional(),
        /** Read the admin server's neighbour table for BMCs already on the network. */
        neighbours: z.boolean().optional(),
      })
      .strict()
      .optional(),
    machines: z.array(machineSchema).optional(),
    cluster: z
      .object({
        name: z.string().min(1).optional(),
        kubernetesVersion: z.union([z.string(), z.number()]).transform(String).optional(),
        endpoint: z.string().min(1).optional(),
        tinkerbellIp: z.string().min(1).optional(),
        osImageUrl: z.string().optional(),
        sshAuthorizedKey: z.string().optional(),
        podsCidr: z.string().optional(),
        servicesCidr: z.string().optional(),
        loadBalancerInterface: z.string().optional(),
        controlPlaneCount: z.number().int().min(1).optional(),
        workerCount: z.number().int().min(0).optional(),
        /**
         * EKS Anywhere licence token (a JWT) for Kubernetes versions in extended support: written into
         * spec.licenseToken. Inline secret: moved to secrets.json, never kept in session.json.
         */
        licenseToken: z.string().optional(),
        licenseTokenEnv: envVarName.optional(),
        licenseTokenFile: pathText.min(1).optional(),
        /** Use a cluster made elsewhere instead of creating one. */
        existing: z
          .object({kubeconfig: pathText.min(1), context: contextName.optional()})
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    controlPlane: z
      .object({
        kubeconfig: pathText.optional(),
        context: contextName.optional(),
        namespace: namespaceName.optional(),
        release: helmReleaseName.optional(),
        adminUrl: lineText.optional(),
        adminToken: z.string().optional(),
        adminTokenEnv: envVarName.optional(),
        adminTokenFile: pathText.optional(),
        clusterEndpoint: lineText.optional(),
        telemetryEndpoint: lineText.optional(),
        version: z.union([z.string(), z.number()]).transform(String).optional(),
        clusterCertSecret: secretName.optional(),
        licenseSecret: secretName.optional(),
        license: z.string().optional(),
        licenseFile: pathText.optional(),
        mode: z.enum(['shared', 'pki']).optional(),
        generateCert: z.boolean().optional(),
        /** pki: the name on the CP's cluster certificate the DP checks (cluster_server_name). */
        clusterServerName: z
          .string()
          .regex(/^[A-Za-z0-9_]([-A-Za-z0-9_.]{0,251}[A-Za-z0-9])?$/, 'a DNS name, e.g. kong-cp.example.com')
          .optional(),
        /** pki: a secret in the CP namespace holding the CA certificate and key (tls.crt, tls.key). */
        clusterCaSecret: secretName.optional(),
        /** pki: the CA certificate and key as PEM files on this host. */
        clusterCaCertFile: pathText.optional(),
        clusterCaKeyFile: pathText.optional(),
        /** pki: a client certificate and key the admin issued for the data plane, instead of the CA key. */
        dataPlaneCertFile: pathText.optional(),
        dataPlaneKeyFile: pathText.optional(),
        deploy: cpDeploySchema.optional(),
      })
      .strict()
      .optional(),
    dataPlane: z
      .object({
        namespace: namespaceName.optional(),
        release: helmReleaseName.optional(),
        image: lineText.refine(v => !v.startsWith('-'), 'an image reference cannot start with "-"').optional(),
        proxyType: z.enum(['NodePort', 'LoadBalancer']).optional(),
        httpNodePort: z.number().int().min(30000).max(32767).optional(),
        httpsNodePort: z.number().int().min(30000).max(32767).optional(),
        replicas: z.number().int().min(1).max(50).optional(),
        smokeTest: z.boolean().optional(),
        /** An address pool for Services of type LoadBalancer; with it proxyType defaults to LoadBalancer. */
        loadBalancer: z
          .object({
            provider: z.enum(['metallb', 'kube-vip']),
            /** A range "10.20.0.200-10.20.0.209" or a CIDR "10.20.0.200/29" in the nodes' subnet. */
            addresses: lineText.min(1),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /** A first API on the data plane: Service, Route and policy presets (applied through the CP's Admin API). */
    api: apiAnswersSchema.optional(),
  })
  .strict();

export type Answers = z.infer<typeof answersSchema>;
export type Machine = z.infer<typeof machineSchema>;
