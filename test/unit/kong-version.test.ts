import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  checkVersionSkew,
  dpImageFor,
  parseKongVersion,
  splitImage,
  VERSION_SKEW_TABLE,
} from '../../source/kong/version.js';

test('the documented example for a 3.9.0.1 control plane', () => {
  const cp = '3.9.0.1';
  for (const dp of ['3.9.0.0', '3.8.1.0', '3.7.0.0', '3.7.1.3', '3.9.1.0', '3.9.0.1'])
    assert.equal(checkVersionSkew(cp, dp).ok, true, dp);
  for (const dp of ['2.8.0.0', '3.10.0.0', '4.0.0.0']) assert.equal(checkVersionSkew(cp, dp).verdict, 'rejected', dp);
});

test('verdicts and log lines', () => {
  assert.equal(checkVersionSkew('3.9.1.2', '3.9.1.2').verdict, 'same');
  const newer = checkVersionSkew('3.9.0.1', '3.10.0.0');
  assert.equal(newer.cpLogLine, 'data plane version 3.10.0.0 is incompatible with older control plane version 3.9.0.1');
  assert.match(newer.fix ?? '', /kong\/kong-gateway:3\.9\.0\.1/);
  assert.match(checkVersionSkew('3.9.0.1', '2.8.0.0').cpLogLine ?? '', /\(3\.x\.y are accepted\)/);
  assert.match(checkVersionSkew('3.9.0.1', '3.8.1.0').explanation, /older/);
});

test('minor versions compare numerically, not as strings', () => {
  assert.equal(checkVersionSkew('3.10.0.0', '3.9.1.0').ok, true);
  assert.equal(checkVersionSkew('3.9.1.0', '3.10.0.0').ok, false);
});

test('moving or odd tags are not accepted blindly', () => {
  assert.equal(checkVersionSkew('3.9.1.2', 'latest').verdict, 'unknown');
  assert.equal(checkVersionSkew('3.9.1.2', 'latest').ok, false);
  const floating = checkVersionSkew('3.9.1.2', '3.9');
  assert.equal(floating.ok, true);
  assert.match(floating.fix ?? '', /Pin/);
  assert.equal(checkVersionSkew('garbage', '3.9').verdict, 'unknown');
});

test('parse, image and split helpers', () => {
  assert.deepEqual(parseKongVersion('3.10.0.0-enterprise-edition'), {
    major: 3,
    minor: 10,
    rest: [0, 0],
    text: '3.10.0.0-enterprise-edition',
  });
  assert.equal(parseKongVersion('x'), null);
  assert.deepEqual(dpImageFor('3.9.1.2'), {repository: 'kong/kong-gateway', tag: '3.9.1.2'});
  assert.deepEqual(dpImageFor('3.9.1.2-enterprise-edition'), {repository: 'kong/kong-gateway', tag: '3.9.1.2'});
  assert.deepEqual(splitImage('registry.local:5000/kong/kong-gateway:3.9.1.2'), {
    repository: 'registry.local:5000/kong/kong-gateway',
    tag: '3.9.1.2',
  });
  assert.deepEqual(splitImage('registry.local:5000/kong/kong-gateway'), {
    repository: 'registry.local:5000/kong/kong-gateway',
  });
  assert.equal(VERSION_SKEW_TABLE.filter(r => r.result === 'rejected').length, 2);
});
