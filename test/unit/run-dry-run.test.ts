import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createDryRunRunner, DRY_RUN_PREFIX} from '../../source/run/dry-run-runner.js';
import type {CommandRecord} from '../../source/session/schema.js';
import {commandRecordSchema} from '../../source/session/schema.js';

test('records the command, shows it, runs nothing', async () => {
  const records: CommandRecord[] = [];
  const runner = createDryRunRunner({onRecord: r => records.push(r), now: () => Date.parse('2026-03-04T05:06:07Z')});
  const command = runner.start({
    command: 'definitely-not-installed-xyz',
    args: ['--flag', 'a b'],
    step: 'data-plane',
    title: 'Install the DP',
  });
  const result = await command.done;
  assert.deepEqual(result, {
    ok: true,
    recorded: true,
    exitCode: 0,
    signal: null,
    durationMs: 0,
    lineCount: 1,
    logPath: null,
  });
  assert.deepEqual(command.output.tail(5), [`${DRY_RUN_PREFIX}definitely-not-installed-xyz --flag 'a b'`]);
  assert.equal(records.length, 1);
  assert.deepEqual(commandRecordSchema.parse(records[0]), {
    step: 'data-plane',
    command: 'definitely-not-installed-xyz',
    args: ['--flag', 'a b'],
    title: 'Install the DP',
    at: '2026-03-04T05:06:07.000Z',
  });
});

test('secrets added to the runner are masked in the line and referenced in the record', async () => {
  const records: CommandRecord[] = [];
  const runner = createDryRunRunner({onRecord: r => records.push(r)});
  runner.addSecret('p4ssw0rd!');
  const command = runner.start({command: 'ipmitool', args: ['-P', 'p4ssw0rd!'], step: 'discover'});
  await command.done;
  assert.ok(!command.output.tail(1)[0]!.includes('p4ssw0rd'));
  assert.ok(!command.display.includes('p4ssw0rd'));
  assert.deepEqual(records[0]!.args, ['-P', '${REDACTED_SECRET_1}']);
});

test('an aborted signal records nothing', async () => {
  const records: CommandRecord[] = [];
  const controller = new AbortController();
  controller.abort();
  const result = await createDryRunRunner({onRecord: r => records.push(r)}).start(
    {command: 'x', args: [], step: 'verify'},
    controller.signal,
  ).done;
  assert.equal(result.cancelled, true);
  assert.equal(records.length, 0);
});
