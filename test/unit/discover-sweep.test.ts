import {test} from 'node:test';
import assert from 'node:assert/strict';
import {sweepCandidates} from '../../source/steps/discover/step.js';
import {settingsFromAnswers} from '../../source/discovery/plan.js';

test('one key sweeps the neighbour-table candidates: added to the Redfish targets once each, Redfish switched on', () => {
  const base = settingsFromAnswers({discovery: {neighbours: true}});
  assert.equal(base.redfish.enabled, false);
  const once = sweepCandidates(base, ['10.20.1.11', '10.20.1.12']);
  assert.equal(once.redfish.enabled, true);
  assert.equal(once.redfish.targets, '10.20.1.11, 10.20.1.12');
  const again = sweepCandidates({...once, redfish: {...once.redfish, targets: '10.20.1.12, 10.20.1.40'}}, [
    '10.20.1.11',
    '10.20.1.12',
  ]);
  assert.equal(again.redfish.targets, '10.20.1.12, 10.20.1.40, 10.20.1.11');
  assert.equal(again.neighbours, true, 'the other sources are left as they were');
});
