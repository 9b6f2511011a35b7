// The demo must never need a licence token: its Kubernetes version follows the (pinned) date.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {clusterDemoAnswers, demoImagePath, demoKubernetesVersion} from '../../source/demo/parts/cluster.js';
import {needsLicenseToken} from '../../source/cluster/kube-versions.js';

const day = (d: string) => Date.parse(`${d}T12:00:00Z`);

test('the demo keeps its story version (1.35) while it is in standard support', () => {
  assert.equal(demoKubernetesVersion(day('2026-12-06')), '1.35');
  assert.equal(demoKubernetesVersion(day('2027-04-30')), '1.35');
});

test('past 1.35 standard support the demo moves to the newest version still in it', () => {
  assert.equal(demoKubernetesVersion(day('2027-05-01')), '1.36');
  for (const d of ['2026-12-06', '2027-05-01', '2027-08-31']) {
    const now = day(d);
    assert.equal(needsLicenseToken(demoKubernetesVersion(now), now), false, d);
  }
});

test('the demo image follows the version', () => {
  const answers = clusterDemoAnswers(day('2027-05-01'));
  assert.equal(answers.cluster?.kubernetesVersion, '1.36');
  assert.equal(demoImagePath('1.36'), '/ubuntu-2204-kube-1-36.gz');
  assert.ok(answers.cluster?.osImageUrl?.endsWith('/ubuntu-2204-kube-1-36.gz'));
});
