import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {render} from 'ink-testing-library';
import {appTree} from '../helpers/app.js';
import {cleanupInk, KEYS, renderInk, tick, until, waitFor} from '../helpers/ink.js';
import {GLOBAL_KEYS} from '../../source/ui/keys.js';
import {makeTheme, wantsMonochrome} from '../../source/ui/theme.js';

afterEach(() => cleanupInk());

test('Welcome shows the plan; Enter completes it and the rail moves to 2/10 (ink-testing-library)', async () => {
  const {tree, controller} = appTree();
  const app = render(tree);
  await waitFor(app.lastFrame, 'Press Enter to begin');
  const frame = app.lastFrame() ?? '';
  assert.match(frame, /Step 1\/10/);
  assert.match(frame, /Discover the machines/);
  await tick(20);
  app.stdin.write('\r');
  await waitFor(app.lastFrame, 'Step 2/10');
  assert.equal(controller.get().steps.welcome.state, 'done');
  assert.match(app.lastFrame() ?? '', /✔ +1 Welcome/);
  app.unmount();
});

test('the rail shows every step with its state mark and the current one', async () => {
  const {tree, controller} = appTree();
  const at = new Date().toISOString();
  controller.dispatch({type: 'step-started', step: 'welcome', at});
  controller.dispatch({type: 'step-finished', step: 'welcome', at, summary: 'started'});
  controller.dispatch({type: 'next'});
  controller.dispatch({type: 'step-started', step: 'preflight', at});
  controller.dispatch({type: 'step-failed', step: 'preflight', at, error: 'docker missing'});
  const app = renderInk(tree, {columns: 100, rows: 30});
  const screen = await app.waitFor('Step 2/10');
  assert.match(screen, /✔ +1 Welcome/);
  assert.match(screen, /✖ > 2 Preflight/);
  for (const title of [
    'Discover machines',
    'hardware.csv',
    'Cluster spec',
    'Create cluster',
    'Kong control plane',
    'Kong data plane',
    'Verify',
    'Done',
  ]) {
    assert.ok(screen.includes(title), title);
  }
});

test('? opens help generated from the key table; Esc closes it; Esc then goes back', async () => {
  const {tree, controller} = appTree();
  const app = renderInk(tree, {columns: 100, rows: 30});
  await app.waitFor('Press Enter to begin');
  await app.press(KEYS.enter);
  await app.waitFor('Step 2/10');
  await app.press('?');
  const help = await app.waitFor('Help: Preflight');
  for (const binding of GLOBAL_KEYS) assert.ok(help.includes(binding.help.slice(0, 30)), binding.id);
  await app.press(KEYS.escape);
  await app.waitFor(s => !s.includes('Help: Preflight'));
  assert.equal(controller.get().currentStep, 'preflight', 'Esc closed the overlay only');
  await app.press(KEYS.escape);
  await app.waitFor('Step 1/10');
  assert.equal(controller.get().currentStep, 'welcome');
  assert.equal(controller.get().steps.welcome.state, 'done', 'back keeps what was done');
});

test('Ctrl-C asks; n stays; Ctrl-C then y saves the session as interrupted and exits 130', async () => {
  const {tree, controller, exits} = appTree();
  const app = renderInk(tree, {columns: 100, rows: 30});
  await app.waitFor('Press Enter to begin');
  await app.press(KEYS.ctrlC);
  await app.waitFor('Quit eksa-kong?');
  await app.press('n');
  await app.waitFor(s => !s.includes('Quit eksa-kong?'));
  assert.deepEqual(exits, []);
  await app.press(KEYS.ctrlC);
  await app.waitFor('Quit eksa-kong?');
  await app.press('y');
  await until(() => exits.length > 0, 'exit');
  assert.deepEqual(exits, [130]);
  assert.equal(controller.get().status, 'interrupted');
});

test('a step that is running when Ctrl-C is confirmed becomes interrupted', async () => {
  const {tree, controller, exits} = appTree();
  controller.dispatch({type: 'step-started', step: 'welcome', at: new Date().toISOString()});
  const app = renderInk(tree, {columns: 100, rows: 30});
  await app.waitFor('Step 1/10');
  await app.press(KEYS.ctrlC);
  const dialog = await app.waitFor('Quit eksa-kong?');
  assert.match(dialog, /Work is running/);
  await app.press('y');
  await until(() => exits.length > 0, 'exit');
  assert.equal(controller.get().steps.welcome.state, 'interrupted');
  assert.equal(controller.get().steps.welcome.attempts.at(-1)?.result, 'interrupted');
});

test('fits 80x24: no line wider than 80, fewer rows than the terminal; re-lays out on resize', async () => {
  const {tree} = appTree();
  const app = renderInk(tree, {columns: 80, rows: 24});
  const screen = await app.waitFor('Press Enter to begin');
  const lines = screen.split('\n');
  assert.ok(lines.length < 24, `${lines.length} rows`);
  for (const line of lines) assert.ok([...line].length <= 80, `too wide: ${line}`);
  await app.resize(60, 20);
  const small = await app.waitFor(s => s.split('\n').length < 20 && !s.includes('Step 1/10'));
  for (const line of small.split('\n')) assert.ok([...line].length <= 60, `too wide after resize: ${line}`);
});

test('a demo session shows the DEMO banner on the screen', async () => {
  const {tree} = appTree({world: 'demo'});
  const app = renderInk(tree, {columns: 100, rows: 30});
  const screen = await app.waitFor('Press Enter to begin');
  assert.match(screen, /DEMO/);
});

test('monochrome under NO_COLOR, --no-color or TERM=dumb', () => {
  assert.equal(wantsMonochrome({NO_COLOR: '1'}, false), true);
  assert.equal(wantsMonochrome({}, true), true);
  assert.equal(wantsMonochrome({TERM: 'dumb'}, false), true);
  assert.equal(wantsMonochrome({TERM: 'xterm'}, false), false);
  assert.equal(makeTheme(true).color('error'), undefined);
  assert.equal(makeTheme(false).color('error'), 'red');
});

test('a finished step leaves its one-line summary under the next screen', async () => {
  const {tree} = appTree();
  const app = renderInk(tree, {columns: 100, rows: 30});
  await app.waitFor('Press Enter to begin');
  await app.press(KEYS.enter);
  const screen = await app.waitFor('Step 2/10');
  assert.match(screen, /✔ Welcome: started/);
});

test('an answer the session cannot hold is refused with its key on the status line, not a crash', async () => {
  const {InvalidSessionError} = await import('../../source/session/errors.js');
  const {SessionController} = await import('../../source/wizard/controller.js');
  const {newSession} = await import('../../source/session/schema.js');
  const {sessionSchema} = await import('../../source/session/schema.js');
  const controller = new SessionController(newSession('lab1', 'real'), s => {
    const parsed = sessionSchema.safeParse(s);
    if (!parsed.success)
      throw new InvalidSessionError('refusing', 'session.json', 'answers.discovery.pxe.port: Too big');
    return parsed.data;
  });
  const {tree} = appTree({controller});
  const app = renderInk(tree, {columns: 100, rows: 30});
  await app.waitFor('Press Enter to begin');
  const before = controller.get();
  const after = controller.dispatch({type: 'set-answers', patch: {discovery: {pxe: {port: 99999}}}});
  assert.equal(after, before, 'nothing changed');
  await app.waitFor('Not saved: answers.discovery.pxe.port: Too big');
});
