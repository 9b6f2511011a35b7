// The control-plane screen's "deploy one" choice under the one key dispatcher (no world needed): a burst of
// keys in one read acts in order in the deploy form; Esc cancels the innermost thing first (the deploy form
// back to the choice on "connect"), then goes back exactly one step; at 80x24 every frame fits.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {appTree} from '../helpers/app.js';
import {sessionAt, specAnswers} from '../helpers/step-screen.js';
import {cleanupInk, KEYS, renderInk, stripAnsi, tick} from '../helpers/ink.js';
import type {Answers} from '../../source/session/answers.js';

afterEach(() => cleanupInk());

const deployAnswers: Answers = {
  ...specAnswers,
  controlPlane: {
    deploy: {
      eks: {
        create: true,
        name: 'kong-cp',
        region: 'eu-west-3',
        kubernetesVersion: '1.33',
        nodeType: 'm6i.large',
        nodes: 2,
      },
      database: {type: 'bundled'},
      admin: {expose: 'ClusterIP'},
    },
  },
};

function fits(frames: string[]) {
  for (const frame of frames) {
    const lines = stripAnsi(frame).replace(/\n$/, '').split('\n');
    assert.ok(lines.length <= 24, `frame of ${lines.length} lines:\n${stripAnsi(frame)}`);
    for (const line of lines) assert.ok([...line].length <= 80, `line wider than 80: ${line}`);
  }
}

test(
  'control-plane, deploy from the answers file: "z q Backspace" types into the form (one read); Esc → connect, Esc → back one step',
  {timeout: 20_000},
  async () => {
    const {tree, controller} = appTree({session: sessionAt('control-plane', deployAnswers)});
    const app = renderInk(tree, {columns: 80, rows: 24});
    // The answers file chose "deploy one": the form shows what it gave.
    let screen = await app.waitFor(/Control plane +deploy one on EKS/);
    assert.match(screen, /AWS region +eu-west-3/);
    assert.match(screen, /Node type +m6i\.large/);
    await tick(50);
    const before = app.frames.length;
    app.stdin.write(`zq${KEYS.backspace}`);
    screen = await app.waitFor(
      s =>
        /Cluster name +kong-cpz(?!q)/.test(s) && app.frames.slice(before).some(f => stripAnsi(f).includes('kong-cpzq')),
    );
    // ←/→ on a choice row, Enter with a bad name is refused before anything runs and nothing typed is lost.
    await app.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.right);
    await app.waitFor(/Admin API +‹ InternalLoadBalancer ›/);
    await app.press(KEYS.escape);
    screen = await app.waitFor(/Control plane +connect to an existing control plane/);
    assert.match(screen, /Kubeconfig/);
    assert.equal(controller.get().currentStep, 'control-plane', 'Esc left the deploy form and did nothing else');
    // Back to deploy in one read (↑ to the choice, →): what was typed is still there.
    app.stdin.write(`${KEYS.up}${KEYS.right}`);
    screen = await app.waitFor(/Cluster name +kong-cpz/);
    assert.match(screen, /Admin API +InternalLoadBalancer/);
    await app.press(KEYS.escape);
    await app.waitFor(/Control plane +connect to an existing/);
    await app.press(KEYS.escape);
    await app.waitFor(() => controller.get().currentStep !== 'control-plane');
    await app.press();
    await tick(20);
    assert.equal(controller.get().currentStep, 'create-cluster');
    fits(app.frames);
  },
);

test('control-plane, deploy form: a name eksctl refuses is named before anything runs', {timeout: 20_000}, async () => {
  const {tree, controller} = appTree({session: sessionAt('control-plane', deployAnswers)});
  const app = renderInk(tree, {columns: 80, rows: 24});
  await app.waitFor(/Cluster name +kong-cp/);
  app.stdin.write(`_x${KEYS.enter}`);
  const screen = await app.waitFor(/Fix first: controlPlane\.deploy\.eks\.name: an EKS\s+cluster name is a letter/);
  assert.match(screen, /Cluster name +kong-cp_x/, 'nothing typed is lost');
  assert.equal(controller.get().steps['control-plane'].attempts.length, 0, 'nothing ran');
  assert.equal(controller.get().answers.controlPlane?.deploy?.eks?.name, 'kong-cp');
  fits(app.frames);
});
