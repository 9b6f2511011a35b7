// Preflight checks on the admin server before a bare-metal create. Each check is a small pure
// evaluator over what a command or provider reported, plus a runner that gathers the input, so the
// screen can show results one by one and tests can feed recorded outputs.
import type {CommandRunner, CommandSpec} from '../run/types.js';
import type {SystemInfo} from '../ports.js';
import {capture, dig, firstLine, parseJsonOutput, str, type Captured} from './capture.js';
import {interfaceHoldingIp, parseIpAddr, provisioningCandidates, type NetInterface} from './interfaces.js';
import {
  detectLeftovers,
  listContainersCommand,
  parseDockerPs,
  realFolderProbe,
  type FolderProbe,
  type LeftoverReport,
} from './leftovers.js';
import type {PortProber, PortState, Protocol} from './port-probe.js';
import {holderText, parseSsListeners, SS_COMMAND, type PortListener} from './port-holders.js';
import {programName, type ProcessInfo, type ProcessLister} from './processes.js';

export type PreflightStatus = 'pass' | 'warn' | 'fail';

export interface PreflightCheck {
  id: string;
  title: string;
  status: PreflightStatus;
  /** One line: what was found. */
  detail: string;
  /** One line: what to do about it; empty when status is pass. */
  fix: string;
}

/** EKS Anywhere's admin-machine minimums (install docs). */
export const ADMIN_MINIMUMS = {cpus: 4, memoryBytes: 16e9, diskBytes: 30e9} as const;

export interface TinkerbellPort {
  port: number;
  protocol: Protocol;
  use: string;
  /** eksctl itself dials it before a create and stops when it answers (tinkerbell validatePortsAvailable). */
  eksctlChecks?: boolean;
}

/** Ports the bootstrap cluster and the Tinkerbell stack bind on the admin server (eks-anywhere docs, ports reference). */
export const TINKERBELL_PORTS: readonly TinkerbellPort[] = [
  {port: 80, protocol: 'tcp', use: 'HTTP (Smee)', eksctlChecks: true},
  {port: 42113, protocol: 'tcp', use: 'tink-server gRPC', eksctlChecks: true},
  {port: 7172, protocol: 'tcp', use: 'tootles metadata', eksctlChecks: true},
  {port: 7171, protocol: 'tcp', use: 'Smee iPXE HTTP'},
  {port: 50051, protocol: 'tcp', use: 'bootstrap cluster, on all interfaces'},
  {port: 67, protocol: 'udp', use: 'DHCP (Smee)'},
  {port: 69, protocol: 'udp', use: 'TFTP (Smee)'},
  {port: 514, protocol: 'udp', use: 'syslog (Smee)'},
];

const pass = (id: string, title: string, detail: string): PreflightCheck => ({
  id,
  title,
  status: 'pass',
  detail,
  fix: '',
});

function versionIn(text: string): string | undefined {
  return /v?(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)/.exec(text)?.[1];
}

function failureText(c: Captured): string {
  return firstLine(c.lines.join('\n')) || c.result.error || `exit ${String(c.result.exitCode)}`;
}

function missing(c: Captured): boolean {
  return c.result.exitCode === null && !c.result.cancelled && !c.result.timedOut;
}

// --- eksctl and the eksctl-anywhere plugin ---------------------------------------------------

export function evaluateEksctl(eksctl: Captured, anywhere: Captured | undefined): PreflightCheck {
  const id = 'eksctl';
  const title = 'eksctl and eksctl-anywhere';
  if (!eksctl.result.ok) {
    return {
      id,
      title,
      status: 'fail',
      detail: missing(eksctl) ? 'eksctl is not on PATH' : `eksctl version failed: ${failureText(eksctl)}`,
      fix: 'Install eksctl and the eksctl-anywhere plugin (both on PATH) as the EKS Anywhere install guide describes.',
    };
  }
  const eksctlVersion = versionIn(eksctl.lines.join('\n')) ?? 'unknown';
  if (!anywhere || !anywhere.result.ok) {
    return {
      id,
      title,
      status: 'fail',
      detail: `eksctl ${eksctlVersion}, but the eksctl-anywhere plugin did not answer`,
      fix: 'Install the eksctl-anywhere binary on PATH; check with `eksctl anywhere version`.',
    };
  }
  const anywhereVersion = versionIn(anywhere.lines.join('\n'));
  if (!anywhereVersion) {
    return {
      id,
      title,
      status: 'warn',
      detail: `eksctl ${eksctlVersion}; eksctl-anywhere version not recognised`,
      fix: 'Check `eksctl anywhere version` by hand.',
    };
  }
  const minor = Number(/^0\.(\d+)\./.exec(anywhereVersion)?.[1] ?? NaN);
  if (Number.isFinite(minor) && minor < 26) {
    return {
      id,
      title,
      status: 'warn',
      detail: `eksctl ${eksctlVersion}, eksctl-anywhere v${anywhereVersion} is older than v0.26, which this wizard targets`,
      fix: 'Upgrade eksctl-anywhere to v0.26 or pick a Kubernetes version your release supports.',
    };
  }
  return pass(id, title, `eksctl ${eksctlVersion}, eksctl-anywhere v${anywhereVersion}`);
}

// --- docker ----------------------------------------------------------------------------------

export function evaluateDocker(c: Captured): PreflightCheck {
  const id = 'docker';
  const title = 'Docker 20 or newer, without sudo';
  if (missing(c)) {
    return {
      id,
      title,
      status: 'fail',
      detail: 'docker is not on PATH',
      fix: 'Install Docker CE 20 or newer (not the snap package).',
    };
  }
  const text = c.lines.join('\n');
  if (/permission denied/i.test(text)) {
    return {
      id,
      title,
      status: 'fail',
      detail: 'this user cannot reach the docker daemon (permission denied)',
      fix: 'Run `sudo usermod -aG docker $USER`, then log out and back in.',
    };
  }
  let doc: unknown;
  try {
    doc = parseJsonOutput(c.lines);
  } catch {
    doc = undefined;
  }
  const server = dig(doc, 'Server');
  const serverVersion = str(dig(server, 'Version'));
  if (!serverVersion) {
    return {
      id,
      title,
      status: 'fail',
      detail: /Cannot connect to the Docker daemon/i.test(text)
        ? 'the docker daemon is not running'
        : `docker version: ${failureText(c)}`,
      fix: 'Start the daemon: `sudo systemctl enable --now docker`.',
    };
  }
  const platform = str(dig(server, 'Platform', 'Name')) ?? '';
  if (/desktop/i.test(platform)) {
    return {
      id,
      title,
      status: 'fail',
      detail: `${platform} ${serverVersion}`,
      fix: 'Docker Desktop is not supported for bare metal: use Docker CE on Linux.',
    };
  }
  // eksctl judges the *client*: executables/docker.go Version() runs `docker version --format
  // {{.Client.Version}}` and validations/docker.go CheckMinimumDockerVersion wants major >= 20.
  const client = str(dig(doc, 'Client', 'Version')) ?? '';
  const major = Number(client.split('.')[0]);
  const both =
    client === serverVersion ? `docker ${client}` : `docker client ${client || 'unknown'}, server ${serverVersion}`;
  if (!(major >= 20)) {
    return {
      id,
      title,
      status: 'fail',
      detail: `${both}: the client is older than 20 (eksctl: "minimum requirements for docker version have not been met. Install Docker version 20.x.x or above")`,
      fix: 'Upgrade the docker CLI (docker-ce-cli) to 20 or newer; eksctl anywhere checks the client version.',
    };
  }
  return pass(id, title, `${both}, usable without sudo`);
}

// --- kubectl and helm ------------------------------------------------------------------------

export function evaluateKubectl(c: Captured): PreflightCheck {
  const id = 'kubectl';
  const title = 'kubectl';
  if (!c.result.ok) {
    return {
      id,
      title,
      status: 'fail',
      detail: missing(c) ? 'kubectl is not on PATH' : `kubectl version: ${failureText(c)}`,
      fix: 'Install kubectl (it watches provisioning and deploys the data plane).',
    };
  }
  let version: string | undefined;
  try {
    version = str(dig(parseJsonOutput(c.lines), 'clientVersion', 'gitVersion'));
  } catch {
    version = versionIn(c.lines.join('\n'));
  }
  return pass(id, title, `kubectl ${version ?? 'unknown version'}`);
}

export function evaluateHelm(c: Captured): PreflightCheck {
  const id = 'helm';
  const title = 'helm';
  if (!c.result.ok) {
    return {
      id,
      title,
      status: 'fail',
      detail: missing(c) ? 'helm is not on PATH' : `helm version: ${failureText(c)}`,
      fix: 'Install helm 3 (it deploys the Kong data plane).',
    };
  }
  const version = versionIn(c.lines.join('\n'));
  if (version && Number(version.split('.')[0]) < 3) {
    return {id, title, status: 'fail', detail: `helm ${version}`, fix: 'Install helm 3.'};
  }
  return pass(id, title, `helm ${version ? 'v' + version : 'unknown version'}`);
}

// --- CPU, memory, disk -----------------------------------------------------------------------

const GB = 1e9;
const fmtGb = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;

export function evaluateResources(cpuCount: number, memoryBytes: number, freeDiskBytes: number): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  checks.push(
    cpuCount >= ADMIN_MINIMUMS.cpus
      ? pass('cpu', 'CPU', `${cpuCount} CPUs`)
      : {
          id: 'cpu',
          title: 'CPU',
          status: 'warn',
          detail: `${cpuCount} CPUs, EKS Anywhere asks for ${ADMIN_MINIMUMS.cpus}`,
          fix: 'Use an admin server with at least 4 CPUs; the bootstrap cluster may be slow.',
        },
  );
  // A "16 GB" machine reports a little less (firmware and kernel reservations): allow 10%.
  checks.push(
    memoryBytes >= ADMIN_MINIMUMS.memoryBytes * 0.9
      ? pass('memory', 'Memory', fmtGb(memoryBytes))
      : {
          id: 'memory',
          title: 'Memory',
          status: 'warn',
          detail: `${fmtGb(memoryBytes)}, EKS Anywhere asks for 16 GB`,
          fix: 'Add memory: the KinD bootstrap cluster and the Tinkerbell stack run here.',
        },
  );
  // Below the disk minimum the bootstrap images do not fit: that one is a hard stop.
  checks.push(
    freeDiskBytes >= ADMIN_MINIMUMS.diskBytes
      ? pass('disk', 'Free disk', `${fmtGb(freeDiskBytes)} free`)
      : {
          id: 'disk',
          title: 'Free disk',
          status: 'fail',
          detail: `${fmtGb(freeDiskBytes)} free, EKS Anywhere needs 30 GB`,
          fix: 'Free space on the session folder’s file system (docker images live under /var/lib/docker too).',
        },
  );
  return checks;
}

// --- ports -----------------------------------------------------------------------------------

export interface PortProbeResult {
  port: number;
  protocol: Protocol;
  host: string;
  state: PortState;
}

/** What `ss -lntup` said: the listeners, or why there are none to go by. */
export type SsReport = {ran: true; listeners: PortListener[]} | {ran: false; why: string};

/** eksctl's own refusal (providers/tinkerbell validatePortsAvailable), so the admin recognises it. */
const eksctlPortsMessage = (ports: readonly number[]) =>
  `localhost ports [${ports.join(', ')}] are already in use, please ensure these ports are available`;

export function evaluatePorts(
  results: readonly PortProbeResult[],
  ss: SsReport,
  portList: readonly TinkerbellPort[] = TINKERBELL_PORTS,
): PreflightCheck {
  const id = 'ports';
  const title = 'Tinkerbell ports free';
  const keys = [
    ...new Map(results.map(r => [`${r.protocol}/${r.port}`, {protocol: r.protocol, port: r.port}])).values(),
  ];
  const label = (k: {protocol: Protocol; port: number}) => `${k.protocol.toUpperCase()} ${k.port}`;
  const busy: string[] = [];
  const busyEksctl: number[] = [];
  const unknown: string[] = [];
  let bySs = 0;
  for (const k of keys) {
    const states = results.filter(r => r.protocol === k.protocol && r.port === k.port).map(r => r.state);
    // ss sees every socket without privileges: it settles what a dial or bind could not.
    const listed = ss.ran && ss.listeners.some(l => l.protocol === k.protocol && l.port === k.port);
    const undecided = states.some(s => s === 'no-permission' || s === 'error');
    if (states.includes('in-use') || listed) {
      const who = ss.ran ? holderText(ss.listeners, k.protocol, k.port) : undefined;
      busy.push(who ? `${label(k)} (${who})` : label(k));
      if (portList.some(p => p.port === k.port && p.protocol === k.protocol && p.eksctlChecks)) busyEksctl.push(k.port);
    } else if (undecided && !ss.ran) unknown.push(label(k));
    else if (undecided) bySs++;
  }
  if (busy.length > 0) {
    const unnamed = ss.ran
      ? busy.some(b => !b.includes('('))
        ? '; ss shows the process only to root or its owner'
        : ''
      : `; ${ss.why}, so the process is not named`;
    return {
      id,
      title,
      status: 'fail',
      detail: `in use: ${busy.join(', ')}${unnamed}${busyEksctl.length ? `; eksctl would stop with "${eksctlPortsMessage(busyEksctl)}"` : ''}`,
      fix: 'Stop what holds them (`sudo ss -lntup` names the process) and run the checks again.',
    };
  }
  if (unknown.length > 0) {
    return {
      id,
      title,
      status: 'warn',
      detail: `cannot tell (binding needs root, or a dial got no answer): ${unknown.join(', ')}; ${ss.ran ? '' : ss.why}`,
      fix: `Check by hand: \`sudo ss -lntup\` must show nothing on ${keys.map(label).join(', ')}.`,
    };
  }
  return pass(
    id,
    title,
    `${keys.map(label).join(', ')} free${bySs ? ' (ss settled what binding could not without root)' : ''}`,
  );
}

// --- provisioning interface and bootstrap IP ------------------------------------------------

export interface ProvisioningChoice {
  interface: NetInterface | undefined;
  bootstrapIp: string | undefined;
  /** Interfaces the admin may pick from (up, not virtual, with IPv4). */
  candidates: NetInterface[];
}

/** Pick the interface and bootstrap IP from the answers, or the only candidate when there is one. */
export function chooseProvisioning(
  interfaces: readonly NetInterface[],
  interfaceName?: string,
  bootstrapIp?: string,
): ProvisioningChoice {
  const candidates = provisioningCandidates(interfaces);
  let chosen = interfaceName ? interfaces.find(i => i.name === interfaceName) : undefined;
  if (!chosen && !interfaceName && bootstrapIp) chosen = interfaceHoldingIp(interfaces, bootstrapIp);
  if (!chosen && !interfaceName && candidates.length === 1) chosen = candidates[0];
  const ip = bootstrapIp ?? (chosen?.ipv4.length === 1 ? chosen.ipv4[0]!.address : undefined);
  return {interface: chosen, bootstrapIp: ip, candidates};
}

export function evaluateProvisioning(
  interfaces: readonly NetInterface[],
  interfaceName?: string,
  bootstrapIp?: string,
): PreflightCheck {
  const id = 'provisioning-interface';
  const title = 'Provisioning interface and bootstrap IP';
  const choice = chooseProvisioning(interfaces, interfaceName, bootstrapIp);
  const names = choice.candidates.map(c => `${c.name} (${c.ipv4.map(a => a.address).join(', ')})`).join(', ') || 'none';
  if (interfaceName && !choice.interface) {
    return {
      id,
      title,
      status: 'fail',
      detail: `interface ${interfaceName} does not exist; candidates: ${names}`,
      fix: 'Choose one of the listed interfaces (admin.interface).',
    };
  }
  if (!choice.interface) {
    return {
      id,
      title,
      status: choice.candidates.length === 0 ? 'fail' : 'warn',
      detail:
        choice.candidates.length === 0
          ? 'no interface is up with an IPv4 address'
          : `choose the interface on the nodes' network: ${names}`,
      fix:
        choice.candidates.length === 0
          ? 'Connect the admin server to the nodes’ network and give it an IPv4 address.'
          : 'Set admin.interface to the interface cabled to the nodes’ L2 network.',
    };
  }
  const iface = choice.interface;
  if (!iface.up) {
    return {
      id,
      title,
      status: 'fail',
      detail: `${iface.name} is down`,
      fix: `Bring it up: \`sudo ip link set ${iface.name} up\`.`,
    };
  }
  if (!choice.bootstrapIp) {
    return {
      id,
      title,
      status: 'warn',
      detail: `${iface.name} has ${iface.ipv4.length === 0 ? 'no IPv4 address' : 'several addresses: ' + iface.ipv4.map(a => a.address).join(', ')}`,
      fix: 'Set admin.bootstrapIp to the address Smee should bind and advertise.',
    };
  }
  const holder = interfaceHoldingIp(interfaces, choice.bootstrapIp);
  if (!holder) {
    return {
      id,
      title,
      status: 'fail',
      detail: `bootstrap IP ${choice.bootstrapIp} is not assigned to any interface`,
      fix: `Use an address of ${iface.name} (${iface.ipv4.map(a => a.address).join(', ') || 'none'}) as admin.bootstrapIp.`,
    };
  }
  if (holder.name !== iface.name) {
    return {
      id,
      title,
      status: 'fail',
      detail: `bootstrap IP ${choice.bootstrapIp} is on ${holder.name}, not on ${iface.name}`,
      fix: `Use an address of ${iface.name}, or choose ${holder.name} as admin.interface.`,
    };
  }
  const addr = iface.ipv4.find(a => a.address === choice.bootstrapIp)!;
  return pass(
    id,
    title,
    `${iface.name} ${addr.address}/${addr.prefix}; eksctl gets --tinkerbell-bootstrap-ip ${addr.address}`,
  );
}

// --- conflicting DHCP servers ----------------------------------------------------------------

const DHCP_SERVERS = ['dnsmasq', 'dhcpd', 'kea-dhcp4', 'udhcpd'];

export function evaluateDhcpConflict(
  processes: readonly ProcessInfo[],
  interfaces: readonly NetInterface[],
): PreflightCheck {
  const id = 'dhcp-conflict';
  const title = 'No other DHCP server on the admin server';
  const servers = processes.filter(p => DHCP_SERVERS.includes(programName(p)));
  const libvirt =
    servers.some(p => p.argv.some(a => a.includes('libvirt'))) || interfaces.some(i => i.name === 'virbr0');
  if (libvirt) {
    return {
      id,
      title,
      status: 'warn',
      detail: "libvirt's dnsmasq (virbr0) answers DHCP here and races Smee",
      fix: 'Stop it for the create: `sudo virsh net-destroy default` (and `sudo virsh net-autostart default --disable`).',
    };
  }
  if (servers.length > 0) {
    const names = [...new Set(servers.map(programName))].join(', ');
    return {
      id,
      title,
      status: 'warn',
      detail: `DHCP server running: ${names}`,
      fix: 'Make it ignore the nodes’ MACs, or stop it during the create.',
    };
  }
  return pass(id, title, 'none found');
}

// --- leftovers of a failed create -----------------------------------------------------------

export function evaluateLeftovers(report: LeftoverReport): PreflightCheck {
  const id = 'leftovers';
  const title = 'No leftovers of an earlier create';
  if (report.leftovers.length === 0) return pass(id, title, 'none');
  const blocking = report.leftovers.some(l => l.blocksCreate);
  const names = report.leftovers
    .map(l => (l.kind === 'cluster-folder' ? 'folder ' : 'container ') + l.name.split('/').pop())
    .join(', ');
  const steps = [
    ...report.cleanup.map(c => [c.command, ...c.args].join(' ')),
    ...(report.folderToMoveAside ? ['move the cluster folder aside'] : []),
  ];
  return {
    id,
    title,
    status: blocking ? 'fail' : 'warn',
    detail: `found ${names}`,
    fix: `Clean up (one key): ${steps.join('; ')}.`,
  };
}

// --- running them ------------------------------------------------------------------------------

export interface PreflightDeps {
  runner: CommandRunner;
  system: SystemInfo;
  ports: PortProber;
  processes: ProcessLister;
  sessionDir: string;
  interfaceName?: string;
  bootstrapIp?: string;
  /** When set, leftovers of a create of this cluster are looked for. */
  clusterName?: string;
  folders?: FolderProbe;
  /** The ports to check; tests pass their own (free and occupied ports they chose). */
  portList?: readonly TinkerbellPort[];
  /** Where eksctl dials them: 0.0.0.0, which reaches this host's listeners; tests use 127.0.0.1. */
  portHost?: string;
}

export interface PreflightResult {
  checks: PreflightCheck[];
  interfaces: NetInterface[];
  leftovers: LeftoverReport | undefined;
}

const probe = (command: string, args: string[], title: string): CommandSpec => ({
  command,
  args,
  step: 'preflight',
  timeoutMs: 20_000,
  title,
});

export const PREFLIGHT_COMMANDS = {
  eksctl: probe('eksctl', ['version'], 'eksctl version'),
  anywhere: probe('eksctl', ['anywhere', 'version'], 'eksctl anywhere version'),
  // '{{json .}}' works on every docker from 20 on; '--format json' only from 23.
  docker: probe('docker', ['version', '--format', '{{json .}}'], 'docker version'),
  kubectl: probe('kubectl', ['version', '--client', '-o', 'json'], 'kubectl version'),
  helm: probe('helm', ['version', '--short'], 'helm version'),
  ipAddr: probe('ip', ['-j', 'addr'], 'List network interfaces'),
} as const;

/** The dry-run runner records commands without running them: say so instead of judging empty output. */
function unlessRecorded(c: Captured, check: PreflightCheck): PreflightCheck {
  if (!c.result.recorded) return check;
  return {
    ...check,
    status: 'warn',
    detail: 'dry run: the command was recorded, not run',
    fix: 'Run without --dry-run to check it.',
  };
}

function ssReport(c: Captured): SsReport {
  if (c.result.recorded) return {ran: false, why: 'dry run: ss was recorded, not run'};
  if (missing(c)) return {ran: false, why: '`ss` (iproute2) is not installed'};
  if (!c.result.ok || c.truncated)
    return {ran: false, why: `ss -lntup: ${c.truncated ? 'output too long' : failureText(c)}`};
  return {ran: true, listeners: parseSsListeners(c.lines)};
}

export async function runPreflight(deps: PreflightDeps, signal?: AbortSignal): Promise<PreflightResult> {
  const run = (spec: CommandSpec) => capture(deps.runner, spec, signal);
  const checks: PreflightCheck[] = [];

  const eksctl = await run(PREFLIGHT_COMMANDS.eksctl);
  const anywhere = eksctl.result.ok ? await run(PREFLIGHT_COMMANDS.anywhere) : undefined;
  checks.push(unlessRecorded(eksctl, evaluateEksctl(eksctl, anywhere)));
  const docker = await run(PREFLIGHT_COMMANDS.docker);
  checks.push(unlessRecorded(docker, evaluateDocker(docker)));
  const kubectl = await run(PREFLIGHT_COMMANDS.kubectl);
  checks.push(unlessRecorded(kubectl, evaluateKubectl(kubectl)));
  const helm = await run(PREFLIGHT_COMMANDS.helm);
  checks.push(unlessRecorded(helm, evaluateHelm(helm)));

  let free = 0;
  try {
    free = await deps.system.freeDiskBytes(deps.sessionDir);
  } catch {
    free = 0;
  }
  checks.push(...evaluateResources(deps.system.cpuCount(), deps.system.totalMemoryBytes(), free));

  const ipAddr = await run(PREFLIGHT_COMMANDS.ipAddr);
  let interfaces: NetInterface[] = [];
  try {
    interfaces = ipAddr.result.ok ? parseIpAddr(parseJsonOutput(ipAddr.lines)) : [];
  } catch {
    interfaces = [];
  }
  const choice = chooseProvisioning(interfaces, deps.interfaceName, deps.bootstrapIp);
  const portList = deps.portList ?? TINKERBELL_PORTS;
  const hosts = [deps.portHost ?? '0.0.0.0', ...(choice.bootstrapIp ? [choice.bootstrapIp] : [])];
  const ss = await run(SS_COMMAND);
  const portResults: PortProbeResult[] = [];
  // A dry run opens no connection: the dial is skipped like the commands are.
  for (const {port, protocol} of ss.result.recorded ? [] : portList) {
    for (const host of hosts)
      portResults.push({port, protocol, host, state: await deps.ports.probe(host, port, protocol)});
  }
  checks.push(unlessRecorded(ss, evaluatePorts(portResults, ssReport(ss), portList)));
  checks.push(
    ipAddr.result.ok
      ? unlessRecorded(ipAddr, evaluateProvisioning(interfaces, deps.interfaceName, deps.bootstrapIp))
      : {
          id: 'provisioning-interface',
          title: 'Provisioning interface and bootstrap IP',
          status: 'fail',
          detail: `ip -j addr: ${failureText(ipAddr)}`,
          fix: 'Install iproute2 (the `ip` command).',
        },
  );
  checks.push(evaluateDhcpConflict(await deps.processes.list(), interfaces));

  let leftovers: LeftoverReport | undefined;
  if (deps.clusterName) {
    const ps = await run(listContainersCommand());
    leftovers = await detectLeftovers(
      ps.result.ok ? parseDockerPs(ps.lines) : [],
      deps.sessionDir,
      deps.clusterName,
      deps.folders ?? realFolderProbe,
    );
    checks.push(unlessRecorded(ps, evaluateLeftovers(leftovers)));
  }
  return {checks, interfaces, leftovers};
}

/** The worst status: a screen colours the step with it. */
export function overallStatus(checks: readonly PreflightCheck[]): PreflightStatus {
  if (checks.some(c => c.status === 'fail')) return 'fail';
  if (checks.some(c => c.status === 'warn')) return 'warn';
  return 'pass';
}
