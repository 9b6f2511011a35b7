import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import {PanePair, PANE_PAIR_KEYS, pairArrangement} from '../../source/ui/PanePair.js';
import {RingBuffer} from '../../source/run/ring-buffer.js';
import type {CommandResult, RunningCommand} from '../../source/run/types.js';
import {cleanupInk, KEYS, renderInk} from '../helpers/ink.js';

after(cleanupInk);

function fakeCommand(id: number, prefix: string, lines: number): RunningCommand {
  const output = new RingBuffer(100);
  for (let i = 1; i <= lines; i++) output.push(`${prefix} ${i}`);
  return {
    id,
    spec: {command: prefix, args: [], step: 'create-cluster'},
    display: `${prefix} --watch`,
    startedAt: 0,
    output,
    logPath: null,
    done: new Promise<CommandResult>(() => {}),
  };
}

const now = () => 5000;

test('stacked when narrow: two panes, each half the height, the whole pair exactly the height', async () => {
  const app = renderInk(
    <PanePair
      panes={[{command: fakeCommand(1, 'eksctl', 30)}, {command: fakeCommand(2, 'kubectl', 30)}]}
      width={80}
      height={20}
      now={now}
    />,
    {columns: 80, rows: 24},
  );
  const screen = await app.waitFor('kubectl 30');
  const rows = screen.split('\n');
  assert.equal(rows.length, 20);
  assert.ok(rows.findIndex(r => r.includes('$ eksctl --watch')) < rows.findIndex(r => r.includes('$ kubectl --watch')));
  for (const row of rows) assert.ok([...row].length <= 80, row);
  app.unmount();
});

test('side by side when wide', async () => {
  const app = renderInk(
    <PanePair
      panes={[{command: fakeCommand(1, 'eksctl', 5)}, {command: fakeCommand(2, 'kubectl', 5)}]}
      width={160}
      height={10}
      now={now}
    />,
    {columns: 160, rows: 24},
  );
  const screen = await app.waitFor('kubectl 5');
  const header = screen.split('\n').find(r => r.includes('$ eksctl --watch'))!;
  assert.ok(header.includes('$ kubectl --watch'), 'both headers on one row');
  assert.equal(pairArrangement(139), 'stacked');
  assert.equal(pairArrangement(140), 'side-by-side');
  assert.equal(pairArrangement(200, 'stacked'), 'stacked');
  app.unmount();
});

test('Tab moves the focus: only the focused pane scrolls', async () => {
  const focusChanges: number[] = [];
  const app = renderInk(
    <PanePair
      panes={[{command: fakeCommand(1, 'eksctl', 50)}, {command: fakeCommand(2, 'kubectl', 50)}]}
      width={100}
      height={20}
      now={now}
      onFocusChange={i => focusChanges.push(i)}
    />,
  );
  await app.waitFor('kubectl 50');
  await app.press(KEYS.home);
  let screen = await app.waitFor(/│eksctl 1 +│/);
  assert.match(screen, /kubectl 50/, 'second pane still follows');
  assert.equal(screen.match(/\(scrolled/g)?.length, 1);
  await app.press(KEYS.tab, KEYS.home);
  screen = await app.waitFor(/│kubectl 1 +│/);
  assert.equal(screen.match(/\(scrolled/g)?.length, 2);
  await app.press(KEYS.end);
  screen = await app.waitFor(s => s.match(/\(scrolled/g)?.length === 1);
  assert.match(screen, /kubectl 50/);
  await app.press(KEYS.tab);
  assert.deepEqual(focusChanges, [1, 0]);
  app.unmount();
});

test('an unfocused pair ignores Tab and scroll keys', async () => {
  const app = renderInk(
    <PanePair
      panes={[{command: fakeCommand(1, 'eksctl', 50)}, {command: null, placeholder: 'waiting'}]}
      width={100}
      height={20}
      focused={false}
      now={now}
    />,
  );
  await app.waitFor('waiting');
  await app.press(KEYS.home, KEYS.tab, KEYS.home);
  assert.doesNotMatch(app.screen(), /scrolled/);
  app.unmount();
});

test('Tab is listed in the pair key bindings', () => {
  assert.ok(PANE_PAIR_KEYS.some(k => k.keys.includes('Tab')));
});
