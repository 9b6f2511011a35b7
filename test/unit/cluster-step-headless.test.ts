// Headless runs of the preflight, cluster-spec and create-cluster steps from answers.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {NetRouteError} from '../../source/ports.js';
import {createDryRunRunner} from '../../source/run/dry-run-runner.js';
import {SessionController} from '../../source/wizard/controller.js';
import {getStep, MissingAnswerError, StepFailure} from '../../source/wizard/registry.js';
import {newSession, type Session} from '../../source/session/schema.js';
import type {Answers} from '../../source/session/answers.js';
import {FakeCommandRunner} from '../helpers/cluster-fakes.js';
import type {CommandRunner} from '../../source/run/types.js';
import {stepContext, testPorts} from '../helpers/step-context.js';

const answers: Answers = {
  admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
  machines: [
    {hostname: 'eksa-cp01', mac: 'aa:bb:cc:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'},
    {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
  ],
  cluster: {
    name: 'seed',
    kubernetesVersion: '1.35',
    endpoint: '10.20.0.50',
    tinkerbellIp: '10.20.0.51',
    osImageUrl: 'http://images.lab/ubuntu-2204-kube-1-35.gz',
  },
};

function context(a: Answers, runner: CommandRunner, world: Session['world'] = 'real') {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-headless-'));
  const controller = new SessionController({...newSession('h1', world), answers: a}, s => s);
  const ports = testPorts({
    world,
    runner,
    // Nothing is reachable: the in-use probe sees free addresses, the image HEAD fails (a warning).
    net: {
      route: (h, p) => {
        throw new NetRouteError(`${h}:${p}`);
      },
      lookup: async () => [],
    },
    env: {PATH: '/usr/bin'},
    sessionDir: dir,
  });
  const {ctx, said} = stepContext(controller, ports);
  return {ctx, controller, said, dir};
}

test(
  'headless cluster-spec: answers -> cluster.yaml, artifact recorded, image warning named',
  {timeout: 10_000},
  async () => {
    const {ctx, controller, said, dir} = context(
      answers,
      new FakeCommandRunner({'ip -j neigh': {lines: ['[]']}, 'ip -j addr': {lines: ['[]']}}),
    );
    const out = await getStep('cluster-spec').runHeadless!(ctx, AbortSignal.timeout(8000));
    assert.match(
      out.summary,
      /^cluster\.yaml: seed, Kubernetes 1\.35, 1 control plane \+ 1 worker, endpoint 10\.20\.0\.50$/,
    );
    const yaml = readFileSync(join(dir, 'cluster.yaml'), 'utf8');
    assert.match(yaml, /kubernetesVersion: "1\.35"/);
    assert.match(yaml, /osImageURL: http:\/\/images\.lab\/ubuntu-2204-kube-1-35\.gz/);
    assert.equal(controller.get().artifacts.clusterYaml, 'cluster.yaml');
    assert.ok(
      said.some(l =>
        /^warning: cluster\.osImageUrl: HEAD http:\/\/images\.lab\/ubuntu-2204-kube-1-35\.gz failed from the admin server: nothing answers at images\.lab:80/.test(
          l,
        ),
      ),
      said.join('\n'),
    );
  },
);

test(
  'headless cluster-spec: a missing answer names its key; a broken one fails naming the key',
  {timeout: 10_000},
  async () => {
    const runner = new FakeCommandRunner({});
    const missing = context({...answers, cluster: {...answers.cluster, tinkerbellIp: undefined}}, runner);
    await assert.rejects(
      getStep('cluster-spec').runHeadless!(missing.ctx, AbortSignal.timeout(5000)),
      (e: unknown) => e instanceof MissingAnswerError && e.key === 'cluster.tinkerbellIp',
    );
    const broken = context({...answers, cluster: {...answers.cluster, endpoint: '10.20.0.11'}}, runner);
    await assert.rejects(
      getStep('cluster-spec').runHeadless!(broken.ctx, AbortSignal.timeout(5000)),
      (e: unknown) =>
        e instanceof StepFailure &&
        /cluster\.endpoint: control plane endpoint 10\.20\.0\.11 is the address of machine eksa-cp01/.test(e.message),
    );
    const noName = context({...answers, cluster: {...answers.cluster, name: undefined}}, runner);
    await assert.rejects(
      getStep('create-cluster').runHeadless!(noName.ctx, AbortSignal.timeout(5000)),
      (e: unknown) => e instanceof MissingAnswerError && e.key === 'cluster.name',
    );
  },
);

test(
  'headless create-cluster in a dry run records the exact eksctl command and writes nothing else',
  {timeout: 10_000},
  async () => {
    const records: unknown[] = [];
    const {ctx, controller, said, dir} = context(
      answers,
      createDryRunRunner({onRecord: r => records.push(r)}),
      'dry-run',
    );
    controller.dispatch({type: 'record-artifact', key: 'clusterYaml', path: 'cluster.yaml'});
    controller.dispatch({type: 'record-artifact', key: 'hardwareCsv', path: 'hardware.csv'});
    const out = await getStep('create-cluster').runHeadless!(ctx, AbortSignal.timeout(8000));
    assert.match(out.summary, /dry run: eksctl anywhere create cluster recorded, not run/);
    assert.deepEqual(
      records.map(r => (r as {command: string; args: string[]}).command + ' ' + (r as {args: string[]}).args.join(' ')),
      [
        // -v 3: the control-plane / CNI / workers waits are V(3) lines (applier.go).
        'eksctl anywhere create cluster -f cluster.yaml --hardware-csv hardware.csv --tinkerbell-bootstrap-ip=10.20.0.10 -v 3',
      ],
    );
    assert.equal((records[0] as {cwd: string}).cwd, dir);
    assert.ok(said.some(l => /nothing else was written/.test(l)));
    assert.equal(controller.get().artifacts.kubeconfig, undefined);
  },
);

test(
  'headless preflight: one line per check; a failed check fails the step; dry run says what was not checked',
  {timeout: 15_000},
  async () => {
    const runner = new FakeCommandRunner({
      'eksctl version': {lines: ['0.215.0']},
      'eksctl anywhere version': {lines: ['Version: v0.26.1']},
      'ip -j addr': {lines: ['[]']},
    });
    const {ctx, said} = context(answers, runner);
    await assert.rejects(
      getStep('preflight').runHeadless!(ctx, AbortSignal.timeout(10_000)),
      (e: unknown) => e instanceof StepFailure && /failed: .*Docker 20 or newer/.test(e.message),
    );
    assert.ok(said.some(l => l.startsWith('✔ eksctl and eksctl-anywhere')));
    assert.ok(said.some(l => l.startsWith('✘ helm: helm is not on PATH — Install helm 3')));
    const dry = context(answers, createDryRunRunner(), 'dry-run');
    await getStep('preflight').runHeadless!(dry.ctx, AbortSignal.timeout(10_000)).catch(() => undefined);
    assert.ok(
      dry.said.some(l =>
        /^dry run: not checked \(commands recorded only\): eksctl and eksctl-anywhere, Docker 20 or newer, without sudo, kubectl, helm/.test(
          l,
        ),
      ),
      dry.said.join('\n'),
    );
  },
);

test(
  'headless cluster-spec: an extended-support version without a licence token exits 2 naming cluster.licenseToken',
  {timeout: 10_000},
  async () => {
    // Pinned: 6 December 2026, when 1.32 is past its end of standard support (2026-04-30).
    const clock = {now: () => Date.parse('2026-12-06T10:00:00Z'), sleep: async () => {}};
    const a: Answers = {
      ...answers,
      cluster: {
        ...answers.cluster,
        kubernetesVersion: '1.32',
        osImageUrl: 'http://images.lab/ubuntu-2204-kube-1-32.gz',
      },
    };
    const runner = new FakeCommandRunner({'ip -j neigh': {lines: ['[]']}, 'ip -j addr': {lines: ['[]']}});
    const none = context(a, runner);
    none.ctx.ports.clock = clock;
    await assert.rejects(
      getStep('cluster-spec').runHeadless!(none.ctx, AbortSignal.timeout(5000)),
      (e: unknown) =>
        e instanceof MissingAnswerError &&
        e.key === 'cluster.licenseToken' &&
        /licenseToken is required for extended kubernetes support/.test(e.message),
    );
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({alg: 'RS256'})}.${b64({endValidity: '2027-06-30T00:00:00Z'})}.c2ln`;
    const given = context(a, runner);
    given.ctx.ports.clock = clock;
    given.ctx.secret = key => (key === 'eksa.licenseToken' ? token : undefined);
    await getStep('cluster-spec').runHeadless!(given.ctx, AbortSignal.timeout(8000));
    assert.match(
      readFileSync(join(given.dir, 'cluster.yaml'), 'utf8'),
      new RegExp(`licenseToken: ${token.replace(/\./g, '\\.')}`),
    );
    assert.ok(!given.said.some(l => l.includes(token)), 'the token is never said');
  },
);
