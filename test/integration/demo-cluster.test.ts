// The cluster part of the demo world (fake eksctl, docker and ip stand-ins, fake Kubernetes APIs,
// a loopback image server): the real preflight, cluster-spec and create-cluster step code runs
// against it at high speed and ends with a cluster whose kubeconfig answers.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {startClusterDemo} from '../../source/demo/parts/cluster.js';
import type {DemoPart} from '../../source/demo/parts/types.js';
import {createDemoNet} from '../../source/demo/net.js';
import {SessionController} from '../../source/wizard/controller.js';
import {getStep} from '../../source/wizard/registry.js';
import {newSession} from '../../source/session/schema.js';
import {generateHardwareCsvFromAnswers} from '../../source/hardware/answers.js';
import type {Answers} from '../../source/session/answers.js';
import {demoPorts, stepContext} from '../helpers/step-context.js';
import {pinnedClock} from '../helpers/clock.js';

let world: DemoWorld;
let part: DemoPart;
let dir: string;
// The demo's Kubernetes 1.35 is in standard support on this date (the spec step and the stand-in read the clock).
const clock = pinnedClock();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-cluster-'));
  world = await startDemoWorld({sessionDir: dir, speed: 200, clock});
  part = await startClusterDemo(world, {sessionDir: dir, speed: 200, signal: new AbortController().signal});
  // As the demo command wires it: the stand-in's in-use probe sees the parts' network.
  world.setNet(createDemoNet(part.routes, part.dns));
});
after(async () => {
  await part.close();
  await world.close();
  rmSync(dir, {recursive: true, force: true});
});

const machines: Answers = {
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
  machines: [
    {
      hostname: 'eksa-cp01',
      mac: 'aa:bb:cc:00:00:01',
      ip: '10.20.0.11',
      role: 'cp',
      disk: '/dev/sda',
      bmc: {ip: '10.20.1.11', username: 'admin', password: 'pw'},
    },
    {
      hostname: 'eksa-wk01',
      mac: 'aa:bb:cc:00:00:02',
      ip: '10.20.0.12',
      role: 'worker',
      disk: '/dev/sda',
      bmc: {ip: '10.20.1.12', username: 'admin', password: 'pw'},
    },
  ],
};

test(
  'the stand-in eksctl refuses a hand-edited cluster.yaml with eksctl’s own message, before it starts anything',
  {timeout: 90_000},
  async () => {
    const answers: Answers = {...machines, ...part.answers};
    const session = {...newSession('demo0', 'demo'), answers: {session: 'demo0', ...answers}};
    const controller = new SessionController(session, s => s);
    const ports = demoPorts({dir, worldEnv: world.env, net: createDemoNet(part.routes, part.dns), speed: 200, clock});
    const {ctx, said} = stepContext(controller, ports);
    const signal = AbortSignal.timeout(80_000);
    await getStep('preflight').runHeadless!(ctx, signal);
    await getStep('cluster-spec').runHeadless!(ctx, signal);
    const csv = generateHardwareCsvFromAnswers(controller.get().answers, {bmcPassword: m => m.bmc?.password});
    writeFileSync(join(dir, 'hardware.csv'), csv.csv);
    controller.dispatch({type: 'record-artifact', key: 'hardwareCsv', path: 'hardware.csv'});
    const written = readFileSync(join(dir, 'cluster.yaml'), 'utf8');
    const edits: [string, (y: string) => string, RegExp][] = [
      [
        'a pods CIDR of /24',
        y => y.replace(/- 192\.168\.0\.0\/16/, '- 192.168.0.0/24'),
        /the cluster config file provided is invalid: the size of pod subnet with mask 24 is smaller than or equal to the size of node subnet with mask 24/,
      ],
      [
        'an unknown field',
        y => y.replace(/^ {2}kubernetesVersion:/m, '  kubernetesVersoin: "1.35"\n  kubernetesVersion:'),
        /the cluster config file provided is invalid: error unmarshaling JSON: while decoding JSON: json: unknown field "kubernetesVersoin"/,
      ],
      [
        'tinkerbellIP equal to the endpoint',
        y => y.replace(/tinkerbellIP: \S+/, `tinkerbellIP: ${/host: (\S+)/.exec(y)![1]}`),
        /please provide two unique IPs/,
      ],
      [
        'an SSH key that is a placeholder',
        y => y.replace(/(sshAuthorizedKeys:\n\s+- )""/g, '$1"ssh-rsa AAAA..."'),
        /validations failed: stripping ssh key comment: TinkerbellMachineConfig name=seed(-cp)?: ssh: no key found/,
      ],
      [
        'more control planes than machines',
        y => y.replace(/count: 1\n(\s+endpoint)/, 'count: 3\n$1'),
        /validations failed: minimum hardware count not met for selector '\{"type":"cp"\}': have 1, require 3/,
      ],
    ];
    for (const [what, edit, message] of edits) {
      const edited = edit(written);
      assert.notEqual(edited, written, what);
      writeFileSync(join(dir, 'cluster.yaml'), edited);
      said.length = 0;
      let failure = '';
      await assert.rejects(
        getStep('create-cluster').runHeadless!(ctx, signal),
        (e: unknown) => ((failure = String((e as Error).message)), true),
      );
      // The step's failure names the log; the log holds what the stand-in printed, as eksctl prints it.
      const log = /Evidence: (\S+\.log)/.exec(failure)?.[1];
      assert.ok(log, failure);
      const printed = readFileSync(join(dir, log), 'utf8');
      assert.match(printed, message, `${what}:\n${failure}\n${printed}`);
      assert.ok(!existsSync(join(dir, 'seed', 'generated')), `${what}: nothing was started`);
    }
    writeFileSync(join(dir, 'cluster.yaml'), written);

    // hardware.csv hand-edited between the steps: refused in EKS Anywhere's words, not the wizard's.
    const csvEdits: [string, (t: string) => string, string][] = [
      ['an address that is not one', t => t.replace('10.20.0.12', '10.20.0.300'), 'IPAddress: is invalid: 10.20.0.300'],
      [
        'a VLAN out of range',
        t =>
          t
            .split('\n')
            .map((l, i) => (l === '' ? l : `${l},${i === 0 ? 'vlan_id' : '0'}`))
            .join('\n'),
        'VLANID: must be between 1 and 4094',
      ],
    ];
    for (const [what, edit, error] of csvEdits) {
      writeFileSync(join(dir, 'hardware.csv'), edit(csv.csv));
      let failure = '';
      await assert.rejects(
        getStep('create-cluster').runHeadless!(ctx, signal),
        (e: unknown) => ((failure = String((e as Error).message)), true),
      );
      const printed = readFileSync(join(dir, /Evidence: (\S+\.log)/.exec(failure)![1]!), 'utf8');
      assert.ok(printed.includes(`Error: validations failed: ${error}\n`), `${what}:\n${printed}`);
      // The failure map names hardware.csv and its fix.
      assert.match(failure, /hardware\.csv was refused/, what);
    }
    writeFileSync(join(dir, 'hardware.csv'), csv.csv);
  },
);

test(
  'demo cluster part (fake eksctl/docker/ip, fake kube APIs): preflight, cluster spec and create cluster succeed with a kubeconfig',
  {timeout: 90_000},
  async () => {
    const answers: Answers = {...machines, ...part.answers};
    const session = {...newSession('demo1', 'demo'), answers: {session: 'demo1', ...answers}};
    const controller = new SessionController(session, s => s);
    // The network the demo command wires: the part's routes and names, loopback as is, nothing else.
    const ports = demoPorts({dir, worldEnv: world.env, net: createDemoNet(part.routes, part.dns), speed: 200, clock});
    const {ctx, said} = stepContext(controller, ports);
    const signal = AbortSignal.timeout(80_000);

    const preflight = await getStep('preflight').runHeadless!(ctx, signal);
    assert.match(preflight.summary, /provisioning on eno1 10\.20\.0\.10/);
    assert.ok(
      said.some(l => /^✔ Provisioning interface and bootstrap IP: eno1 10\.20\.0\.10\/24/.test(l)),
      said.join('\n'),
    );
    assert.ok(said.some(l => /^✔ eksctl and eksctl-anywhere: eksctl 0\.215\.0, eksctl-anywhere v0\.26\.1/.test(l)));

    const spec = await getStep('cluster-spec').runHeadless!(ctx, signal);
    assert.match(spec.summary, /cluster\.yaml: seed, Kubernetes 1\.35/);
    assert.ok(!said.some(l => /osImageUrl/.test(l)), 'the image answered HEAD through the route');

    const csv = generateHardwareCsvFromAnswers(controller.get().answers, {bmcPassword: m => m.bmc?.password});
    writeFileSync(join(dir, 'hardware.csv'), csv.csv);
    controller.dispatch({type: 'record-artifact', key: 'hardwareCsv', path: 'hardware.csv'});

    const create = await getStep('create-cluster').runHeadless!(ctx, signal);
    assert.match(create.summary, /seed created: 2\/2 nodes Ready/);
    assert.equal(controller.get().artifacts.kubeconfig, join('seed', 'seed-eks-a-cluster.kubeconfig'));
    assert.ok(existsSync(join(dir, 'seed', 'seed-eks-a-cluster.kubeconfig')));
    for (const phase of [
      '[1/6] Setup and validations',
      '[3/6] Provisioning the machines',
      '[6/6] Deleting the bootstrap cluster',
    ])
      assert.ok(said.includes(phase), phase);
    const check = await getStep('create-cluster').check!(ctx, signal);
    assert.equal(check.ok, true, check.detail);
  },
);
