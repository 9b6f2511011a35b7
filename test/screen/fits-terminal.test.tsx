// A terminal smaller than the layout shows one line instead of squeezed, overlapping boxes; the app
// stays mounted underneath, takes no key but Ctrl-C meanwhile, and comes back as it was.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import {appTree} from '../helpers/app.js';
import {cleanupInk, KEYS, renderInk, tick, until} from '../helpers/ink.js';
import {FitsTerminal, tooSmallMessage} from '../../source/ui/FitsTerminal.js';
import {Launcher, type LauncherChoice} from '../../screens/Launcher.js';

afterEach(() => cleanupInk());

/** The screen's text with its wrapping undone. */
const unwrapped = (screen: string) =>
  screen
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
    .join(' ');

test('app: 100x30 → 40x10 shows one line, keys but Ctrl-C are ignored, 100x30 shows the step again', async () => {
  const {tree, controller, exits} = appTree({world: 'demo'});
  const app = renderInk(<FitsTerminal>{tree}</FitsTerminal>, {columns: 100, rows: 30});
  await app.waitFor('Press Enter to begin');
  await app.resize(40, 10);
  const small = await app.waitFor(s => !s.includes('Step 1/10'));
  assert.equal(unwrapped(small), 'eksa-kong needs at least 80×24; this terminal is 40×10. Enlarge it to go on.');
  // Enter would begin the wizard on a screen nobody sees: it is dropped.
  await app.press(KEYS.enter, 'q', KEYS.down);
  await tick(50);
  assert.equal(controller.get().currentStep, 'welcome');
  await app.resize(79, 24);
  assert.match(unwrapped(app.screen()), /this terminal is 79×24/);
  await app.resize(100, 30);
  const back = await app.waitFor('Press Enter to begin');
  assert.match(back, /Step 1\/10/);
  assert.doesNotMatch(back, /needs at least/);
  await app.press(KEYS.enter);
  await until(() => controller.get().currentStep === 'preflight', 'Enter acts again once the terminal fits');
  // Ctrl-C still reaches the quit dialog while the terminal is small: twice quits with 130.
  await app.resize(40, 10);
  await app.press(KEYS.ctrlC);
  await tick(50);
  await app.press(KEYS.ctrlC);
  await until(() => exits.length > 0, 'exit');
  assert.deepEqual(exits, [130]);
});

test('80x24 shows the app; one row or column less shows the line', async () => {
  assert.match(tooSmallMessage(79, 30), /this terminal is 79×30/);
  const {tree} = appTree();
  const app = renderInk(<FitsTerminal>{tree}</FitsTerminal>, {columns: 80, rows: 24});
  const screen = await app.waitFor('Press Enter to begin');
  assert.doesNotMatch(screen, /needs at least/);
  await app.resize(80, 23);
  await app.waitFor(s => unwrapped(s).includes('this terminal is 80×23'));
});

test('launcher: too small shows the line; Ctrl-C still leaves as interrupted', async () => {
  const choices: LauncherChoice[] = [];
  const r = renderInk(
    <FitsTerminal>
      <Launcher sessions={[]} demoAvailable onChoice={c => choices.push(c)} />
    </FitsTerminal>,
    {columns: 40, rows: 10},
  );
  await r.waitFor(s => unwrapped(s).includes('this terminal is 40×10'));
  assert.doesNotMatch(r.screen(), /New session/);
  await tick(50);
  await r.press(KEYS.enter);
  assert.deepEqual(choices, []);
  await r.press(KEYS.ctrlC);
  assert.deepEqual(choices, [{kind: 'quit', interrupted: true}]);
});
