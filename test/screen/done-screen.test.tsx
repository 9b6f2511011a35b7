// Done: what an admin copies (control-plane endpoints, the proxy URL, the Next commands) is wrapped whole,
// never cut with "…", at 120 columns and at 80x24; the step rail gives up its titles for the width.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {appTree} from '../helpers/app.js';
import {sessionAt, specAnswers} from '../helpers/step-screen.js';
import {cleanupInk, renderInk} from '../helpers/ink.js';

afterEach(() => cleanupInk());

const CLUSTER = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6-1234567890.elb.eu-west-1.amazonaws.com:8005';
const TELEMETRY = 'f6e5d4c3b2a1f6e5d4c3b2a1f6e5d4c3-0987654321.elb.eu-west-1.amazonaws.com:8006';
const PROXY = 'http://10.20.0.12:32080';

function doneSession() {
  const s = sessionAt('done', specAnswers);
  s.artifacts = {...s.artifacts, kubeconfig: 'seed/seed-eks-a-cluster.kubeconfig'};
  s.steps['control-plane'] = {
    ...s.steps['control-plane'],
    data: {clusterEndpoint: CLUSTER, telemetryEndpoint: TELEMETRY, version: '3.9.1.2'},
  };
  s.steps['data-plane'] = {
    ...s.steps['data-plane'],
    summary: 'kong-dp in kong: 1/1 Ready',
    data: {proxyUrl: PROXY, namespace: 'kong'},
  };
  return s;
}

/** The screen's text with the wrapping undone: rows joined, the rail and indentation dropped. */
function unwrapped(screen: string, railColumns: number): string {
  return screen
    .split('\n')
    .map(l => l.slice(railColumns).trim())
    .join('');
}

for (const [columns, rows] of [
  [120, 30],
  [80, 24],
] as const) {
  test(
    `done at ${columns}x${rows}: endpoints, proxy URL and Next commands are whole, nothing is cut with "…"`,
    {timeout: 15_000},
    async () => {
      const {tree} = appTree({session: doneSession()});
      const app = renderInk(tree, {columns, rows});
      const screen = await app.waitFor('What now exists');
      const body = screen.split('\n').slice(2, -2).join('\n');
      assert.doesNotMatch(body, /…/);
      const text = unwrapped(body, 7);
      assert.ok(text.includes(CLUSTER), `cluster endpoint whole in:\n${screen}`);
      assert.ok(text.includes('curl -i http://10.20.0.12:32080/httpbin/anything'), 'the route command');
      assert.ok(text.includes('eksa-kong runbook lab1'), 'the runbook command');
      assert.ok(screen.split('\n').every(l => l.length <= columns));
      // The rail keeps numbers and marks, not titles.
      assert.match(screen, /✔ +9/);
      assert.doesNotMatch(screen, /Discover machines/);
    },
  );
}

test('pods that waited for a configuration read as configured once verify has given them one', async () => {
  const {doneSections} = await import('../../source/steps/done/step.js');
  const s = doneSession();
  s.steps['data-plane'] = {
    ...s.steps['data-plane'],
    summary: 'kong-dp in kong · 1 pod connected, waiting for configuration',
    data: {proxyUrl: PROXY, namespace: 'kong', awaitingConfig: true},
  };
  s.steps.verify = {...s.steps.verify, state: 'pending'};
  assert.ok(
    doneSections(s, '/s').exists.includes('Data plane: kong-dp in kong · 1 pod connected, waiting for configuration'),
  );
  s.steps.verify = {...s.steps.verify, state: 'done'};
  assert.ok(
    doneSections(s, '/s').exists.includes('Data plane: kong-dp in kong · 1 pod connected, configured by verify'),
  );
});
