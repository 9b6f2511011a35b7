import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createServer, type AddressInfo, type Server} from 'node:net';
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
  chooseProvisioning,
  type PreflightCheck,
} from '../../source/cluster/preflight.js';
import type {Captured} from '../../source/cluster/capture.js';
import {parseIpAddr, provisioningCandidates} from '../../source/cluster/interfaces.js';
import {dialTcp, realPortProber, type PortProber} from '../../source/cluster/port-probe.js';
import {holderText, parseSsListeners, SS_COMMAND} from '../../source/cluster/port-holders.js';
import {createExecaRunner} from '../../source/run/execa-runner.js';
import type {FolderProbe} from '../../source/cluster/leftovers.js';
import {FakeCommandRunner} from '../helpers/cluster-fakes.js';
import {realSystemInfo} from '../../source/ports.js';

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
  const ok = evaluateEksctl(
    out(['0.210.0']),
    out(['Version: v0.26.1', 'Release Manifest URL: https://example.test/manifest.yaml']),
  );
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
  assert.match(old.detail, /client is older than 20 .*Install Docker version 20\.x\.x or above/);
  // eksctl reads {{.Client.Version}}: an old CLI against a new daemon fails, a new CLI against an old daemon passes
  const oldClient = evaluateDocker(out([JSON.stringify({Client: {Version: '19.03.15'}, Server: {Version: '24.0.7'}})]));
  assert.equal(oldClient.status, 'fail');
  assert.match(oldClient.detail, /docker client 19\.03\.15, server 24\.0\.7: the client is older than 20/);
  const newClient = evaluateDocker(out([JSON.stringify({Client: {Version: '24.0.7'}, Server: {Version: '19.03.15'}})]));
  assert.equal(newClient.status, 'pass');
  assert.match(newClient.detail, /docker client 24\.0\.7, server 19\.03\.15/);

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
    out(
      [
        JSON.stringify({Client: {Version: '28.2.2'}, Server: null}),
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      ],
      1,
    ),
  );
  assert.equal(down.status, 'fail');
  assert.match(down.detail, /not running/);

  const desktop = evaluateDocker(
    out([
      JSON.stringify({
        Client: {Version: '27.0.1'},
        Server: {Platform: {Name: 'Docker Desktop 4.33.0 (160616)'}, Version: '27.0.1'},
      }),
    ]),
  );
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
  assert.deepEqual(
    ok.map(c => c.status),
    ['pass', 'pass', 'pass'],
  );
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

test(
  'real SystemInfo measures the nearest existing folder when the session folder is not made yet',
  {timeout: 5000},
  async () => {
    const free = await realSystemInfo.freeDiskBytes(join(tmpdir(), 'eksa-kong-not-made-yet', 'lab1'));
    assert.ok(free > 0);
    assert.ok(realSystemInfo.cpuCount() >= 1);
  },
);

const noSs = {ran: false as const, why: '`ss` (iproute2) is not installed'};

test('ports: in use fails naming the port, its process and eksctl\'s own refusal; "cannot tell" only when nothing can tell', () => {
  const all = (state: 'free' | 'in-use' | 'no-permission') =>
    [80, 42113, 7171, 7172].map(port => ({port, protocol: 'tcp' as const, host: '0.0.0.0', state}));
  const ssEmpty = {ran: true as const, listeners: []};
  assert.equal(evaluatePorts(all('free'), ssEmpty).status, 'pass');

  const udpBusy = [...all('free'), {port: 67, protocol: 'udp' as const, host: '0.0.0.0', state: 'in-use' as const}];
  const named = evaluatePorts(udpBusy, {
    ran: true,
    listeners: [{protocol: 'udp', address: '0.0.0.0', port: 67, holders: [{name: 'dnsmasq', pid: 900}]}],
  });
  assert.equal(named.status, 'fail');
  assert.match(named.detail, /in use: UDP 67 \(dnsmasq pid 900\)/);
  assert.doesNotMatch(named.detail, /eksctl would stop/); // eksctl does not check UDP 67
  assert.match(named.fix, /sudo ss -lntup/);

  const unnamed = evaluatePorts(udpBusy, noSs);
  assert.match(unnamed.detail, /UDP 67; `ss` \(iproute2\) is not installed, so the process is not named/);

  // a busy port eksctl dials: the admin sees the message eksctl would stop with
  const tcpBusy = evaluatePorts(
    [
      {port: 80, protocol: 'tcp', host: '0.0.0.0', state: 'in-use'},
      {port: 42113, protocol: 'tcp', host: '0.0.0.0', state: 'in-use'},
    ],
    ssEmpty,
  );
  assert.match(
    tcpBusy.detail,
    /"localhost ports \[80, 42113\] are already in use, please ensure these ports are available"/,
  );
  assert.match(tcpBusy.detail, /ss shows the process only to root or its owner/);

  // bind below 1024 without root cannot tell, and without ss nothing else can: say so
  const unknown = evaluatePorts([{port: 69, protocol: 'udp', host: '0.0.0.0', state: 'no-permission'}], noSs);
  assert.equal(unknown.status, 'warn');
  assert.match(unknown.detail, /cannot tell .*UDP 69; `ss` \(iproute2\) is not installed/);
  // ss lists every socket to any user: it settles the question either way
  const settledFree = evaluatePorts([{port: 69, protocol: 'udp', host: '0.0.0.0', state: 'no-permission'}], ssEmpty);
  assert.equal(settledFree.status, 'pass');
  assert.match(settledFree.detail, /ss settled/);
  const settledBusy = evaluatePorts([{port: 69, protocol: 'udp', host: '0.0.0.0', state: 'no-permission'}], {
    ran: true,
    listeners: [{protocol: 'udp', address: '*', port: 69, holders: []}],
  });
  assert.equal(settledBusy.status, 'fail');
  assert.match(settledBusy.detail, /in use: UDP 69/);
});

test('ss -lntup output (captured on a Debian admin server) parses into listeners and their processes', () => {
  const listeners = parseSsListeners(fixture('ss-lntup.txt').split('\n'));
  assert.equal(listeners.length, 29); // every tcp/udp line, not the header
  assert.deepEqual(
    listeners.find(l => l.port === 47069),
    {protocol: 'udp', address: '0.0.0.0', port: 47069, holders: [{name: 'python3', pid: 13974}]},
  );
  assert.deepEqual(
    listeners.find(l => l.port === 47172),
    {protocol: 'tcp', address: '127.0.0.1', port: 47172, holders: [{name: 'python3', pid: 13974}]},
  );
  assert.deepEqual(
    listeners.find(l => l.port === 47113),
    {protocol: 'tcp', address: '*', port: 47113, holders: [{name: 'python3', pid: 13974}]},
  );
  // another user's (or namespace's) socket: listed, process unknown
  assert.deepEqual(listeners.find(l => l.port === 2024)?.holders, []);
  assert.equal(holderText(listeners, 'tcp', 47113), 'python3 pid 13974');
  assert.equal(holderText(listeners, 'udp', 47113), undefined);
  assert.deepEqual(
    parseSsListeners([
      'tcp LISTEN 0 4096 [::ffff:10.0.0.1]:80 [::]:* users:(("nginx",pid=1,fd=6),("nginx",pid=2,fd=6),("nginx",pid=1,fd=7))',
      'udp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:*',
    ]),
    [
      {
        protocol: 'tcp',
        address: '::ffff:10.0.0.1',
        port: 80,
        holders: [
          {name: 'nginx', pid: 1},
          {name: 'nginx', pid: 2},
        ],
      },
      {protocol: 'udp', address: '127.0.0.53', port: 53, holders: []},
    ],
  );
  assert.deepEqual(SS_COMMAND.args, ['-lntup']);
});

function listenTcp(host: string): Promise<Server> {
  const server = createServer();
  return new Promise(resolve => server.listen({host, port: 0}, () => resolve(server)));
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;
const closeServer = (server: Server) => new Promise<void>(resolve => server.close(() => resolve()));

test(
  'real port prober: TCP is dialled as eksctl dials (accepted = in use, refused = free), UDP is bound',
  {timeout: 10_000},
  async () => {
    const server = await listenTcp('127.0.0.1');
    const port = portOf(server);
    assert.equal(await realPortProber.probe('127.0.0.1', port, 'tcp'), 'in-use');
    // eksctl dials 0.0.0.0, which Linux routes to this host: a loopback-only listener is seen too
    assert.equal(await dialTcp('0.0.0.0', port), 'in-use');
    await closeServer(server);
    assert.equal(await realPortProber.probe('127.0.0.1', port, 'tcp'), 'free');
    // an address this host does not hold is never dialled on another machine: cannot tell
    assert.equal(await dialTcp('192.0.2.123', port), 'error');

    const udp = createSocket('udp4');
    await new Promise<void>(resolve => udp.bind({address: '127.0.0.1', port: 0}, resolve));
    const udpPort = udp.address().port;
    assert.equal(await realPortProber.probe('127.0.0.1', udpPort, 'udp'), 'in-use');
    await new Promise<void>(resolve => udp.close(() => resolve()));
    assert.equal(await realPortProber.probe('127.0.0.1', udpPort, 'udp'), 'free');
  },
);

test(
  'runPreflight on loopback: real listeners, the real ss names this process; without ss it says so',
  {timeout: 20_000},
  async t => {
    const held = await listenTcp('127.0.0.1');
    const released = await listenTcp('127.0.0.1');
    const freePort = portOf(released);
    await closeServer(released);
    const portList = [
      {port: portOf(held), protocol: 'tcp' as const, use: 'test: occupied', eksctlChecks: true},
      {port: freePort, protocol: 'tcp' as const, use: 'test: free'},
    ];
    const deps = (runner: import('../../source/run/types.js').CommandRunner) => ({
      runner,
      system: {cpuCount: () => 8, totalMemoryBytes: () => 32e9, freeDiskBytes: async () => 100e9},
      ports: realPortProber,
      processes: {list: async () => []},
      sessionDir: tmpdir(),
      portList,
      portHost: '127.0.0.1',
    });
    try {
      const withoutSs = (await runPreflight(deps(new FakeCommandRunner({})))).checks.find(c => c.id === 'ports')!;
      assert.equal(withoutSs.status, 'fail');
      assert.match(withoutSs.detail, new RegExp(`in use: TCP ${portOf(held)}; \`ss\` \\(iproute2\\) is not installed`));
      assert.doesNotMatch(withoutSs.detail, new RegExp(`TCP ${freePort}`));
      assert.match(withoutSs.detail, new RegExp(`localhost ports \\[${portOf(held)}\\] are already in use`));

      const real = createExecaRunner({sessionDir: null});
      const probe = await real.start(SS_COMMAND).done;
      if (!probe.ok) {
        t.skip('ss (iproute2) is not installed here');
        return;
      }
      const withSs = (await runPreflight(deps(real))).checks.find(c => c.id === 'ports')!;
      assert.equal(withSs.status, 'fail');
      // ss shows a process to its owner: this test's own node process holds the port
      assert.match(withSs.detail, new RegExp(`in use: TCP ${portOf(held)} \\([^)]*pid ${process.pid}\\b`));
    } finally {
      await closeServer(held);
    }
  },
);

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
  const runner = new FakeCommandRunner({
    eksctl: recorded,
    docker: recorded,
    kubectl: recorded,
    helm: recorded,
    ip: recorded,
    ss: recorded,
  });
  const result = await runPreflight({
    runner,
    system: {cpuCount: () => 8, totalMemoryBytes: () => 32e9, freeDiskBytes: async () => 100e9},
    ports: {probe: async () => assert.fail('a dry run dials no port')},
    processes: {list: async () => []},
    sessionDir: '/s',
    bootstrapIp: '10.20.0.10',
    clusterName: 'seed',
    folders: {exists: async () => false, fileSize: async () => undefined},
  });
  const notRun = result.checks.filter(c => /recorded, not run/.test(c.detail)).map(c => c.id);
  assert.deepEqual(notRun, ['eksctl', 'docker', 'kubectl', 'helm', 'ports', 'provisioning-interface', 'leftovers']);
  assert.ok(result.checks.every(c => c.status !== 'fail'));
});
