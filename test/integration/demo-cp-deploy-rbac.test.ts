// The headless demo deploying the control plane with RBAC on (issue 10): the deployed CP refuses Admin
// API calls without the super admin's token (the FAKE enforces what the installed values say), so the run
// ends verified only because the wizard sends the password it generated, kept in secrets.json alone.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCli} from '../helpers/cli.js';

test(
  'headless demo with controlPlane.deploy.rbac: true ends verified; the admin token only in secrets.json',
  {timeout: 240_000},
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'demo-cp-deploy-rbac-'));
    const answers = join(home, 'answers.yaml');
    writeFileSync(
      answers,
      `controlPlane:
  deploy:
    eks: {create: true, name: kong-cp, region: eu-west-3, kubernetesVersion: "1.33", nodeType: m6i.large, nodes: 2}
    database: {type: bundled}
    admin: {expose: ClusterIP}
    rbac: true
    manager: false
`,
    );
    try {
      const r = await runCli([
        'demo',
        '--non-interactive',
        '--control-plane',
        'deploy',
        '--speed',
        '1000',
        '--answers',
        answers,
        '--home',
        home,
      ]);
      assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
      const out = r.stdout;
      assert.match(out, /RBAC: generated the kong_admin password; it is kept in secrets\.json/);
      assert.match(out, /\[7\/10\] Kong control plane: deployed on EKS kong-cp \(eu-west-3\) · Kong /);
      assert.match(out, /\[9\/10\] Verify: 1 data plane connected \(sync_status normal\)/);
      assert.match(out, /\[10\/10\] Done: finished/);
      const dir = join(home, 'sessions', 'demo');
      const token = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).kongAdminToken as string;
      assert.ok(token && token.length >= 32, 'the generated kong_admin password is kept in secrets.json');
      const book = await runCli(['runbook', 'demo', '--home', home]);
      assert.equal(book.code, 0, book.stderr);
      assert.ok(!out.includes(token) && !r.stderr.includes(token), 'the token is not in the output');
      assert.ok(!book.stdout.includes(token), 'the token is not in the runbook');
      // Not in session.json, the logs or any other file of the session (the simulated cluster keeps the
      // Secret base64-encoded, as Kubernetes does).
      const files = readdirSync(dir, {recursive: true, withFileTypes: true})
        .filter(e => e.isFile() && e.name !== 'secrets.json')
        .map(e => join(e.parentPath, e.name));
      assert.ok(files.includes(join(dir, 'session.json')));
      assert.ok(
        files.some(f => f.includes(join('logs', 'control-plane'))),
        'the step has logs',
      );
      for (const file of files) assert.ok(!readFileSync(file).includes(token), `the admin token is in ${file}`);
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  },
);
