import {test} from 'node:test';
import assert from 'node:assert/strict';
import {settingsFromAnswers, settingsToAnswers} from '../../source/discovery/plan.js';

test('the neighbour-table source is switched from answers and written back', () => {
  const off = settingsFromAnswers({});
  assert.equal(off.neighbours, false);
  const on = settingsFromAnswers({discovery: {neighbours: true}});
  assert.equal(on.neighbours, true);
  assert.equal(settingsToAnswers(on).neighbours, true);
  assert.equal(settingsToAnswers(off).neighbours, undefined);
});
