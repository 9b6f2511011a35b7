import {test} from 'node:test';
import assert from 'node:assert/strict';
import {STEP_IDS} from '../../source/wizard/step-ids.js';

test('ten steps in order', () => {
  assert.equal(STEP_IDS.length, 10);
  assert.equal(STEP_IDS[0], 'welcome');
  assert.equal(STEP_IDS[9], 'done');
});
