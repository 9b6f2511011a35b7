// The demo narrator in the app shell (fits 80x24, follows the step, absent outside demos), autoplay's
// end on Done, and the pager hook: `o` on a finished command reaches the shell's openLog.
import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import {AUTOPLAY_DONE_MS} from '../../source/app.js';
import {newSession, type Session} from '../../source/session/schema.js';
import {NARRATION, wrapNarration} from '../../source/demo/narration.js';
import {STEP_IDS} from '../../source/wizard/step-ids.js';
import {OutputPane} from '../../source/ui/OutputPane.js';
import {OpenLogContext} from '../../source/ui/open-log.js';
import {RingBuffer} from '../../source/run/ring-buffer.js';
import type {CommandResult, RunningCommand} from '../../source/run/types.js';
import {appTree} from '../helpers/app.js';
import {cleanupInk, KEYS, renderInk} from '../helpers/ink.js';

after(cleanupInk);

function tree(
  session: Session,
  opts: {autoplay?: boolean; openLog?: (p: string) => Promise<{ok: boolean}>; onExit?: (c: number) => void} = {},
) {
  const {tree: element, controller} = appTree({session, ...opts});
  return {controller, element};
}

test('every step has a narration that names what the article explains', () => {
  for (const id of STEP_IDS) assert.ok(NARRATION[id].length > 80, id);
  const all = Object.values(NARRATION).join(' ');
  for (const idea of [/hybrid/, /8005/, /8006/, /mTLS/, /database off/, /Tinkerbell/, /Cluster API/, /EKS Distro/])
    assert.match(all, idea);
});

test('wrapNarration keeps to the width and the line budget, ending a cut with …', () => {
  const lines = wrapNarration(NARRATION['control-plane'], 30, 3);
  assert.equal(lines.length, 3);
  for (const l of lines) assert.ok(l.length <= 30, l);
  assert.match(lines[2]!, /…$/);
  assert.deepEqual(wrapNarration('short text', 30, 3), ['short text']);
  assert.deepEqual(wrapNarration('x', 0, 3), []);
});

test('demo session at 80x24: banner, narrator and screen fit; the narrator follows the step', async () => {
  const {element, controller} = tree(newSession('demo', 'demo'));
  const app = renderInk(element, {columns: 80, rows: 24});
  let screen = await app.waitFor('Narrator:');
  assert.match(screen, /DEMO · simulated data center/);
  assert.match(screen, /hybrid mode/);
  const lines = screen.split('\n');
  assert.ok(lines.length <= 23, `${lines.length} rows`);
  for (const l of lines) assert.ok(l.length <= 80, l);
  assert.match(screen, /Press Enter to begin/, 'the screen still shows');
  await app.press(KEYS.enter);
  screen = await app.waitFor('Step 2/10');
  assert.equal(controller.get().currentStep, 'preflight');
  assert.match(screen, /bootstrap cluster/);
  assert.doesNotMatch(screen, /hybrid mode/);
});

test('no narrator outside a demo session', async () => {
  const {element} = tree(newSession('lab1', 'real'));
  const app = renderInk(element, {columns: 100, rows: 30});
  const screen = await app.waitFor('Press Enter to begin');
  assert.doesNotMatch(screen, /Narrator/);
});

test('--autoplay: a step already done moves on, and Done exits 0 after a pause', {timeout: 20_000}, async () => {
  const session = newSession('demo', 'demo');
  const at = new Date().toISOString();
  for (const id of STEP_IDS) session.steps[id] = {state: 'done', attempts: [], summary: 'ok'};
  session.currentStep = 'verify';
  session.updatedAt = at;
  const exits: number[] = [];
  const {element, controller} = tree(session, {autoplay: true, onExit: c => exits.push(c)});
  const app = renderInk(element, {columns: 100, rows: 30});
  await app.waitFor(/step 10\/10/i, {timeoutMs: 5000}); // Done gives the rail's width to its lines: the title bar says where we are
  assert.equal(controller.get().currentStep, 'done');
  const deadline = Date.now() + AUTOPLAY_DONE_MS + 5000;
  while (exits.length === 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
  assert.deepEqual(exits, [0]);
});

test("`o` on a finished command in any pane opens its log through the shell's handler", async () => {
  const output = new RingBuffer(10);
  output.push('done');
  const result: CommandResult = {
    ok: true,
    exitCode: 0,
    signal: null,
    durationMs: 10,
    lineCount: 1,
    logPath: '/s/demo/logs/verify-1.log',
  };
  const command: RunningCommand = {
    id: 1,
    spec: {command: 'helm', args: [], step: 'data-plane'},
    display: 'helm version',
    startedAt: 0,
    output,
    logPath: '/s/demo/logs/verify-1.log',
    done: Promise.resolve(result),
  };
  const opened: string[] = [];
  const app = renderInk(
    <OpenLogContext.Provider value={p => opened.push(p)}>
      <OutputPane command={command} height={8} width={100} focused sessionDir="/s/demo" />
    </OpenLogContext.Provider>,
    {columns: 110, rows: 24},
  );
  await app.waitFor('o: open log');
  await app.press('o');
  assert.deepEqual(opened, ['/s/demo/logs/verify-1.log']);
});
