// Ctrl-C at the launcher is an interruption (exit 130 like everywhere else), not the Quit item (exit 0).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import {renderInk, KEYS, tick} from '../helpers/ink.js';
import {Launcher, type LauncherChoice} from '../../screens/Launcher.js';

test('Ctrl-C at the launcher chooses quit as interrupted', async () => {
  const choices: LauncherChoice[] = [];
  const r = renderInk(<Launcher sessions={[]} demoAvailable onChoice={c => choices.push(c)} />);
  await r.waitFor('New session');
  await tick(50);
  await r.press(KEYS.ctrlC);
  assert.deepEqual(choices, [{kind: 'quit', interrupted: true}]);
  r.unmount();
});
