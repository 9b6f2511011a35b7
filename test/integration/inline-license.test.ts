// An inline controlPlane.license moves from the answers into secrets.json when the session takes it;
// the data plane must still get it (license_secret in the values, the secret in the manifests), as
// `generate dp-values` does, and the licence text must stay out of session.json.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, tempHome} from '../helpers/cli.js';

const LICENSE = '{"license":{"payload":{"customer":"inline-license-7731"},"signature":"abc","version":"1"}}';

test(
  'dry run: an inline license reaches the values and the secret manifests, not session.json',
  {timeout: 90_000},
  async () => {
    const home = tempHome();
    const answers = join(home, 'answers.yaml');
    const text = readFileSync('templates/answers.example.yaml', 'utf8').replace(
      /^controlPlane:\n/m,
      `controlPlane:\n  license: '${LICENSE}'\n`,
    );
    writeFileSync(answers, text);
    const run = await runCli(['--dry-run', '--non-interactive', '--answers', answers], {
      EKSA_KONG_HOME: home,
      BMC_PASSWORD: 'bmc-pw-x',
      KONG_ADMIN_TOKEN: 'kpat_x',
    });
    assert.equal(run.code, 0, run.stderr);
    const dir = join(home, 'sessions', 'lab1');
    assert.match(readFileSync(join(dir, 'kong-dp-values.yaml'), 'utf8'), /license_secret: kong-enterprise-license/);
    const manifests = readFileSync(join(dir, 'kong-dp-secrets.yaml'), 'utf8');
    assert.match(manifests, /name: kong-enterprise-license/);
    assert.ok(manifests.includes(Buffer.from(LICENSE).toString('base64')));
    assert.ok(!readFileSync(join(dir, 'session.json'), 'utf8').includes('inline-license-7731'));
  },
);
