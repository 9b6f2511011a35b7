// The step-screen harness (test/helpers/step-screen.tsx) the cluster screen tests render through.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {renderStep, sessionAt} from '../helpers/step-screen.js';
import {testPorts} from '../helpers/step-context.js';

test('the harness renders a step screen inside the width and height the shell gives it', async () => {
  const h = renderStep('welcome', sessionAt('welcome', {}), testPorts());
  const screen = await h.app.waitFor(s => s.length > 0);
  assert.ok(screen.split('\n').length <= 25);
  h.app.unmount();
});
