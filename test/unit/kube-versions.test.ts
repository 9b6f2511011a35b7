import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import yaml from 'js-yaml';
import {
  EKSA_RELEASE,
  KUBERNETES_VERSIONS,
  SUPPORT_WINDOWS,
  needsLicenseToken,
  supportLabel,
  supportPhase,
} from '../../source/cluster/kube-versions.js';
import {sharedPath, skipUnlessShared} from '../helpers/shared.js';

const FIXTURE = ['fixtures', 'eksa-crds', 'version_support.yml'];

test(
  'the support table equals EKS Anywhere’s docs/data/version_support.yml',
  {skip: skipUnlessShared(...FIXTURE)},
  () => {
    // JSON_SCHEMA keeps dates as strings, as they are written.
    const doc = yaml.load(readFileSync(sharedPath(...FIXTURE)!, 'utf8'), {schema: yaml.JSON_SCHEMA}) as {
      eksa: {version: string; kube_versions: string[]}[];
      kube: {version: string; endOfStandardSupport?: string; endOfExtendedSupport?: string}[];
    };
    const release = doc.eksa.find(e => `v${e.version}` === EKSA_RELEASE);
    assert.ok(release, `${EKSA_RELEASE} is in version_support.yml`);
    assert.deepEqual([...KUBERNETES_VERSIONS], release.kube_versions);
    assert.equal(doc.eksa[0]!.version, EKSA_RELEASE.slice(1), 'the table follows the newest release');
    for (const v of KUBERNETES_VERSIONS) {
      const k = doc.kube.find(x => x.version === v);
      assert.ok(k, v);
      assert.deepEqual(
        SUPPORT_WINDOWS[v],
        {endOfStandardSupport: k.endOfStandardSupport, endOfExtendedSupport: k.endOfExtendedSupport},
        v,
      );
    }
  },
);

test('support phases by date: the last day of standard support is still standard', () => {
  const at = (d: string) => Date.parse(d);
  assert.equal(supportPhase('1.34', at('2026-12-31T23:59:59Z')), 'standard');
  assert.equal(supportPhase('1.34', at('2027-01-01T00:00:00Z')), 'extended');
  assert.equal(supportPhase('1.30', at('2026-12-06T00:00:00Z')), 'ended');
  assert.equal(needsLicenseToken('1.33', at('2026-12-06T00:00:00Z')), true);
  assert.equal(needsLicenseToken('1.35', at('2026-12-06T00:00:00Z')), false);
  assert.equal(
    needsLicenseToken('1.29', at('2026-12-06T00:00:00Z')),
    false,
    'unsupported versions are refused elsewhere',
  );
  assert.equal(supportLabel('1.36', at('2026-12-06T00:00:00Z')), 'standard support until 2027-08-31');
  assert.equal(supportLabel('1.32', at('2026-12-06T00:00:00Z')), 'extended until 2027-04-30, needs licence token');
  assert.equal(supportLabel('1.30', at('2026-12-06T00:00:00Z')), 'support ended 2026-08-31');
});
