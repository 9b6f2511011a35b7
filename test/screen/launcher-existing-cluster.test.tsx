// The launcher's "Add a data plane to an existing cluster": name, kubeconfig and context, each checked,
// and a session that opens at the preflight with cluster.existing set and the bare-metal steps skipped.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import {cleanupInk, renderInk, KEYS, tick} from '../helpers/ink.js';
import {tempHome} from '../helpers/cli.js';
import {Launcher, type LauncherChoice} from '../../screens/Launcher.js';
import {openSession} from '../../source/wizard/open-session.js';

afterEach(() => cleanupInk());

const saved = [{name: 'lab1', step: 'discover', status: 'interrupted', updatedAt: '2026-12-06T10:00:00Z'}];

async function openForm(choices: LauncherChoice[]) {
  const r = renderInk(<Launcher sessions={saved} demoAvailable onChoice={c => choices.push(c)} />, {
    columns: 120,
    rows: 30,
  });
  await r.waitFor('Add a data plane to an existing cluster');
  await tick(50);
  await r.press(KEYS.down, KEYS.enter);
  await r.waitFor('Kubeconfig:');
  return r;
}

test('the launcher asks name, kubeconfig and context, and chooses an existing-cluster session', async () => {
  const choices: LauncherChoice[] = [];
  const r = await openForm(choices);
  await r.type('dp2');
  await r.press(KEYS.enter);
  // The kubeconfig field starts at the usual path; replace it.
  for (let i = 0; i < '~/.kube/config'.length; i++) await r.press(KEYS.backspace);
  await r.type('~/.kube/vsphere');
  await r.press(KEYS.enter);
  await r.type('vs1-admin@vs1');
  await r.press(KEYS.enter);
  assert.deepEqual(choices, [{kind: 'existing', name: 'dp2', kubeconfig: '~/.kube/vsphere', context: 'vs1-admin@vs1'}]);
});

test('a taken or malformed name, or a kubeconfig path that starts with "-", is refused with the field named', async () => {
  const choices: LauncherChoice[] = [];
  const r = await openForm(choices);
  await r.type('lab1');
  await r.press(KEYS.enter);
  await r.waitFor('A session named lab1 exists');
  for (let i = 0; i < 4; i++) await r.press(KEYS.backspace);
  await r.type('DP 2');
  await r.press(KEYS.enter);
  await r.waitFor('Session name: use lowercase letters');
  for (let i = 0; i < 4; i++) await r.press(KEYS.backspace);
  await r.type('dp2');
  await r.press(KEYS.enter);
  for (let i = 0; i < '~/.kube/config'.length; i++) await r.press(KEYS.backspace);
  await r.type('-kubeconfig');
  await r.press(KEYS.enter);
  await r.waitFor('Kubeconfig: a path cannot start with "-"');
  assert.deepEqual(choices, []);
  // Esc goes back to the menu; nothing was chosen.
  await r.press(KEYS.escape);
  await r.waitFor('Guided demo');
  assert.deepEqual(choices, []);
});

test('an empty context means the kubeconfig current context: no context in the choice', async () => {
  const choices: LauncherChoice[] = [];
  const r = await openForm(choices);
  await r.type('dp3');
  await r.press(KEYS.enter, KEYS.enter, KEYS.enter);
  assert.deepEqual(choices, [{kind: 'existing', name: 'dp3', kubeconfig: '~/.kube/config'}]);
});

test('the chosen session opens at the preflight with cluster.existing set (welcome done, as the launcher does)', async () => {
  const home = tempHome('eksa-kong-launcher-existing-');
  const opened = await openSession({
    home,
    name: 'dp2',
    create: 'dry-run',
    env: {},
    command: 'test',
    answers: {cluster: {existing: {kubeconfig: '~/.kube/vsphere', context: 'vs1'}}},
    welcomed: 'a data plane on an existing cluster, from the launcher',
  });
  try {
    const s = opened.controller.get();
    assert.equal(s.currentStep, 'preflight');
    assert.equal(s.steps.welcome.state, 'done');
    assert.deepEqual(s.answers.cluster?.existing, {kubeconfig: '~/.kube/vsphere', context: 'vs1'});
    // Finishing the preflight passes the bare-metal steps.
    const at = new Date().toISOString();
    opened.controller.dispatch({type: 'step-started', step: 'preflight', at});
    opened.controller.dispatch({type: 'step-finished', step: 'preflight', at, summary: 'ok'});
    opened.controller.dispatch({type: 'next'});
    assert.equal(opened.controller.get().currentStep, 'create-cluster');
  } finally {
    opened.close();
  }
});
