// The launcher's menu under the one key dispatcher: each key of a read acts in order (Down then Enter
// in one read moves, then chooses), and the footer and the ? help list exactly the keys that act.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import {cleanupInk, renderInk, KEYS, tick} from '../helpers/ink.js';
import {Launcher, type LauncherChoice} from '../../screens/Launcher.js';

afterEach(() => cleanupInk());

const saved = [
  {name: 'lab1', step: 'discover', status: 'interrupted', updatedAt: '2026-12-06T10:00:00Z'},
  {name: 'lab0', step: 'done', status: 'done', updatedAt: '2026-12-05T10:00:00Z'},
];

function launcher(choices: LauncherChoice[]) {
  return renderInk(<Launcher sessions={saved} demoAvailable onChoice={c => choices.push(c)} />, {
    columns: 100,
    rows: 30,
  });
}

test('Down and Enter in one read: the cursor moves, then Enter opens that item', async () => {
  const choices: LauncherChoice[] = [];
  const r = launcher(choices);
  await r.waitFor('❯ New session');
  await tick(50);
  r.stdin.write(KEYS.down + KEYS.enter);
  await r.waitFor('Kubeconfig:');
  assert.deepEqual(choices, [], 'the existing-cluster form opened; nothing chosen yet');
});

test('a longer burst (Down Down Down Enter) in one read opens the fourth item (status of lab0)', async () => {
  const choices: LauncherChoice[] = [];
  const r = launcher(choices);
  await r.waitFor('❯ New session');
  await tick(50);
  r.stdin.write(`${KEYS.down}${KEYS.down}${KEYS.down}${KEYS.enter}`);
  await r.waitFor(() => choices.length > 0);
  assert.deepEqual(choices, [{kind: 'status', name: 'lab0'}]);
});

test('Up from the top wraps to Quit; Enter quits (not interrupted)', async () => {
  const choices: LauncherChoice[] = [];
  const r = launcher(choices);
  await r.waitFor('❯ New session');
  await tick(50);
  await r.press(KEYS.up);
  await r.waitFor('❯ Quit');
  await r.press(KEYS.enter);
  assert.deepEqual(choices, [{kind: 'quit'}]);
});

test('the footer and the ? help come from the declared keys; Esc closes the help', async () => {
  const choices: LauncherChoice[] = [];
  const r = launcher(choices);
  const menu = await r.waitFor('❯ New session');
  assert.match(menu, /↑↓ move · Enter choose · \? help · Ctrl-C quit/);
  await tick(50);
  await r.press('?');
  const help = await r.waitFor('Help: eksa-kong');
  for (const line of [/↑↓ +Move through the menu/, /Enter +Open what is selected/, /Ctrl-C +Leave eksa-kong/])
    assert.match(help, line);
  // Keys under the help do not move the menu behind it.
  await r.press(KEYS.down);
  await r.press(KEYS.escape);
  const back = await r.waitFor(s => !s.includes('Help: eksa-kong'));
  assert.match(back, /❯ New session/);
  assert.deepEqual(choices, []);
});

test('in the name form the footer shows the field keys and Esc back, not the menu keys', async () => {
  const choices: LauncherChoice[] = [];
  const r = launcher(choices);
  await r.waitFor('❯ New session');
  await tick(50);
  await r.press(KEYS.enter);
  const form = await r.waitFor('Session name:');
  assert.match(form, /Esc back/);
  assert.doesNotMatch(form, /↑↓ move/);
});
