import {test} from 'node:test';
import assert from 'node:assert/strict';
import {checklistRows} from '../../screens/cluster/Checklist.js';
import type {PreflightCheck} from '../../source/cluster/preflight.js';

const check = (id: string, status: PreflightCheck['status'], fix = ''): PreflightCheck =>
  ({id, title: id, status, detail: 'detail', fix}) as PreflightCheck;

const longFix =
  'Install eksctl and the eksctl-anywhere plugin (both on PATH) as the EKS Anywhere install guide describes.';

test('a fix wraps onto further lines when there is room, so it can be read whole', () => {
  const rows = checklistRows([check('eksctl', 'fail', longFix), check('kubectl', 'pass')], 10, 50);
  const fix = rows
    .filter(r => r.status === 'fix')
    .map(r => r.text.trim())
    .join(' ')
    .replace(/^→ /, '');
  assert.equal(fix, longFix);
  assert.ok(
    rows.every(r => r.text.length <= 50),
    'no line wider than the box',
  );
});

test('without spare lines a fix takes one line, and with too little room passing checks fold', () => {
  const checks = [check('eksctl', 'fail', longFix), check('a', 'pass'), check('b', 'pass')];
  assert.equal(checklistRows(checks, 4, 50).filter(r => r.status === 'fix').length, 1);
  const folded = checklistRows(checks, 3, 50);
  assert.match(folded[0]!.text, /2 passed: a, b/);
});
