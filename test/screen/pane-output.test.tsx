import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import {OutputPane, PANE_KEYS, paneLayout} from '../../source/ui/OutputPane.js';
import {RingBuffer} from '../../source/run/ring-buffer.js';
import type {CommandResult, RunningCommand} from '../../source/run/types.js';
import {cleanupInk, KEYS, renderInk, tick} from '../helpers/ink.js';

after(cleanupInk);

function fakeCommand(lines: number, options: {capacity?: number; logPath?: string | null; startedAt?: number} = {}) {
  const output = new RingBuffer(options.capacity ?? 5000);
  for (let i = 1; i <= lines; i++) output.push(`line ${i}`);
  let finish!: (r: CommandResult) => void;
  const done = new Promise<CommandResult>(resolve => (finish = resolve));
  const command: RunningCommand = {
    id: 1,
    spec: {command: 'eksctl', args: [], step: 'create-cluster'},
    display: 'eksctl anywhere create cluster -f cluster.yaml',
    startedAt: options.startedAt ?? 0,
    output,
    logPath: options.logPath === undefined ? '/s/lab1/logs/create-cluster-1.log' : options.logPath,
    done,
  };
  return {command, output, finish};
}

const okResult = (lineCount: number): CommandResult => ({
  ok: true,
  exitCode: 0,
  signal: null,
  durationMs: 72_000,
  lineCount,
  logPath: '/s/lab1/logs/create-cluster-1.log',
});

/** The body lines (inside the border, under the two header lines). */
function bodyOf(screen: string): string[] {
  return screen
    .split('\n')
    .slice(3, -1)
    .map(l => l.replace(/^│ ?/, '').replace(/ *│$/, ''));
}

test('header shows the command, elapsed time, line count, follow state and log path', async () => {
  const {command} = fakeCommand(3);
  const app = renderInk(
    <OutputPane
      command={command}
      height={10}
      width={100}
      focused
      title="Create cluster"
      sessionDir="/s/lab1"
      now={() => 75_000}
    />,
  );
  const screen = await app.waitFor('following');
  assert.match(screen, /Create cluster · \$ eksctl anywhere create cluster -f cluster\.yaml/);
  assert.match(screen, /… running · 1m 15s · 3 lines · following · log logs\/create-cluster-1\.log/);
  assert.deepEqual(bodyOf(screen).filter(Boolean), ['line 1', 'line 2', 'line 3']);
  app.unmount();
});

test('exactly height rows, no line wider than the box, long lines cut', async () => {
  const {command, output} = fakeCommand(50);
  output.push('x'.repeat(500));
  const app = renderInk(<OutputPane command={command} height={12} width={40} focused={false} />, {
    columns: 40,
    rows: 20,
  });
  const screen = await app.waitFor('xxx');
  const rows = screen.split('\n');
  assert.equal(rows.length, 12);
  for (const row of rows) assert.ok([...row].length <= 40, `row too wide: ${row}`);
  const body = bodyOf(screen);
  assert.equal(body.length, paneLayout(12, 40).bodyLines);
  assert.equal(body.at(-1), 'x'.repeat(37) + '…');
  assert.equal(body.at(-2), 'line 50');
  app.unmount();
});

test('scrolls with arrows and pages, Home goes to the oldest held line, End follows again', async () => {
  const {command} = fakeCommand(100);
  const app = renderInk(<OutputPane command={command} height={12} width={90} focused now={() => 1000} />);
  const bodyLines = paneLayout(12, 90).bodyLines; // 8
  await app.waitFor('line 100');
  await app.press(KEYS.up);
  let screen = await app.waitFor('(scrolled)');
  assert.match(screen, /lines 92–99 of 100 \(scrolled\)/);
  assert.equal(bodyOf(screen).at(-1), 'line 99');
  await app.press(KEYS.pageUp);
  screen = await app.waitFor(`lines ${92 - (bodyLines - 1)}–`);
  assert.equal(bodyOf(screen)[0], `line ${92 - (bodyLines - 1)}`);
  await app.press(KEYS.home);
  screen = await app.waitFor('lines 1–8 of 100');
  assert.equal(bodyOf(screen)[0], 'line 1');
  await app.press(KEYS.down, KEYS.down);
  screen = await app.waitFor('lines 3–10 of 100');
  await app.press(KEYS.pageDown);
  screen = await app.waitFor('lines 10–17 of 100');
  await app.press(KEYS.end);
  screen = await app.waitFor('following');
  assert.equal(bodyOf(screen).at(-1), 'line 100');
  app.unmount();
});

test('scrolled view stays put while lines arrive; following view moves with them', async () => {
  const {command, output} = fakeCommand(30);
  const app = renderInk(<OutputPane command={command} height={10} width={60} focused refreshMs={5} />);
  await app.waitFor('line 30');
  await app.press(KEYS.home);
  await app.waitFor('lines 1–6 of 30');
  output.push('line 31');
  let screen = await app.waitFor('of 31');
  assert.equal(bodyOf(screen)[0], 'line 1');
  await app.press(KEYS.end);
  output.push('line 32');
  screen = await app.waitFor('line 32');
  assert.match(screen, /following/);
  app.unmount();
});

test('scrolling down to the bottom resumes following', async () => {
  const {command} = fakeCommand(20);
  const app = renderInk(<OutputPane command={command} height={10} width={90} focused now={() => 1000} />);
  await app.waitFor('line 20');
  await app.press(KEYS.up);
  await app.waitFor('(scrolled)');
  await app.press(KEYS.down);
  await app.waitFor('following');
  app.unmount();
});

test('keys do nothing when the pane is not focused', async () => {
  const {command} = fakeCommand(50);
  const app = renderInk(<OutputPane command={command} height={10} width={60} focused={false} />);
  await app.waitFor('following');
  await app.press(KEYS.home, KEYS.up, KEYS.pageUp);
  assert.match(app.screen(), /following/);
  assert.equal(bodyOf(app.screen()).at(-1), 'line 50');
  app.unmount();
});

test('after eviction Home says older lines are only in the log', async () => {
  const {command} = fakeCommand(1000, {capacity: 100});
  const app = renderInk(<OutputPane command={command} height={10} width={100} focused />);
  await app.waitFor('line 1000');
  await app.press(KEYS.home);
  const screen = await app.waitFor('older lines in the log');
  assert.match(screen, /lines 901–906 of 1,000/);
  assert.equal(bodyOf(screen)[0], 'line 901');
  app.unmount();
});

test('a burst of lines is drawn in one coalesced redraw, not one per line', async () => {
  const {command, output} = fakeCommand(1);
  const app = renderInk(<OutputPane command={command} height={10} width={60} focused={false} refreshMs={1000} />);
  await app.waitFor('line 1');
  const before = app.frames.length;
  // One line per macrotask: a pane that redrew per notification would draw ~200 frames.
  for (let i = 2; i <= 200; i++) {
    output.push(`line ${i}`);
    await new Promise(resolve => setImmediate(resolve));
  }
  await app.waitFor('line 200');
  assert.ok(app.frames.length - before <= 4, `${app.frames.length - before} redraws for 199 lines`);
  app.unmount();
});

test('a finished command shows its outcome; o opens the log', async () => {
  const {command, finish} = fakeCommand(5);
  const opened: string[] = [];
  const app = renderInk(
    <OutputPane command={command} height={10} width={120} focused onOpenLog={p => opened.push(p)} />,
  );
  await app.waitFor('running');
  await app.press('o');
  assert.deepEqual(opened, [], 'o does nothing while running');
  finish(okResult(5));
  const screen = await app.waitFor('✔ done');
  assert.match(
    screen,
    /✔ done · 1m 12s · 5 lines · following · log \/s\/lab1\/logs\/create-cluster-1\.log · o: open log/,
  );
  await app.press('o');
  assert.deepEqual(opened, ['/s/lab1/logs/create-cluster-1.log']);
  app.unmount();
});

test('a failure shows its one-line error; a result prop wins over done', async () => {
  const {command} = fakeCommand(2);
  const failed: CommandResult = {...okResult(2), ok: false, exitCode: 1, error: 'eksctl exited with code 1'};
  const app = renderInk(<OutputPane command={command} result={failed} height={8} width={100} focused={false} />);
  await app.waitFor('✘ eksctl exited with code 1');
  app.unmount();
});

test('no command: a placeholder, still exactly the height', async () => {
  const app = renderInk(
    <OutputPane command={null} height={7} width={50} focused={false} title="Watch" placeholder="Nothing yet" />,
  );
  const screen = await app.waitFor('Nothing yet');
  assert.equal(screen.split('\n').length, 7);
  assert.match(screen, /Watch/);
  app.unmount();
});

test('tiny boxes degrade without overflowing', async () => {
  const {command} = fakeCommand(10);
  for (const [height, width] of [
    [1, 30],
    [2, 30],
    [3, 8],
    [5, 20],
  ] as const) {
    const app = renderInk(<OutputPane command={command} height={height} width={width} focused={false} />, {
      columns: 40,
    });
    await tick(10);
    const rows = app.screen().split('\n');
    assert.ok(rows.length <= height, `${height}x${width}: ${rows.length} rows`);
    for (const row of rows) assert.ok([...row].length <= width, `${height}x${width}: ${row}`);
    app.unmount();
  }
});

test('key bindings are exported as data for the footer and help', () => {
  const keys = PANE_KEYS.flatMap(k => k.keys);
  for (const key of ['PgUp', 'PgDn', 'Home', 'End', 'o']) assert.ok(keys.includes(key), key);
  for (const binding of PANE_KEYS) assert.ok(binding.description.length > 0);
});
