import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createWatchFeed} from '../../source/cluster/watch-feed.js';
import type {MachineProgress, ProvisioningSnapshot} from '../../source/cluster/provisioning.js';

const machine = (hostname: string, over: Partial<MachineProgress>): MachineProgress => ({
  hostname,
  role: 'worker',
  bmc: undefined,
  job: undefined,
  workflow: undefined,
  capi: undefined,
  verdict: 'waiting',
  problem: false,
  ...over,
});
const snap = (at: number, machines: MachineProgress[]): ProvisioningSnapshot =>
  ({at, machines, unavailable: {}}) as ProvisioningSnapshot;

test('the provisioning watch is one table redrawn in place, with how long each machine has been at its action; every snapshot is in the log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'watch-feed-'));
  try {
    const log = join(dir, 'logs', 'create-cluster-watch.log');
    const feed = createWatchFeed(join(dir, 'k'), dir, () => 0, 2000, log);
    const wf = {name: 'w', state: 'STATE_RUNNING', action: 'stream-image', actionState: 'RUNNING'};
    feed.show(
      snap(0, [
        machine('eksa-cp01', {role: 'control-plane', workflow: wf, verdict: 'HookOS running action "stream-image"'}),
        machine('eksa-wk01', {verdict: 'waiting'}),
      ]),
    );
    feed.show(
      snap(95_000, [
        machine('eksa-cp01', {role: 'control-plane', workflow: wf, verdict: 'HookOS running action "stream-image"'}),
        machine('eksa-wk01', {problem: true, verdict: 'BMC not contactable'}),
      ]),
    );
    const out = feed.command.output;
    const lines = out.slice(0, out.size);
    assert.equal(lines.length, 4, 'header, column names and one row per machine: not a growing history');
    assert.match(lines[0]!, /2 machines at 00:01:35 · 1 STUCK/);
    assert.match(lines[2]!, /^• eksa-cp01 +cp +running +1m35s +HookOS running action "stream-image"/);
    assert.match(lines[3]!, /^✘ eksa-wk01 +worker +STUCK +0m00s +BMC not contactable/);
    feed.finish();
    const result = await feed.command.done;
    assert.equal(result.logPath, log);
    const text = readFileSync(log, 'utf8');
    assert.equal(text.match(/^── /gm)?.length, 2, 'both snapshots in the log');
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
