// A demo preflight reports the simulated admin server's ports: the dials and binds go where the demo's
// Net routes them and `ss -lntup` is the stand-in's, so a port busy on THIS machine changes nothing;
// the same preflight with the real world's ports sees it (the test could fail).
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {createServer, type Server} from 'node:net';
import {createSocket, type Socket} from 'node:dgram';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld} from '../../source/demo/world.js';
import {createDemoNet} from '../../source/demo/net.js';
import {runPreflight, type TinkerbellPort} from '../../source/cluster/preflight.js';
import {preflightDeps} from '../../source/steps/preflight/preflight-step.js';
import {createExecaRunner} from '../../source/run/execa-runner.js';
import {capture} from '../../source/cluster/capture.js';
import {findCreateProcess} from '../../source/cluster/resume.js';
import {demoProcessLister} from '../../source/demo/processes.js';
import {demoPorts, testPorts} from '../helpers/step-context.js';
import {pinnedClock} from '../helpers/clock.js';

const dir = mkdtempSync(join(tmpdir(), 'demo-preflight-ports-'));
const world = await startDemoWorld({sessionDir: dir, speed: 50, clock: pinnedClock()});
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers) await c();
  await world.close();
  rmSync(dir, {recursive: true, force: true});
});

const answers = {admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'}};
const portsCheck = async (ports: ReturnType<typeof testPorts>, portList: TinkerbellPort[]) => {
  const result = await runPreflight({...preflightDeps(ports, answers), portList});
  return result.checks.find(c => c.id === 'ports')!;
};

test(
  'demo preflight: port findings are the simulated admin server’s, whatever is busy on this machine',
  {timeout: 60_000},
  async () => {
    const demo = demoPorts({dir, worldEnv: world.env, net: createDemoNet([], {}), speed: 50});
    // Ports the test can bind: any free TCP and UDP port of this machine, and the simulated server's sshd.
    const tcp: Server = createServer();
    await new Promise<void>(r => tcp.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise(r => tcp.close(() => r())));
    const tcpPort = (tcp.address() as {port: number}).port;
    const udp: Socket = createSocket('udp4');
    await new Promise<void>(r => udp.bind(0, '0.0.0.0', r));
    closers.push(() => new Promise(r => udp.close(() => r())));
    const udpPort = udp.address().port;
    const portList: TinkerbellPort[] = [
      {port: tcpPort, protocol: 'tcp', use: 'test TCP'},
      {port: udpPort, protocol: 'udp', use: 'test UDP'},
      {port: 22, protocol: 'tcp', use: 'sshd on the simulated admin server'},
    ];

    // This machine: both ports are busy (the control that shows the check can see them).
    const here = await portsCheck(testPorts({runner: createExecaRunner({sessionDir: dir}), sessionDir: dir}), portList);
    assert.equal(here.status, 'fail');
    assert.match(here.detail, new RegExp(`TCP ${tcpPort}\\b`));
    assert.match(here.detail, new RegExp(`UDP ${udpPort}\\b`));

    // The demo: the same ports are free on the simulated admin server; its sshd (stand-in ss) holds 22.
    const busy = await portsCheck(demo, portList);
    assert.equal(busy.status, 'fail');
    assert.equal(busy.detail, 'in use: TCP 22 (sshd pid 905)');
    await new Promise<void>(r => tcp.close(() => r()));
    await new Promise<void>(r => udp.close(() => r()));
    closers.length = 0;
    assert.deepEqual(await portsCheck(demo, portList), busy, 'freeing them here changes nothing in the demo');

    // The Tinkerbell ports themselves: free on the simulated admin server.
    const all = await runPreflight(preflightDeps(demo, answers));
    assert.deepEqual(
      all.checks.find(c => c.id === 'ports'),
      {
        id: 'ports',
        title: 'Tinkerbell ports free',
        status: 'pass',
        detail: 'TCP 80, TCP 42113, TCP 7172, TCP 7171, TCP 50051, UDP 67, UDP 69, UDP 514 free',
        fix: '',
      },
    );
  },
);

test('demo stand-in ss: only the form preflight runs, as ss -lntup prints it', {timeout: 20_000}, async () => {
  const runner = createExecaRunner({sessionDir: dir, baseEnv: {...process.env, ...world.env}});
  const ss = (args: string[]) =>
    capture(runner, {command: 'ss', args, step: 'preflight', timeoutMs: 10_000, title: 'ss'});
  const ok = await ss(['-lntu', '-p']);
  assert.equal(ok.result.exitCode, 0);
  assert.match(ok.lines[0]!, /^Netid\s+State/);
  assert.ok(ok.lines.some(l => /0\.0\.0\.0:22\s.*"sshd",pid=905/.test(l)));
  assert.equal((await ss(['-s'])).result.exitCode, 2);
});

test(
  'demo preflight: the DHCP check reads the simulated admin server’s processes; resume still finds the stand-in eksctl',
  {timeout: 60_000},
  async () => {
    // This machine's table as /proc would give it: a dnsmasq, and the demo's stand-in eksctl mid-create.
    const machine = {
      list: async () => [
        {pid: 4242, argv: ['/usr/sbin/dnsmasq', '--conf-file=/etc/dnsmasq.conf']},
        {
          pid: 4343,
          argv: ['node', join(world.binDir, 'eksctl'), 'anywhere', 'create', 'cluster', '-f', 'c.yaml'],
          cwd: dir,
        },
      ],
    };
    const real = await runPreflight(preflightDeps(testPorts({sessionDir: dir, processes: machine}), answers));
    assert.equal(real.checks.find(c => c.id === 'dhcp-conflict')?.detail, 'DHCP server running: dnsmasq');

    const demo = {
      ...demoPorts({dir, worldEnv: world.env, net: createDemoNet([], {}), speed: 50}),
      processes: demoProcessLister(world.binDir, machine),
    };
    const result = await runPreflight(preflightDeps(demo, answers));
    assert.equal(result.checks.find(c => c.id === 'dhcp-conflict')?.status, 'pass');
    const listed = await demo.processes.list();
    assert.ok(!listed.some(p => p.argv[0]?.includes('dnsmasq')));
    assert.equal(findCreateProcess(listed, dir)?.pid, 4343);
  },
);
