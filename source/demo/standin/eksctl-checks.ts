// What the demo's stand-in `eksctl anywhere create cluster` checks before it starts, so that a spec or
// hardware.csv real eksctl refuses makes the demo fail too, with eksctl's words. Runs in the demo
// world's process (the stand-in itself cannot import) on the stand-in's "start" event.
// Upstream, aws/eks-anywhere v0.26: the cluster config is parsed strictly (yaml.UnmarshalStrict in
// ParseClusterConfigFromContent) and checked by ValidateClusterConfigContent (endpoint vs tinkerbellIP,
// validateNetworking), both reported as "the cluster config file provided is invalid: ..." before any
// workflow; then the validations print "❌ Validation failed" and "validations failed: ..." for the
// Tinkerbell provider (SSH keys parsed, hardware.csv read and validated, selector counts in assert.go) and for the
// extended-support licence (pkg/validations/extendedversion.go).
import yaml from 'js-yaml';
import {validateHardwareCsv} from '../../hardware/validate.js';
import {eksaHardwareError} from '../../hardware/eksa-errors.js';
import {isSupportedKubernetesVersion, supportPhase} from '../../cluster/kube-versions.js';
import {readLicenseToken} from '../../cluster/license-token.js';
import {checkHardwareSelectors, podsMaskProblem, unknownFields, type SelectorGroup} from '../../cluster/spec.js';
import {parseCidr} from '../../net/ipv4.js';
import {goParsesAuthorizedKey} from '../../cluster/ssh-authorized-key.js';

export interface CreateRefusal {
  /** Lines eksctl prints before its error (validation results), on stdout. */
  lines: string[];
  /** The text after "Error: ". */
  error: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML document, walked field by field like eksctl unmarshals it
type Doc = Record<string, any>;

const invalid = (message: string): CreateRefusal => ({
  lines: [],
  error: `the cluster config file provided is invalid: ${message}`,
});

function failedValidation(name: string, error: string, passed: readonly string[] = []): CreateRefusal {
  return {
    lines: [
      'Performing setup and validations',
      ...passed.map(p => `✅ ${p}`),
      `❌ Validation failed\t${JSON.stringify({validation: name, error, remediation: ''})}`,
    ],
    error: `validations failed: ${error}`,
  };
}

export interface CreateCheckOptions {
  /**
   * Does a host answer at this address? eksctl dials TCP :80 for 500 ms and counts a connection or a
   * refusal as "in use" (networkutils.IsIPInUse); in the demo, the world's Net decides what answers.
   * Without it nothing answers.
   */
  answers?: (ip: string) => Promise<boolean>;
  /** --skip-ip-check */
  skipIpCheck?: boolean;
  /** --kubeconfig: a workload cluster; its tinkerbellIP is the management cluster's and is not probed. */
  workload?: boolean;
}

/** undefined when eksctl would go ahead. `now` is the demo world's clock. */
export async function checkCreateInputs(
  specText: string,
  hardwareCsv: string,
  now: number,
  options: CreateCheckOptions = {},
): Promise<CreateRefusal | undefined> {
  let docs: Doc[];
  try {
    docs = yaml.loadAll(specText).filter((d): d is Doc => d !== null && typeof d === 'object');
  } catch (error) {
    return invalid(`error converting YAML to JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  for (const doc of docs) {
    const unknown = unknownFields(doc)[0];
    if (unknown?.startsWith('unknown kind')) return invalid(`${unknown}: not a kind of the Tinkerbell provider`);
    if (unknown)
      return invalid(`error unmarshaling JSON: while decoding JSON: json: unknown field "${unknown.split('.').pop()}"`);
  }
  const cluster = docs.find(d => d['kind'] === 'Cluster');
  const datacenter = docs.find(d => d['kind'] === 'TinkerbellDatacenterConfig');
  if (!cluster) return invalid('unable to find the Cluster object');
  const spec = cluster['spec'] ?? {};
  const endpoint = spec.controlPlaneConfiguration?.endpoint?.host;
  const tinkerbellIp = datacenter?.['spec']?.tinkerbellIP;
  if (!endpoint) return invalid('cluster controlPlaneConfiguration.Endpoint.Host is not set or is empty');
  if (endpoint === tinkerbellIp) {
    return invalid(
      `controlPlaneConfiguration.endpoint.host and tinkerbellIP are the same (${endpoint}), please provide two unique IPs`,
    );
  }
  const pods = parseCidr(String(spec.clusterNetwork?.pods?.cidrBlocks?.[0] ?? ''));
  if (pods) {
    const problem = podsMaskProblem(pods.prefix);
    if (problem) return invalid(problem);
  }

  // Tinkerbell provider: hardware.csv through the same reader and EKS Anywhere's rules, then the
  // selectors, then the addresses (SetupAndValidateCreateCluster, create.go; first failure wins).
  const provider = 'tinkerbell Provider setup is valid';
  // No hardware.csv: a workload cluster made by a management cluster (--kubeconfig); nothing to read.
  // configureSshKeys: each machine config's key, parsed by ssh.ParseAuthorizedKey (empty: eksctl makes one).
  for (const mc of docs.filter(d => d['kind'] === 'TinkerbellMachineConfig')) {
    const key = mc['spec']?.users?.[0]?.sshAuthorizedKeys?.[0];
    if (typeof key === 'string' && key !== '' && !goParsesAuthorizedKey(key)) {
      const name = String(mc['metadata']?.name ?? '');
      return failedValidation(
        provider,
        `stripping ssh key comment: TinkerbellMachineConfig name=${name}: ssh: no key found`,
      );
    }
  }
  if (hardwareCsv !== '') {
    const refused = checkHardware(docs, spec, hardwareCsv, provider);
    if (refused) return refused;
  }
  if (!options.skipIpCheck && options.answers) {
    // assert.go NewIPNotInUseAssertion, AssertTinkerbellIPNotInUse (not for a workload cluster).
    if (await options.answers(String(endpoint)))
      return failedValidation(provider, `control plane endpoint ip in use: ${endpoint}`);
    if (!options.workload && tinkerbellIp && (await options.answers(String(tinkerbellIp))))
      return failedValidation(provider, `tinkerbellIP <${tinkerbellIp}> is already in use, please provide a unique IP`);
  }
  return checkLicense(spec, now, [provider.charAt(0).toUpperCase() + provider.slice(1)]);
}

function checkHardware(docs: Doc[], spec: Doc, hardwareCsv: string, provider: string): CreateRefusal | undefined {
  // Reported as eksctl words it (readCSVToCatalogue's error, unwrapped); create passes BMC options.
  const hardwareError = eksaHardwareError(hardwareCsv, {createOptions: true});
  if (hardwareError) return failedValidation(provider, hardwareError);
  const hw = validateHardwareCsv(hardwareCsv, {mode: 'eksa'});
  const machineConfigs = new Map(
    docs.filter(d => d['kind'] === 'TinkerbellMachineConfig').map(d => [String(d['metadata']?.name), d] as const),
  );
  const selectorOf = (name: string): Record<string, string> =>
    (machineConfigs.get(name)?.['spec']?.hardwareSelector ?? {}) as Record<string, string>;
  const groups: SelectorGroup[] = [];
  const cpName = String(spec.controlPlaneConfiguration?.machineGroupRef?.name ?? '');
  groups.push({name: cpName, selector: selectorOf(cpName), count: Number(spec.controlPlaneConfiguration?.count ?? 1)});
  for (const w of (spec.workerNodeGroupConfigurations ?? []) as Doc[]) {
    const name = String(w['machineGroupRef']?.name ?? '');
    groups.push({name, selector: selectorOf(name), count: Number(w['count'] ?? 1)});
  }
  const selectorError = checkHardwareSelectors(
    groups,
    hw.rows.map(r => ({hostname: r.hostname, labels: r.labels})),
  )[0];
  if (selectorError) return failedValidation(provider, selectorError);
  return undefined;
}

/** Extended support, by today's date against the version's end of standard support. */
function checkLicense(spec: Doc, now: number, passed: string[]): CreateRefusal | undefined {
  const version = String(spec.kubernetesVersion ?? '');
  const extendedName = 'validate extended kubernetes version support is supported';
  if (isSupportedKubernetesVersion(version) && supportPhase(version, now) !== 'standard') {
    const token = String(spec.licenseToken ?? '');
    if (!token)
      return failedValidation(extendedName, 'licenseToken is required for extended kubernetes support', passed);
    const read = readLicenseToken(token);
    if (!read.ok) return failedValidation(extendedName, 'parsing licenseToken: token is malformed', passed);
    if (read.info.endValidity !== undefined && read.info.endValidity <= now) {
      return failedValidation(extendedName, 'license is expired, please renew the license', passed);
    }
  }
  return undefined;
}
