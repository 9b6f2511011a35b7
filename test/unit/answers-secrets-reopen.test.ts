// Reopening a session with the same answers file must not look like a change: the inline secrets it
// repeats live in secrets.json, not in the session's answers. A different secret is a change.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {openSession} from '../../source/wizard/open-session.js';
import {withoutUnchangedSecrets, emptySecrets} from '../../source/session/secrets.js';
import type {Answers} from '../../source/session/answers.js';

const withPassword = (password: string): Answers => ({
  discovery: {redfish: {targets: ['10.20.1.11'], username: 'admin', password}},
});

const open = (home: string, answers: Answers) =>
  openSession({home, name: 'lab1', create: 'dry-run', env: {}, command: 'test', answers});

test('the same inline Redfish password again keeps Discover done; a new one sends it back', async t => {
  const home = mkdtempSync(join(tmpdir(), 'eksa-kong-reopen-'));
  t.after(() => rmSync(home, {recursive: true, force: true}));
  const first = await open(home, withPassword('s3cret'));
  const at = new Date().toISOString();
  first.controller.dispatch({type: 'step-started', step: 'discover', at});
  first.controller.dispatch({type: 'step-finished', step: 'discover', at, summary: '2 machines'});
  await first.close();

  const same = await open(home, withPassword('s3cret'));
  assert.equal(same.controller.get().steps.discover.state, 'done');
  await same.close();

  const changed = await open(home, withPassword('an0ther'));
  assert.equal(changed.controller.get().steps.discover.state, 'pending');
  assert.equal(changed.controller.get().steps.discover.error, 'answer discovery.redfish.password changed');
  await changed.close();
});

test('withoutUnchangedSecrets drops only the secrets equal to the stored ones, and leaves its input alone', () => {
  const stored = {...emptySecrets(), redfishPassword: 'same', kongAdminToken: 'tok3n'};
  stored.bmc.byHostname['cp01'] = 'bmc-old';
  const patch: Answers = {
    discovery: {redfish: {targets: ['10.20.1.11'], password: 'same'}},
    controlPlane: {adminToken: 'tok3n', license: 'new-licence'},
    machines: [
      {
        hostname: 'cp01',
        mac: 'aa:bb:cc:00:00:01',
        ip: '10.20.0.11',
        role: 'cp',
        disk: '/dev/sda',
        bmc: {ip: '10.20.1.11', username: 'root', password: 'bmc-new'},
      },
    ],
  };
  const out = withoutUnchangedSecrets(patch, stored);
  assert.equal(out.discovery?.redfish?.password, undefined);
  assert.equal(out.controlPlane?.adminToken, undefined);
  assert.equal(out.controlPlane?.license, 'new-licence', 'not stored: kept');
  assert.equal(out.machines?.[0]?.bmc?.password, 'bmc-new', 'different: kept');
  assert.equal(patch.discovery?.redfish?.password, 'same', 'input untouched');
});
