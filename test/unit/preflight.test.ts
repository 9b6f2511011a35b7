import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {createSocket} from 'node:dgram';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  evaluateDhcpConflict,
  evaluateDocker,
  evaluateEksctl,
  evaluateHelm,
  evaluateKubectl,
  evaluatePorts,
  evaluateProvisioning,
  evaluateResources,
  overallStatus,
  runPreflight,
  realSystemInfo,
  chooseProvisioning,
  type PreflightCheck,
} from '../../source/cluster/preflight.js';
import type {Captured} from '../../source/cluster/capture.js';
import {parseIpAddr, provisioningCandidates} from '../../source/cluster/interfaces.js';
import {bindPortProber, type PortProber} from '../../source/cluster/port-probe.js';
import type {FolderProbe} from '../../source/cluster/leftovers.js';
import {FakeCommandRunner} from '../helpers/cluster-fakes.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/cluster/${name}`, import.meta.url), 'utf8');
const interfaces = parseIpAddr(JSON.parse(fixture('ip-addr.json')));

function out(lines: string[], exitCode: number | null = 0): Captured {
  return {
    lines,
    truncated: false,
    result: {ok: exitCode === 0, exitCode, signal: null, durationMs: 1, lineCount: lines.length, logPath: null},
  };
}

const DOCKER_OK = JSON.stringify({
  Client: {Version: '28.2.2', ApiVersion: '1.50'},
  Server: {Platform: {Name: 'Docker Engine - Community'}, Version: '28.2.2', Components: []},
});

test('ip -j addr: interfaces with IPv4 addresses; loopback, docker and libvirt bridges are not candidates', () => {
  assert.deepEqual(
    interfaces.map(i => i.name),
    ['lo', 'eno1', 'eno2', 'eno3', 'docker0', 'virbr0'],
  );
  const eno1 = interfaces.find(i => i.name === 'eno1')!;
  assert.deepEqual(eno1.ipv4, [{address: '10.20.0.10', prefix: 24}]);
  assert.equal(eno1.mac, '3c:ec:ef:10:20:01');
  assert.deepEqual(
    provisioningCandidates(interfaces).map(i => i.name),
    ['eno1', 'eno2'],
  );
  assert.throws(() => parseIpAddr({not: 'an array'}));
});

test('eksctl: versions of both, plugin missing, eksctl missing, old plugin', () => {
  const ok = evaluateEksctl(out(['0.210.0']), out(['Version: v0.26.1', 'Release Manifest URL: https://example.test/manifest.yaml']));
  assert.equal(ok.status, 'pass');
  assert.match(ok.detail, /eksctl 0\.210\.0, eksctl-anywhere v0\.26\.1/);

  const noPlugin = evaluateEksctl(out(['0.210.0']), out(['Error: unknown command "anywhere" for "eksctl"'], 1));
  assert.equal(noPlugin.status, 'fail');
  assert.match(noPlugin.fix, /eksctl-anywhere/);

  const none = evaluateEksctl(out([], null), undefined);
  assert.equal(none.status, 'fail');
  assert.match(none.detail, /not on PATH/);

  assert.equal(evaluateEksctl(out(['0.210.0']), out(['Version: v0.24.3'])).status, 'warn');
});

test('docker: usable, too old, permission denied, daemon down, Docker Desktop', () => {
  assert.equal(evaluateDocker(out([DOCKER_OK])).status, 'pass');

  const old = evaluateDocker(out([JSON.stringify({Client: {Version: '19.03.1'}, Server: {Version: '19.03.1'}})]));
  assert.equal(old.status, 'fail');
  assert.match(old.detail, /older than 20/);

  const denied = evaluateDocker(
    out(
      [
        JSON.stringify({Client: {Version: '28.2.2'}, Server: null}),
        'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
      ],
      1,
    ),
  );
  assert.equal(denied.status, 'fail');
  assert.match(denied.fix, /usermod -aG docker/);

  const down = evaluateDocker(
    out([JSON.stringify({Client: {Version: '28.2.2'}, Server: null}), 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'], 1),
  );
  assert.equal(down.status, 'fail');
  assert.match(down.detail, /not running/);

  const desktop = evaluateDocker(out([JSON.stringify({Client: {Version: '27.0.1'}, Server: {Platform: {Name: 'Docker Desktop 4.33.0 (160616)'}, Version: '27.0.1'}})]));
  assert.equal(desktop.status, 'fail');
  assert.match(desktop.fix, /Docker Desktop is not supported/);

  assert.equal(evaluateDocker(out([], null)).status, 'fail');
});

test('kubectl and helm: versions read; missing is a failure', () => {
  const kubectl = evaluateKubectl(out(['{', '  "clientVersion": {', '    "gitVersion": "v1.35.1"', '  }', '}']));
  assert.equal(kubectl.status, 'pass');
  assert.match(kubectl.detail, /v1\.35\.1/);
  assert.equal(evaluateKubectl(out([], null)).status, 'fail');
  const helm = evaluateHelm(out(['v3.17.2+gcc0bbbd']));
  assert.equal(helm.status, 'pass');
  assert.match(helm.detail, /v3\.17\.2/);
  assert.equal(evaluateHelm(out(['v2.17.0+ga690bad'])).status, 'fail');
  assert.equal(evaluateHelm(out([], null)).status, 'fail');
});

test('resources against the admin-machine minimums (4 CPU, 16 GB, 30 GB free)', () => {
  const gib = 1024 ** 3;
  const ok = evaluateResources(8, 16 * gib * 0.97, 200e9);
  assert.deepEqual(ok.map(c => c.status), ['pass', 'pass', 'pass']);
  const low = evaluateResources(2, 8e9, 20e9);
  assert.deepEqual(
    low.map(c => [c.id, c.status]),
    [
      ['cpu', 'warn'],
      ['memory', 'warn'],
      ['disk', 'fail'],
    ],
  );
  assert.ok(low.every(c => c.fix.length > 0));
});

test('real SystemInfo measures the nearest existing folder when the session folder is not made yet', {timeout: 5000}, async () => {
  const free = await realSystemInfo.freeDiskBytes(join(tmpdir(), 'eksa-kong-not-made-yet', 'lab1'));
  assert.ok(free > 0);
  assert.ok(realSystemInfo.cpuCount() >= 1);
});

test('ports: in use fails and names the port; EACCES without root is "cannot tell"', () => {
  const all = (state: 'free' | 'in-use' | 'no-permission') =>
    [80, 42113, 7171, 7172].map(port => ({port, protocol: 'tcp' as const, host: '0.0.0.0', state}));
  assert.equal(evaluatePorts(all('free')).status, 'pass');
  const busy = evaluatePorts([...all('free'), {port: 67, protocol: 'udp', host: '0.0.0.0', state: 'in-use'}]);
  assert.equal(busy.status, 'fail');
  assert.match(busy.detail, /UDP 67/);
  assert.match(busy.fix, /sport = :67/);
  const unknown = evaluatePorts([{port: 80, protocol: 'tcp', host: '0.0.0.0', state: 'no-permission'}]);
  assert.equal(unknown.status, 'warn');
  assert.match(unknown.detail, /cannot tell/);
});

test('real port prober: a port held on loopback is in use, a released one is free', {timeout: 10_000}, async () => {
  const server = createServer();
  await new Promise<void>(resolve => server.listen({host: '127.0.0.1', port: 0}, resolve));
  const port = (server.address() as {port: number}).port;
  assert.equal(await bindPortProber.probe('127.0.0.1', port, 'tcp'), 'in-use');
  await new Promise<void>(resolve => server.close(() => resolve()));
  assert.equal(await bindPortProber.probe('127.0.0.1', port, 'tcp'), 'free');

  const udp = createSocket('udp4');
  await new Promise<void>(resolve => udp.bind({address: '127.0.0.1', port: 0}, resolve));
  const udpPort = udp.address().port;
  assert.equal(await bindPortProber.probe('127.0.0.1', udpPort, 'udp'), 'in-use');
  await new Promise<void>(resolve => udp.close(() => resolve()));
});

test('provisioning interface: chosen by answers, by bootstrap IP, or asked for', () => {
  const byIp = evaluateProvisioning(interfaces, undefined, '10.20.0.10');
  assert.equal(byIp.status, 'pass');
  assert.match(byIp.detail, /eno1 10\.20\.0\.10\/24/);

  assert.equal(evaluateProvisioning(interfaces, 'eno1', '10.20.0.10').status, 'pass');
  const wrongIface = evaluateProvisioning(interfaces, 'eno2', '10.20.0.10');
  assert.equal(wrongIface.status, 'fail');
  assert.match(wrongIface.detail, /on eno1, not on eno2/);

  const notLocal = evaluateProvisioning(interfaces, 'eno1', '10.20.0.99');
  assert.equal(notLocal.status, 'fail');
  assert.match(notLocal.detail, /not assigned/);

  const ask = evaluateProvisioning(interfaces);
  assert.equal(ask.status, 'warn');
  assert.match(ask.detail, /eno1 \(10\.20\.0\.10\).*eno2/);

  assert.equal(evaluateProvisioning(interfaces, 'nope').status, 'fail');
  assert.equal(evaluateProvisioning(interfaces, 'eno3').status, 'warn'); // no IPv4 address
  // the one address of the chosen interface becomes the bootstrap IP
  assert.equal(chooseProvisioning(interfaces, 'eno1').bootstrapIp, '10.20.0.10');
});

test('DHCP conflict: libvirt dnsmasq / virbr0 and other DHCP servers are warned about', () => {
  const plain = interfaces.filter(i => i.name !== 'virbr0');
  assert.equal(evaluateDhcpConflict([], plain).status, 'pass');
  const libvirt = evaluateDhcpConflict(
    [{pid: 900, argv: ['/usr/sbin/dnsmasq', '--conf-file=/var/lib/libvirt/dnsmasq/default.conf', '--leasefile-ro']}],
    plain,
  );
  assert.equal(libvirt.status, 'warn');
  assert.match(libvirt.fix, /virsh net-destroy default/);
  assert.equal(evaluateDhcpConflict([], interfaces).status, 'warn');
  const isc = evaluateDhcpConflict([{pid: 1, argv: ['/usr/sbin/dhcpd', '-4']}], plain);
  assert.equal(isc.status, 'warn');
  assert.match(isc.detail, /dhcpd/);
});

test('runPreflight gathers everything through the runner and injected providers', {timeout: 10_000}, async () => {
  const runner = new FakeCommandRunner({
    'eksctl version': {lines: ['0.210.0']},
    'eksctl anywhere version': {lines: ['Version: v0.26.1']},
    'docker version': {lines: [DOCKER_OK]},
    'kubectl version': {lines: ['{"clientVersion":{"gitVersion":"v1.35.1"}}']},
    'helm version': {lines: ['v3.17.2+gcc0bbbd']},
    'ip -j addr': {lines: [fixture('ip-addr.json').replace(/\n/g, '')]},
    'docker ps': {lines: fixture('docker-ps-leftovers.jsonl').trim().split('\n')},
  });
  const probed: string[] = [];
  const ports: PortProber = {
    probe: async (host, port, protocol) => {
      probed.push(`${host}:${port}/${protocol}`);
      return port === 80 && host === '0.0.0.0' ? 'no-permission' : 'free';
    },
  };
  const folders: FolderProbe = {exists: async () => false, fileSize: async () => undefined};
  const result = await runPreflight({
    runner,
    system: {cpuCount: () => 8, totalMemoryBytes: () => 32e9, freeDiskBytes: async () => 100e9},
    ports,
    processes: {list: async () => []},
    sessionDir: '/sessions/lab1',
    interfaceName: 'eno1',
    bootstrapIp: '10.20.0.10',
    clusterName: 'seed',
    folders,
  });
  const byId = Object.fromEntries(result.checks.map((c: PreflightCheck) => [c.id, c.status]));
  assert.deepEqual(byId, {
    eksctl: 'pass',
    docker: 'pass',
    kubectl: 'pass',
    helm: 'pass',
    cpu: 'pass',
    memory: 'pass',
    disk: 'pass',
    ports: 'warn',
    'provisioning-interface': 'pass',
    'dhcp-conflict': 'warn', // virbr0 is in the fixture
    leftovers: 'fail',
  });
  assert.equal(overallStatus(result.checks), 'fail');
  assert.ok(probed.includes('10.20.0.10:7171/tcp') && probed.includes('0.0.0.0:69/udp'));
  assert.equal(result.leftovers?.cleanup.length, 2);
  for (const check of result.checks) {
    if (check.status !== 'pass') assert.ok(check.fix.length > 0, `${check.id} has a fix`);
  }
  // docker ps uses the format every docker >= 20 understands
  const ps = runner.started.find(s => s.command === 'docker' && s.args[0] === 'ps')!;
  assert.deepEqual(ps.args, ['ps', '-a', '--format', '{{json .}}']);
});

test('dry run: recorded commands are reported as not checked rather than failed', {timeout: 10_000}, async () => {
  const recorded = {recorded: true, lines: []};
  const runner = new FakeCommandRunner({eksctl: recorded, docker: recorded, kubectl: recorded, helm: recorded, ip: recorded});
  const result = await runPreflight({
    runner,
    system: {cpuCount: () => 8, totalMemoryBytes: () => 32e9, freeDiskBytes: async () => 100e9},
    ports: {probe: async () => 'free'},
    processes: {list: async () => []},
    sessionDir: '/s',
    bootstrapIp: '10.20.0.10',
    clusterName: 'seed',
    folders: {exists: async () => false, fileSize: async () => undefined},
  });
  const notRun = result.checks.filter(c => /recorded, not run/.test(c.detail)).map(c => c.id);
  assert.deepEqual(notRun, ['eksctl', 'docker', 'kubectl', 'helm', 'provisioning-interface', 'leftovers']);
  assert.ok(result.checks.every(c => c.status !== 'fail'));
});
