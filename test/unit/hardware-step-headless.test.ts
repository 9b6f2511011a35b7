// The discover and hardware steps without a screen: answers in, hardware.csv out, missing answers named.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Answers} from '../../source/session/answers.js';
import {openSession, type OpenedSession} from '../../source/wizard/open-session.js';
import {AnswerError, getStep, MissingAnswerError, StepFailure, type StepContext} from '../../source/wizard/registry.js';
import {stepContext} from '../helpers/step-context.js';
import type {World} from '../../source/ports.js';
import {discoverData} from '../../source/steps/discover/step.js';

const base: Answers = {
  admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2', '1.1.1.1']},
  machines: [
    {
      hostname: 'eksa-cp01',
      mac: 'AA:BB:CC:00:00:01',
      ip: '10.20.0.11',
      role: 'cp',
      disk: '/dev/sda',
      bmc: {ip: '10.20.1.11', username: 'admin', passwordEnv: 'BMC_PASSWORD'},
    },
    {
      hostname: 'eksa-wk01',
      mac: 'aa:bb:cc:00:00:02',
      ip: '10.20.0.12',
      role: 'worker',
      disk: '/dev/nvme0n1',
      bmc: {ip: '10.20.1.12', username: 'admin', passwordEnv: 'BMC_PASSWORD_WK'},
    },
  ],
};

async function open(
  answers: Answers,
  opts: {world?: World; env?: Record<string, string>} = {},
): Promise<{opened: OpenedSession; ctx: StepContext; lines: string[]}> {
  const home = mkdtempSync(join(tmpdir(), 'eksa-kong-hw-'));
  const opened = await openSession({
    home,
    name: 'lab1',
    create: opts.world ?? 'real',
    answers,
    env: opts.env ?? {},
    command: 'test',
  });
  const {ctx, said: lines} = stepContext(opened.controller, opened.ports, {secret: opened.secret});
  return {opened, ctx, lines};
}

const signal = new AbortController().signal;
const hardware = getStep('hardware');
const discover = getStep('discover');

test('hardware headless: answers become a valid 0600 hardware.csv, recorded as an artifact; check() holds', async () => {
  const {opened, ctx} = await open(base, {env: {BMC_PASSWORD: 'pa,ss"1', BMC_PASSWORD_WK: 'pw2'}});
  try {
    const out = await hardware.runHeadless!(ctx, signal);
    assert.equal(out.summary, 'hardware.csv: 2 machines (1 cp, 1 worker), written 0600');
    const file = join(opened.dir, 'hardware.csv');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(
      readFileSync(file, 'utf8'),
      'hostname,bmc_ip,bmc_username,bmc_password,mac,ip_address,netmask,gateway,nameservers,labels,disk\n' +
        'eksa-cp01,10.20.1.11,admin,"pa,ss""1",aa:bb:cc:00:00:01,10.20.0.11,255.255.255.0,10.20.0.1,10.20.0.2|1.1.1.1,type=cp,/dev/sda\n' +
        'eksa-wk01,10.20.1.12,admin,pw2,aa:bb:cc:00:00:02,10.20.0.12,255.255.255.0,10.20.0.1,10.20.0.2|1.1.1.1,type=worker,/dev/nvme0n1\n',
    );
    assert.equal(opened.controller.get().artifacts.hardwareCsv, 'hardware.csv');
    assert.doesNotMatch(JSON.stringify(out), /pa,ss|pw2/);
    assert.deepEqual(await hardware.check!(ctx, signal), {ok: true, detail: 'hardware.csv: 2 machines, valid'});
    // Edited into something invalid by hand: check() sends the step back.
    writeFileSync(file, readFileSync(file, 'utf8').replace('10.20.0.12,', '10.20.0.300,'));
    const bad = await hardware.check!(ctx, signal);
    assert.equal(bad.ok, false);
    assert.match(bad.detail, /line 3: ip_address: /);
    rmSync(file);
    assert.deepEqual(await hardware.check!(ctx, signal), {
      ok: false,
      detail: 'hardware.csv is missing; build it again',
    });
  } finally {
    opened.close();
  }
});

test('hardware headless: a missing answer is a MissingAnswerError naming its key', async () => {
  const noGateway: Answers = {...base, network: {netmask: '255.255.255.0', nameservers: ['10.20.0.2']}};
  const a = await open(noGateway, {env: {BMC_PASSWORD: 'x', BMC_PASSWORD_WK: 'y'}});
  try {
    await assert.rejects(
      hardware.runHeadless!(a.ctx, signal),
      (e: unknown) => e instanceof MissingAnswerError && e.key === 'network.gateway',
    );
  } finally {
    a.opened.close();
  }
  const b = await open(base, {env: {BMC_PASSWORD: 'x'}});
  try {
    // The reference is given: the message says what is wrong with it, not that an answer is missing.
    await assert.rejects(hardware.runHeadless!(b.ctx, signal), (e: unknown) => {
      assert.ok(e instanceof AnswerError && !(e instanceof MissingAnswerError));
      assert.equal(e.key, 'machines[1].bmc.passwordEnv');
      assert.equal(e.message, 'machines[1].bmc.passwordEnv: environment variable BMC_PASSWORD_WK is not set');
      return true;
    });
  } finally {
    b.opened.close();
  }
  const c = await open({network: base.network});
  try {
    await assert.rejects(
      hardware.runHeadless!(c.ctx, signal),
      (e: unknown) => e instanceof MissingAnswerError && e.key === 'machines',
    );
  } finally {
    c.opened.close();
  }
});

test('hardware headless: rule violations are answer errors (exit 2) naming machines, not CSV lines, and write nothing', async () => {
  const answers: Answers = {...base, machines: [base.machines![0]!, {...base.machines![1]!, ip: '10.20.0.11'}]};
  const {opened, ctx} = await open(answers, {env: {BMC_PASSWORD: 'x', BMC_PASSWORD_WK: 'y'}});
  try {
    await assert.rejects(hardware.runHeadless!(ctx, signal), (e: unknown) => {
      assert.ok(e instanceof AnswerError);
      assert.match(
        e.message,
        /^ip_address: machines\[1\] \(eksa-wk01\): duplicate ip_address "10\.20\.0\.11": machines\[0\] has it too$/m,
      );
      assert.doesNotMatch(e.message, /line \d/);
      return true;
    });
    assert.throws(() => statSync(join(opened.dir, 'hardware.csv')), /ENOENT/);
  } finally {
    opened.close();
  }
});

test('discover headless: a dry run takes the machines from the answers and says so; without them it names the key', async () => {
  const {opened, ctx, lines} = await open(base, {world: 'dry-run'});
  try {
    const out = await discover.runHeadless!(ctx, signal);
    assert.match(out.summary, /2 machines \(1 cp, 1 worker\) from the answers \(dry run/);
    assert.match(lines.join('\n'), /Dry run: not listening for PXE or sweeping BMCs/);
  } finally {
    opened.close();
  }
  const empty = await open({discovery: {pxe: {enabled: true}}}, {world: 'dry-run'});
  try {
    await assert.rejects(
      discover.runHeadless!(empty.ctx, signal),
      (e: unknown) => e instanceof MissingAnswerError && e.key === 'machines',
    );
  } finally {
    empty.opened.close();
  }
});

test('discover headless: machines in the answers and no source: nothing missing; nothing at all: names discovery', async () => {
  const a = await open(base);
  try {
    const out = await discover.runHeadless!(a.ctx, signal);
    assert.equal(out.summary, '2 machines (1 cp, 1 worker) from the answers');
    assert.match(a.lines.join('\n'), /nothing is missing/);
  } finally {
    a.opened.close();
  }
  const b = await open({});
  try {
    await assert.rejects(
      discover.runHeadless!(b.ctx, signal),
      (e: unknown) => e instanceof MissingAnswerError && e.key === 'discovery',
    );
  } finally {
    b.opened.close();
  }
  const c = await open({machines: [{...base.machines![1]!}]});
  try {
    await assert.rejects(
      discover.runHeadless!(c.ctx, signal),
      (e: unknown) => e instanceof StepFailure && /no machine has role cp/.test(e.message),
    );
  } finally {
    c.opened.close();
  }
});

test('discover headless: an imported hardware.csv becomes the table; its passwords become secrets, then hardware.csv again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-import-'));
  const csvPath = join(dir, 'old.csv');
  writeFileSync(
    csvPath,
    'hostname,bmc_ip,bmc_username,bmc_password,mac,ip_address,netmask,gateway,nameservers,labels,disk\n' +
      'old-cp1,10.20.1.21,root,Imp0rted!,aa:bb:cc:00:01:01,10.20.0.21,255.255.255.0,10.20.0.1,10.20.0.2,type=cp,/dev/sda\n' +
      'old-wk1,10.20.1.22,root,Imp0rted2,aa:bb:cc:00:01:02,10.20.0.22,255.255.255.0,10.20.0.1,10.20.0.2,type=worker|rack=r1,/dev/sdb\n',
  );
  const {opened, ctx} = await open({network: base.network, discovery: {importCsv: csvPath}});
  try {
    const out = await discover.runHeadless!(ctx, signal);
    opened.controller.dispatch({
      type: 'step-finished',
      step: 'discover',
      at: new Date().toISOString(),
      summary: out.summary,
      data: out.data,
    });
    const data = discoverData(opened.controller.get())!;
    assert.equal(data.machines.length, 2);
    assert.deepEqual(
      data.selected.map(s => s.role),
      ['cp', 'worker'],
    );
    assert.deepEqual(
      data.machines.map(m => m.sources),
      [['csv'], ['csv']],
    );
    const stored = readFileSync(join(opened.dir, 'secrets.json'), 'utf8');
    assert.match(stored, /Imp0rted!/);
    assert.equal(statSync(join(opened.dir, 'secrets.json')).mode & 0o777, 0o600);
    assert.doesNotMatch(readFileSync(join(opened.dir, 'session.json'), 'utf8'), /Imp0rted/);

    const hw = await hardware.runHeadless!(ctx, signal);
    assert.match(hw.summary, /2 machines \(1 cp, 1 worker\)/);
    const csv = readFileSync(join(opened.dir, 'hardware.csv'), 'utf8');
    assert.match(csv, /old-cp1,10\.20\.1\.21,root,Imp0rted!,aa:bb:cc:00:01:01,10\.20\.0\.21,.*type=cp,\/dev\/sda/);
    assert.match(
      csv,
      /old-wk1,10\.20\.1\.22,root,Imp0rted2,aa:bb:cc:00:01:02,10\.20\.0\.22,.*type=worker\|rack=r1,\/dev\/sdb/,
    );
    assert.doesNotMatch(readFileSync(join(opened.dir, 'session.json'), 'utf8'), /Imp0rted/);
  } finally {
    opened.close();
  }
});
