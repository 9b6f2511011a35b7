import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import fc from 'fast-check';
import type {Answers} from '../../source/session/answers.js';
import {sessionDir} from '../../source/session/home.js';
import {
  allSecretValues,
  bmcSecretRef,
  eksaLicenseTokenRef,
  emptySecrets,
  extractSecrets,
  hasSecrets,
  loadSecrets,
  mergeSecrets,
  resolveSecret,
} from '../../source/session/secrets.js';
import {createSession, loadSession, saveSession, saveSessionSync} from '../../source/session/store.js';
import {tempHome} from '../fixtures/session/tmp.js';

const machine = (hostname: string, bmc: Record<string, string>) => ({
  hostname,
  mac: 'aa:bb:cc:00:00:01',
  ip: '10.20.0.11',
  role: 'cp' as const,
  disk: '/dev/sda',
  bmc: {ip: '10.20.1.11', username: 'admin', ...bmc},
});

function answersWith(bmc1: string, bmc2: string, redfish: string, token: string, license: string): Answers {
  return {
    session: 'lab1',
    machines: [machine('eksa-cp01', {password: bmc1}), machine('eksa-wk01', {password: bmc2})],
    discovery: {redfish: {username: 'root', password: redfish}},
    controlPlane: {adminUrl: 'https://cp:8444', adminToken: token, license},
  };
}

test('extractSecrets moves inline secrets out and leaves references', () => {
  const input: Answers = {
    machines: [machine('eksa-cp01', {password: 'pw1'}), machine('eksa-wk01', {passwordEnv: 'BMC_PASSWORD'})],
    discovery: {redfish: {password: 'sweep', insecure: true}},
    controlPlane: {adminToken: 'kpat_1', license: '{"license":1}', adminTokenEnv: 'T', licenseFile: '/l.json'},
  };
  const copy = structuredClone(input);
  const {answers, secrets} = extractSecrets(input);
  assert.deepEqual(input, copy, 'input untouched');
  assert.deepEqual(secrets.bmc.byHostname, {'eksa-cp01': 'pw1'});
  assert.equal(secrets.redfishPassword, 'sweep');
  assert.equal(secrets.kongAdminToken, 'kpat_1');
  assert.equal(secrets.license, '{"license":1}');
  assert.equal(answers.machines?.[0]?.bmc?.password, undefined);
  assert.equal(answers.machines?.[1]?.bmc?.passwordEnv, 'BMC_PASSWORD');
  assert.deepEqual(answers.discovery, {redfish: {insecure: true}});
  assert.deepEqual(answers.controlPlane, {adminTokenEnv: 'T', licenseFile: '/l.json'});
});

test('resolveSecret reads inline values, env vars and files', t => {
  const dir = tempHome(t);
  const file = join(dir, 'pw');
  writeFileSync(file, 'from-file\n');
  assert.equal(resolveSecret('inline', {}), 'inline');
  assert.equal(resolveSecret({env: 'BMC_PASSWORD'}, {BMC_PASSWORD: 'from-env'}), 'from-env');
  assert.equal(resolveSecret({file}, {}), 'from-file');
  assert.throws(() => resolveSecret({env: 'NOPE'}, {}), /environment variable NOPE is not set/);
});

test('resolveSecret: a file error names the file, never the content', t => {
  const dir = tempHome(t);
  const missing = join(dir, 'missing');
  assert.throws(
    () => resolveSecret({file: missing}, {}),
    (err: Error) => err.message === `cannot read secret file ${missing}: no such file or folder`,
  );
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  assert.throws(
    () => resolveSecret({file: folder}, {}),
    (err: Error) => err.message.includes(folder),
  );
});

test('lookups: a reference in the answers wins over secrets.json, then hostname, then BMC IP', () => {
  const secrets = emptySecrets();
  secrets.bmc.byHostname['eksa-cp01'] = 'by-host';
  secrets.bmc.byIp['10.20.1.11'] = 'by-ip';
  assert.deepEqual(bmcSecretRef(secrets, machine('eksa-cp01', {passwordEnv: 'E'})), {env: 'E'});
  assert.equal(bmcSecretRef(secrets, machine('eksa-cp01', {})), 'by-host');
  assert.equal(bmcSecretRef(secrets, machine('eksa-wk09', {})), 'by-ip');
});

test('allSecretValues: resolvable values from secrets and answers, longest first, unresolvable skipped', t => {
  const dir = tempHome(t);
  writeFileSync(join(dir, 'token'), 'token-from-file\n');
  const secrets = emptySecrets();
  secrets.bmc.byHostname['a'] = 'pw';
  secrets.bmc.byIp['10.0.0.1'] = {env: 'BMC_IP_PW'};
  secrets.kongAdminToken = {file: join(dir, 'token')};
  secrets.license = {file: join(dir, 'missing')};
  const answers: Answers = {
    machines: [machine('b', {passwordEnv: 'BMC_PASSWORD'})],
    controlPlane: {adminTokenEnv: 'UNSET'},
  };
  const env = {BMC_IP_PW: 'ip-secret', BMC_PASSWORD: 'env-pw', OTHER: 'not a secret'};
  assert.deepEqual(allSecretValues(secrets, env), ['token-from-file', 'ip-secret', 'pw']);
  assert.deepEqual(allSecretValues(secrets, env, answers), ['token-from-file', 'ip-secret', 'env-pw', 'pw']);
});

test('save: inline secrets go to secrets.json (0600), never to session.json', async t => {
  const home = tempHome(t);
  const s = await createSession(home, 'lab1', 'real');
  const dir = sessionDir(home, 'lab1');
  await saveSession(dir, {...s, answers: answersWith('bmc-one', 'bmc-two', 'sweep-pw', 'kpat_token', 'LICENSE-DATA')});
  const text = readFileSync(join(dir, 'session.json'), 'utf8');
  for (const v of ['bmc-one', 'bmc-two', 'sweep-pw', 'kpat_token', 'LICENSE-DATA']) assert.ok(!text.includes(v), v);
  assert.equal(statSync(join(dir, 'secrets.json')).mode & 0o777, 0o600);
  const secrets = await loadSecrets(dir);
  assert.deepEqual(secrets.bmc.byHostname, {'eksa-cp01': 'bmc-one', 'eksa-wk01': 'bmc-two'});
  assert.equal(secrets.kongAdminToken, 'kpat_token');
  // A later save without inline secrets keeps what secrets.json holds.
  await saveSession(dir, await loadSession(home, 'lab1'));
  assert.deepEqual(await loadSecrets(dir), secrets);
});

test('property: arbitrary secret strings in the answers never reach session.json', {timeout: 60_000}, async t => {
  const home = tempHome(t);
  const s = await createSession(home, 'lab1', 'real');
  const dir = sessionDir(home, 'lab1');
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string({unit: 'binary', maxLength: 40}), {minLength: 5, maxLength: 5}),
      fc.boolean(),
      async (raw, sync) => {
        // A marker makes every secret distinguishable from the rest of the file, whatever it contains.
        const values = raw.map((v, i) => `Zq${n}x${i}K${v}`);
        n++;
        const [a, b, c, d, e] = values as [string, string, string, string, string];
        const next = {...s, answers: answersWith(a, b, c, d, e)};
        if (sync) saveSessionSync(dir, next);
        else await saveSession(dir, next);
        const text = readFileSync(join(dir, 'session.json'), 'utf8');
        for (const v of values) {
          assert.ok(!text.includes(JSON.stringify(v).slice(1, -1)), 'secret found in session.json');
          assert.ok(!text.includes(v.slice(0, v.indexOf('K') + 1)), 'secret marker found in session.json');
        }
        const secrets = await loadSecrets(dir);
        assert.deepEqual(secrets.bmc.byHostname, {'eksa-cp01': a, 'eksa-wk01': b});
        assert.deepEqual([secrets.redfishPassword, secrets.kongAdminToken, secrets.license], [c, d, e]);
      },
    ),
    {numRuns: 40},
  );
});

test('cluster.licenseToken is a secret: moved to secrets.json, references kept, redacted, looked up env-first', () => {
  const input: Answers = {cluster: {name: 'seed', licenseToken: 'eyJ.tok.en', licenseTokenFile: '/t.jwt'}};
  const {answers, secrets} = extractSecrets(input);
  assert.equal(secrets.eksaLicenseToken, 'eyJ.tok.en');
  assert.deepEqual(answers.cluster, {name: 'seed', licenseTokenFile: '/t.jwt'});
  assert.ok(hasSecrets(secrets));
  assert.deepEqual(eksaLicenseTokenRef(secrets, {cluster: {licenseTokenEnv: 'EKSA_TOKEN'}}), {env: 'EKSA_TOKEN'});
  assert.equal(eksaLicenseTokenRef(secrets, {}), 'eyJ.tok.en');
  assert.deepEqual(mergeSecrets(secrets, emptySecrets()).eksaLicenseToken, 'eyJ.tok.en');
  assert.ok(
    allSecretValues(emptySecrets(), {EKSA_TOKEN: 'from-env'}, {cluster: {licenseTokenEnv: 'EKSA_TOKEN'}}).includes(
      'from-env',
    ),
  );
});

test('unusableSecretRef names the reference that is set and why it cannot be used, never a value', async () => {
  const {unusableSecretRef} = await import('../../source/session/secrets.js');
  assert.deepEqual(unusableSecretRef('controlPlane', 'adminToken', {adminTokenEnv: 'KONG_T'}, {}), {
    key: 'controlPlane.adminTokenEnv',
    message: 'controlPlane.adminTokenEnv: environment variable KONG_T is not set',
  });
  assert.equal(unusableSecretRef('controlPlane', 'adminToken', {adminTokenEnv: 'KONG_T'}, {KONG_T: 's3cret'}), null);
  const file = unusableSecretRef('cluster', 'licenseToken', {licenseTokenFile: '/nonexistent/token'}, {});
  assert.equal(file?.key, 'cluster.licenseTokenFile');
  assert.match(
    file?.message ?? '',
    /^cluster\.licenseTokenFile: cannot read secret file \/nonexistent\/token: no such file/,
  );
  assert.equal(
    unusableSecretRef('machines[0].bmc', 'password', {password: 'inline'}, {}),
    null,
    'no reference: nothing to report',
  );
});
