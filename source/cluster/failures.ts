// Known `eksctl anywhere create cluster` failures, recognised from output lines, turned into a
// title, an explanation and a fix (reference sections 3.2, 3.5 and 5). Unknown errors fall through
// to a generic entry that points at the logs.
import {readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {kindContainerName} from './leftovers.js';

export interface KnownFailure {
  id: string;
  title: string;
  explanation: string;
  fix: string;
}

interface Rule {
  id: string;
  pattern: RegExp;
  make(m: RegExpExecArray, clusterName: string): Omit<KnownFailure, 'id'>;
}

const HANG_CAUSES =
  'Usual causes: a wrong MAC in hardware.csv, no L2 path between the admin server and the nodes, PXE/network boot disabled on that NIC, or a partition given as disk.';

/**
 * What EKS Anywhere's hardware.csv reader and validator return, which create prints unwrapped after
 * "validations failed: " (aws/eks-anywhere v0.26 pkg/providers/tinkerbell/hardware: csv.go,
 * machine.go, translate.go, validator.go; Go's encoding/csv; apimachinery's label and DNS rules).
 */
const HARDWARE_CSV_ERRORS = new RegExp(
  [
    'missing required columns in csv',
    'read: invalid hardware',
    'wrong number of fields',
    // The ❌ line's JSON escapes the quote.
    'bare \\\\?" in non-quoted-field',
    'extraneous or missing \\\\?" in quoted-field',
    'machine: (IPAddress|Gateway|Nameservers|Netmask|MACAddress|Hostname|BMCIPAddress|BMCUsername|BMCPassword) is empty',
    'machine: Nameservers contains an empty entry',
    '(IPAddress|Gateway|BMCIPAddress): is (invalid|required)',
    'MACAddress: address .*: invalid MAC address',
    'invalid hostname: ',
    'disk must be a valid linux path',
    'VLANID: must be',
    'duplicate (IPAddress|MACAddress|Hostname): ',
    'missing BMCIPAddress \\(mac=',
    'badly formatted key-value pair',
    // Label keys and values (IsQualifiedName, IsValidLabelValue).
    '(name|prefix) part (must|a lowercase RFC 1123)',
    'a valid label (key )?must',
    // A label value that is too long, alone (the text is generic, so only as the validation's error).
    '(validations failed: |"error": ?")must be no more than 63 bytes',
  ].join('|'),
);

/** The error itself, without the ❌ line's JSON or the "Error: validations failed: " wrapping. */
function hardwareErrorText(line: string): string {
  const tab = line.indexOf('\t{');
  if (tab !== -1) {
    try {
      const error = (JSON.parse(line.slice(tab + 1)) as {error?: unknown}).error;
      if (typeof error === 'string') return error;
    } catch {
      // Not the validation line's JSON: show the line.
    }
  }
  return line.trim().replace(/^Error: (validations failed: )?/, '');
}

const RULES: readonly Rule[] = [
  {
    id: 'smee-container-exists',
    pattern: /boots container already exists/,
    make: () => ({
      title: 'A Tinkerbell (smee) container from an earlier create is still there',
      explanation: 'eksctl refuses to start while the smee (formerly boots) container exists.',
      fix: 'Remove it: `docker rm -f smee` (or `docker rm -f boots` on older releases), then create again.',
    }),
  },
  {
    id: 'kind-cluster-exists',
    pattern: /node\(s\) already exist for a cluster with the name/,
    make: (_m, name) => ({
      title: 'The KinD bootstrap cluster of an earlier create is still running',
      explanation: 'A failed create leaves its bootstrap cluster behind, and a new one cannot take the same name.',
      fix: `Remove it: \`docker rm -f ${kindContainerName(name || '<name>')}\`, then create again.`,
    }),
  },
  {
    id: 'old-cluster-folder',
    pattern: /old cluster config file exists under (\S+)/,
    make: m => ({
      title: `The folder ${m[1]!.replace(/,$/, '')}/ holds the kubeconfig of an earlier cluster`,
      explanation: 'eksctl will not overwrite a cluster folder that has a kubeconfig.',
      fix: `Move the folder aside (for example \`mv ${m[1]!.replace(/,$/, '')} ${m[1]!.replace(/,$/, '')}.old\`), or use another cluster name.`,
    }),
  },
  {
    id: 'ports-in-use',
    pattern: /localhost ports \[([^\]]*)\] are already in use/,
    make: m => ({
      title: `Ports ${m[1]} are already in use on the admin server`,
      explanation: 'The bootstrap Tinkerbell stack binds 0.0.0.0 on these ports.',
      fix: 'Find the owner with `sudo ss -lntup` and stop it (often a leftover smee container or a web server).',
    }),
  },
  {
    id: 'docker-version',
    pattern: /minimum requirements for docker version have not been met/,
    make: () => ({
      title: 'Docker is too old',
      explanation: 'eksctl anywhere needs Docker 20 or newer.',
      fix: 'Upgrade to Docker CE 20 or newer (not the snap package).',
    }),
  },
  {
    id: 'docker-permission',
    pattern: /permission denied while trying to connect to the Docker daemon/,
    make: () => ({
      title: 'This user cannot use docker',
      explanation: 'eksctl runs docker without sudo.',
      fix: 'Run `sudo usermod -aG docker $USER`, log out and back in.',
    }),
  },
  {
    id: 'endpoint-in-use',
    pattern: /control plane endpoint ip in use: (\S+)/,
    make: m => ({
      title: `The control-plane endpoint ${m[1]} is already in use`,
      explanation:
        'Something answers on TCP 80 at that address (eksctl’s probe); often a leftover from an earlier cluster.',
      fix: 'Pick a free address in the node subnet, outside any DHCP range (cluster.endpoint).',
    }),
  },
  {
    id: 'tinkerbell-ip-in-use',
    // eksctl prints the address in angle brackets (tinkerbellIP <10.20.0.51> is already in use).
    pattern: /tinkerbellIP <?([^\s<>]+)>? is already in use/,
    make: m => ({
      title: `tinkerbellIP ${m[1]} is already in use`,
      explanation: 'The Tinkerbell stack’s virtual IP must be free on the node network.',
      fix: 'Pick a free address in the node subnet, outside any DHCP range (cluster.tinkerbellIp).',
    }),
  },
  {
    id: 'same-ips',
    pattern: /endpoint\.host and tinkerbellIP are the same/,
    make: () => ({
      title: 'The control-plane endpoint and tinkerbellIP are the same address',
      explanation: 'They are two separate virtual IPs.',
      fix: 'Give two distinct free addresses (cluster.endpoint, cluster.tinkerbellIp).',
    }),
  },
  {
    id: 'hardware-count',
    pattern: /minimum hardware count not met for selector '([^']*)': have (\d+), require (\d+)/,
    make: m => ({
      title: `Not enough machines for selector ${m[1]}: have ${m[2]}, need ${m[3]}`,
      explanation: 'Each machine config takes machines whose hardware.csv labels match its selector.',
      fix: 'Label more machines type=cp / type=worker in hardware.csv, or lower the node count.',
    }),
  },
  {
    id: 'hardware-two-selectors',
    pattern: /hardware must only satisfy 1 selector: hardware name '([^']*)'/,
    make: m => ({
      title: `Machine ${m[1]} matches more than one selector`,
      explanation: 'A machine may belong to one group only.',
      fix: 'Give each machine one type label (type=cp or type=worker).',
    }),
  },
  {
    id: 'hardware-csv',
    pattern: HARDWARE_CSV_ERRORS,
    make: m => ({
      title: 'hardware.csv was refused',
      explanation: `eksctl read the CSV and found: ${hardwareErrorText(m.input)}`,
      fix: 'Fix hardware.csv (the wizard’s hardware step validates it the same way) and create again.',
    }),
  },
  {
    id: 'os-image-version',
    pattern: /missing kube version from OSImageURL/,
    make: () => ({
      title: 'The OS image URL does not name the Kubernetes version',
      explanation: 'EKS Anywhere requires the version (e.g. 1-35) in the image URL, so the image matches the cluster.',
      fix: 'Use an image built for this Kubernetes version, with the version in its file name (cluster.osImageUrl).',
    }),
  },
  {
    id: 'os-image-missing',
    pattern: /missing OSImageURL on TinkerbellMachineConfig|provide a valid osImageURL/,
    make: () => ({
      title: 'No OS image URL',
      explanation: 'EKS Anywhere ships no Ubuntu image for bare metal.',
      fix: 'Build one with image-builder and serve it over HTTP(S) reachable from the nodes (cluster.osImageUrl).',
    }),
  },
  {
    id: 'ssh-key',
    pattern: /ssh: no key found/,
    make: () => ({
      title: 'The SSH key is not a valid public key',
      explanation: 'A placeholder such as "ssh-rsa AAAA..." or a malformed key fails to parse.',
      fix: 'Paste a real public key (a ~/.ssh/*.pub line), or leave it empty so eksctl generates one.',
    }),
  },
  {
    id: 'even-control-plane',
    pattern: /control plane node count cannot be an even number/,
    make: () => ({
      title: 'Even number of control-plane nodes',
      explanation: 'Stacked etcd needs an odd count to keep quorum.',
      fix: 'Use 1, 3 or 5 control-plane nodes (cluster.controlPlaneCount).',
    }),
  },
  {
    id: 'cluster-name-length',
    pattern: /number of characters in (\S+) should be less than 36/,
    make: m => ({
      title: `Cluster name ${m[1]} is too long`,
      explanation: 'Names are limited to 35 characters.',
      fix: 'Choose a shorter cluster.name.',
    }),
  },
  {
    id: 'license',
    pattern: /licenseToken is required for extended kubernetes support/,
    make: () => ({
      title: 'This Kubernetes version needs an EKS Anywhere licence token',
      explanation:
        'eksctl compares today with the version’s end of standard support; past it, spec.licenseToken is required.',
      fix: 'Give cluster.licenseToken (or licenseTokenEnv / licenseTokenFile) in the cluster-spec step, or choose a cluster.kubernetesVersion in standard support.',
    }),
  },
  {
    id: 'license-expired',
    pattern: /license is expired, please renew the license/,
    make: () => ({
      title: 'The EKS Anywhere licence token is expired',
      explanation: 'The token’s endValidity is in the past.',
      fix: 'Get a renewed token from your EKS Anywhere Enterprise Subscription and give it as cluster.licenseToken, then write cluster.yaml again.',
    }),
  },
  {
    id: 'bmc-not-contactable',
    pattern: /waiting for baseboard management to be contactable|Unable to establish IPMI|Failed to connect to BMC/,
    make: () => ({
      title: 'The BMCs did not become contactable',
      explanation:
        'Rufio could not log in to every BMC within 5 minutes: unreachable from the admin server, Redfish/IPMI disabled, or wrong credentials.',
      fix: 'Check each BMC address, user and password from the admin server (the discovery step can test Redfish login), then clean up and create again.',
    }),
  },
  {
    id: 'control-plane-timeout',
    pattern: /waiting for cluster's control plane to be ready|waiting for control plane to be ready/,
    make: () => ({
      title: 'The control plane never became ready',
      explanation: `The machines did not finish provisioning in time. ${HANG_CAUSES}`,
      fix: 'Look at the provisioning view (BMC job, workflow, current action) and `docker logs smee` for the stuck machine; fix, clean up, create again.',
    }),
  },
  {
    id: 'workers-timeout',
    pattern: /waiting for (cluster's )?workers to be ready|CNI to be configured|waiting for cluster to be ready/,
    make: m => ({
      title: 'The cluster did not become ready',
      explanation: `eksctl gave up ${m[0]}. ${HANG_CAUSES}`,
      fix: 'Check the provisioning view for the workers and `docker logs smee`; fix, clean up, create again.',
    }),
  },
  {
    id: 'validation-not-transient',
    pattern: /cluster has a validation error that doesn't seem transient: (.*)/,
    make: m => ({
      title: 'The EKS Anywhere controller refused the cluster',
      explanation: m[1] ?? '',
      fix: 'Fix the cluster spec as the message says, clean up, create again.',
    }),
  },
  {
    id: 'force-cleanup',
    pattern: /please remove the --force-cleanup flag/,
    make: () => ({
      title: '--force-cleanup no longer exists',
      explanation: 'The flag was removed from eksctl anywhere.',
      fix: 'Drop the flag; clean up leftovers by hand (the wizard’s cleanup does it).',
    }),
  },
  {
    id: 'interrupted',
    pattern: /Terminating this operation may leave the cluster in an irrecoverable state/,
    make: () => ({
      title: 'The create was interrupted',
      explanation: 'eksctl stopped at once; the bootstrap cluster and smee container are likely left behind.',
      fix: 'Clean up the leftovers, then create again (a create never resumes).',
    }),
  },
  {
    id: 'config-missing',
    pattern:
      /the cluster config file (\S+) does not exist|hardware config file (\S+) does not exist|required flag "hardware-csv" not set/,
    make: m => ({
      title: 'An input file is missing',
      explanation: m[0],
      fix: 'Generate cluster.yaml and hardware.csv again in the session folder.',
    }),
  },
  {
    id: 'config-invalid',
    pattern: /the cluster config file provided is invalid: (.*)/,
    make: m => ({
      title: 'cluster.yaml was refused',
      explanation: m[1] ?? '',
      fix: 'Fix the answer the message names and regenerate the spec.',
    }),
  },
];

/** The first known failure among the lines (most specific rules are listed first). */
export function recogniseFailure(lines: readonly string[], clusterName = ''): KnownFailure | undefined {
  for (const rule of RULES) {
    for (const line of lines) {
      const m = rule.pattern.exec(line);
      if (m) return {id: rule.id, ...rule.make(m, clusterName)};
    }
  }
  return undefined;
}

export function genericFailure(error: string | undefined): KnownFailure {
  return {
    id: 'unknown',
    title: 'eksctl anywhere create cluster failed',
    explanation: error ?? 'eksctl exited with an error.',
    fix: 'Read the log and the support bundle (see below), clean up the leftovers, then create again.',
  };
}

export interface FailureArtifact {
  path: string;
  what: string;
}

/** Where eksctl leaves its evidence, relative to the session folder it ran in. */
export function failureArtifactPatterns(clusterName: string): FailureArtifact[] {
  return [
    {path: 'eksa-cli-logs/<timestamp>.log', what: 'eksctl’s full JSON log (kept on failure, deleted on success)'},
    {path: 'support-bundle-<timestamp>.tar.gz', what: 'the support bundle collected after the failure'},
    {path: `${clusterName}/generated/*-bundle.yaml`, what: 'support bundle configuration'},
    {path: `${clusterName}/generated/*-analysis.yaml`, what: 'the bundle’s analysis'},
    {
      path: `${clusterName}/generated/${clusterName}.kind.kubeconfig`,
      what: 'kubeconfig of the KinD bootstrap cluster, while it runs',
    },
    {path: 'logs/create-cluster-<attempt>.log', what: 'the wizard’s copy of the console output'},
  ];
}

/** The artifacts that actually exist, newest log first. */
export async function findFailureArtifacts(sessionDir: string, clusterName: string): Promise<FailureArtifact[]> {
  const out: FailureArtifact[] = [];
  const list = async (dir: string) => {
    try {
      return (await readdir(join(sessionDir, dir))).sort().reverse();
    } catch {
      return [];
    }
  };
  for (const name of await list('eksa-cli-logs'))
    if (name.endsWith('.log')) out.push({path: `eksa-cli-logs/${name}`, what: 'eksctl’s full JSON log'});
  for (const name of await list('.'))
    if (/^support-bundle-.*\.tar\.gz$/.test(name)) out.push({path: name, what: 'support bundle'});
  for (const name of await list(join(clusterName, 'generated'))) {
    if (name.endsWith('-bundle.yaml'))
      out.push({path: `${clusterName}/generated/${name}`, what: 'support bundle configuration'});
    else if (name.endsWith('-analysis.yaml'))
      out.push({path: `${clusterName}/generated/${name}`, what: 'support bundle analysis'});
    else if (name.endsWith('.kind.kubeconfig'))
      out.push({path: `${clusterName}/generated/${name}`, what: 'KinD bootstrap cluster kubeconfig'});
  }
  return out;
}
