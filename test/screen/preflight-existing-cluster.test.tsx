// The preflight screen of a data plane on an existing cluster checks only kubectl, helm and that
// cluster (no eksctl, docker, Tinkerbell ports or provisioning interface), and a cluster that does not
// answer blocks Enter with the reason.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {cleanupInk, KEYS, tick} from '../helpers/ink.js';
import {renderStep, sessionAt} from '../helpers/step-screen.js';
import {testPorts} from '../helpers/step-context.js';
import {FakeCommandRunner} from '../helpers/cluster-fakes.js';
import {tempHome} from '../helpers/cli.js';

afterEach(() => cleanupInk());

test(
  'existing cluster: the preflight screen runs the narrower checks and blocks on an unreachable cluster',
  {timeout: 30_000},
  async () => {
    const runner = new FakeCommandRunner({
      'kubectl version': {lines: ['{"clientVersion":{"gitVersion":"v1.35.1"}}']},
      'helm version': {lines: ['v3.17.2+gcc0bbbd']},
    });
    const missing = join(tempHome('eksa-kong-preflight-existing-'), 'no-such-kubeconfig');
    const session = sessionAt('preflight', {cluster: {existing: {kubeconfig: missing}}});
    const h = renderStep('preflight', session, testPorts({runner}), {columns: 120, rows: 30});
    const screen = await h.app.waitFor('Existing cluster reachable', {timeoutMs: 20_000});
    assert.match(screen, /kubectl/);
    assert.match(screen, /helm/);
    assert.doesNotMatch(screen, /Tinkerbell ports|Docker|eksctl|Provisioning interface/);
    assert.deepEqual(
      runner.started.map(s => s.command),
      ['kubectl', 'helm'],
      'no bare-metal probe was run',
    );
    await tick(50);
    await h.app.press(KEYS.enter);
    await tick(50);
    assert.deepEqual(h.completed, [], 'an unreachable cluster blocks the step');
  },
);
