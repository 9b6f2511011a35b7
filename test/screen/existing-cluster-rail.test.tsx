// A data plane on an existing cluster, interactively: the bare-metal steps are passed over by
// navigation (marked skipped with the reason in the rail), and Esc does not land on them either.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {appTree} from '../helpers/app.js';
import {cleanupInk, KEYS, renderInk, tick} from '../helpers/ink.js';
import {newSession} from '../../source/session/schema.js';

afterEach(() => cleanupInk());

const REASON = 'not needed: the data plane goes onto the existing cluster (cluster.existing)';

function existingClusterApp() {
  const session = newSession('dp2', 'real');
  const {tree, controller} = appTree({session});
  controller.dispatch({
    type: 'set-answers',
    patch: {cluster: {existing: {kubeconfig: '~/.kube/vsphere', context: 'vs1'}}},
    external: true,
  });
  const at = new Date().toISOString();
  for (const step of ['welcome', 'preflight'] as const) {
    controller.dispatch({type: 'step-started', step, at});
    controller.dispatch({type: 'step-finished', step, at, summary: 'ok'});
    controller.dispatch({type: 'next'});
  }
  return {tree, controller};
}

test('next from preflight passes discover, hardware.csv and the cluster spec; the rail marks them skipped with why', async () => {
  const {tree, controller} = existingClusterApp();
  assert.equal(controller.get().currentStep, 'create-cluster');
  for (const step of ['discover', 'hardware', 'cluster-spec'] as const) {
    assert.equal(controller.get().steps[step].state, 'skipped', step);
    assert.equal(controller.get().steps[step].summary, REASON);
  }
  const app = renderInk(tree, {columns: 140, rows: 40});
  const screen = await app.waitFor('Step 6/10');
  assert.match(screen, /- +3 Discover machines/);
  assert.match(screen, /- +4 hardware\.csv/);
  assert.match(screen, /- +5 Cluster spec/);
  assert.match(screen, /> ?6 Create cluster/);
  assert.match(screen.replace(/\s+/g, ' '), /- skipped: not needed: the data plane goes onto the existing/);
});

test('Esc from the cluster step goes back to preflight, not onto a skipped step', async () => {
  const {tree, controller} = existingClusterApp();
  const app = renderInk(tree, {columns: 140, rows: 40});
  await app.waitFor('Enter: check it and use it');
  await tick(50);
  await app.press(KEYS.escape);
  await app.waitFor('Step 2/10');
  assert.equal(controller.get().currentStep, 'preflight');
  for (const step of ['discover', 'hardware', 'cluster-spec'] as const) {
    assert.equal(controller.get().steps[step].state, 'skipped', step);
  }
});

test('the cluster step of the existing-cluster flow never offers to create one', async () => {
  const {tree} = existingClusterApp();
  const app = renderInk(tree, {columns: 140, rows: 40});
  const screen = await app.waitFor('Enter: check it and use it');
  assert.match(screen, /The existing cluster the data plane goes onto/);
  assert.doesNotMatch(screen, /creat(e|ing) one|instead of creating/i);
  // The footer and help come from the declared keys: no "cancel" back to a create review.
  assert.doesNotMatch(screen, /Esc cancel/);
  await tick(50);
  await app.press(KEYS.escape);
  const after = await app.waitFor('Step 2/10');
  assert.doesNotMatch(after, /Enter create|eksctl anywhere create cluster/);
});

test('without cluster.existing nothing is skipped: next from preflight opens discover', () => {
  const {controller} = appTree({session: newSession('lab1', 'real')});
  const at = new Date().toISOString();
  for (const step of ['welcome', 'preflight'] as const) {
    controller.dispatch({type: 'step-started', step, at});
    controller.dispatch({type: 'step-finished', step, at, summary: 'ok'});
    controller.dispatch({type: 'next'});
  }
  assert.equal(controller.get().currentStep, 'discover');
  assert.equal(controller.get().steps.discover.state, 'pending');
});
