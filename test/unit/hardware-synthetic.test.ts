// The benchmark's input: 5,000 synthetic machines validate with no findings (correctness only; the
// 0.5 s budget is measured by `npm run bench`, not here).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {makeSyntheticCsv} from '../../source/hardware/synthetic.js';
import {validateHardwareCsv} from '../../source/hardware/validate.js';

test('5,000 synthetic rows validate with no errors or warnings, all distinct', () => {
  const r = validateHardwareCsv(makeSyntheticCsv(5000));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.machines, 5000);
  for (const key of ['hostname', 'ipAddress', 'mac'] as const)
    assert.equal(new Set(r.rows.map(x => x[key])).size, 5000, key);
  assert.equal(new Set(r.rows.map(x => x.bmc?.ip)).size, 5000);
  assert.equal(r.rows.at(-1)!.line, 5001);
});

test('makeSyntheticCsv refuses sizes that would leave the /16', () => {
  assert.throws(() => makeSyntheticCsv(40_000), RangeError);
  assert.throws(() => makeSyntheticCsv(-1), RangeError);
  assert.equal(makeSyntheticCsv(0).split('\n').length, 2);
});
