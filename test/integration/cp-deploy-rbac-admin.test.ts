// RBAC on the control plane the wizard deploys (issue 10): the FAKE Admin API refuses as Kong Enterprise
// does (kong/enterprise_edition/api_helpers.lua, kong/rbac/init.lua), and in the demo world it enforces
// RBAC exactly when the values the wizard installed turn it on, with the super admin's password the
// wizard put in the CP's Secret as the token. The deployed CP's Admin API starts with no entities.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startFakeKongAdmin} from '../../source/demo/fake-kong-admin.js';
import {startDemoWorld} from '../../source/demo/world.js';
import {startKongDemo} from '../../source/demo/parts/kong.js';
import {createDemoNet} from '../../source/demo/net.js';
import {adminPasswordSecretName} from '../../source/kong/cp-values.js';
import {SessionController} from '../../source/wizard/controller.js';
import {mergeAnswers} from '../../source/wizard/reducer.js';
import {newSession, type Session} from '../../source/session/schema.js';
import {demoPorts, runStep, stepContext} from '../helpers/step-context.js';

const get = async (url: string, token?: string) => {
  const res = await fetch(url, {
    headers: token === undefined ? {} : {'kong-admin-token': token},
    signal: AbortSignal.timeout(10_000),
  });
  return {status: res.status, body: (await res.json()) as Record<string, unknown>};
};

test(
  'FAKE Kong Admin API with RBAC: refuses a missing or wrong Kong-Admin-Token with Kong’s messages',
  {timeout: 20_000},
  async () => {
    const withGui = await startFakeKongAdmin({token: 'the-super-admin-password', adminGuiAuth: 'basic-auth'});
    const rbacOnly = await startFakeKongAdmin({token: () => 'the-super-admin-password'});
    const unreadable = await startFakeKongAdmin({token: () => null});
    try {
      // admin_gui_auth set: no token goes to validate_admin (api_helpers.lua).
      assert.deepEqual(await get(`${withGui.url}/services`), {
        status: 401,
        body: {message: 'Invalid credentials. Token or User credentials required'},
      });
      // A token that is no RBAC user's: the request's user is "guest" (rbac/init.lua validate_user).
      assert.deepEqual(await get(`${withGui.url}/services`, 'not-the-password'), {
        status: 401,
        body: {message: 'Invalid RBAC credentials'},
      });
      assert.deepEqual(await get(`${rbacOnly.url}/`), {status: 401, body: {message: 'Invalid RBAC credentials'}});
      assert.deepEqual(await get(`${unreadable.url}/`, 'anything'), {
        status: 401,
        body: {message: 'Invalid RBAC credentials'},
      });
      const ok = await get(`${rbacOnly.url}/`, 'the-super-admin-password');
      assert.equal(ok.status, 200);
      assert.equal((ok.body['configuration'] as Record<string, unknown>)['enforce_rbac'], 'on');
    } finally {
      await Promise.all([withGui.close(), rbacOnly.close(), unreadable.close()]);
    }
  },
);

test(
  'demo world, deploy mode with rbac: true: the deployed CP enforces RBAC with the password in its Secret, and starts with no entities',
  {timeout: 150_000},
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-deploy-rbac-'));
    const abort = new AbortController();
    const speed = 2000;
    const world = await startDemoWorld({sessionDir: dir, speed, controlPlaneMode: 'deploy'});
    const part = await startKongDemo(world, {sessionDir: dir, speed, signal: abort.signal});
    try {
      const adminRoute = part.routes.find(r => r.host === world.controlPlane.hostnames.admin && r.port === 8001)!;
      const admin = `http://${adminRoute.to.host}:${adminRoute.to.port}`;
      // No CP deployed yet: nothing enforces RBAC.
      const before = await get(`${admin}/`);
      assert.equal((before.body['configuration'] as Record<string, unknown>)['enforce_rbac'], 'off');

      const cp = part.answers.controlPlane!;
      let session: Session = newSession('cp-deploy-rbac', 'demo');
      session = {
        ...session,
        answers: mergeAnswers(session.answers, {
          ...part.answers,
          controlPlane: {...cp, deploy: {...cp.deploy, rbac: true}},
          cluster: {name: 'demo'},
        }),
        artifacts: {kubeconfig: world.kubeconfigs.workload},
        currentStep: 'control-plane',
      };
      for (const id of ['welcome', 'preflight', 'discover', 'hardware', 'cluster-spec', 'create-cluster'] as const)
        session.steps[id] = {state: 'skipped', attempts: []};
      const controller = new SessionController(session, s => s);
      const ports = demoPorts({dir, worldEnv: world.env, net: createDemoNet(part.routes, part.dns), speed});
      // What secrets.json would hold: the inline values the step put in the answers (saving moves them there).
      const {ctx} = stepContext(controller, ports, {
        secret: key => {
          const now = controller.get().answers.controlPlane;
          if (key === 'license') return cp.license;
          if (key === 'kong.adminToken') return now?.adminToken;
          if (key === 'kong.cpDatabasePassword') return (now?.deploy?.database as {password?: string})?.password;
          return undefined;
        },
      });
      const outcome = await runStep(ctx, controller, 'control-plane', abort.signal);
      assert.match(outcome.summary ?? '', /^deployed on EKS kong-cp/);

      // The token is what the wizard put in the CP's Secret on the simulated EKS cluster.
      const secret = world.apis.controlPlane.store.get({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'kong',
        name: adminPasswordSecretName('kong-cp'),
      });
      const token = Buffer.from((secret?.['data'] as Record<string, string>)['password']!, 'base64').toString('utf8');
      assert.equal(token, controller.get().answers.controlPlane?.adminToken);
      assert.ok(token.length >= 32, 'a generated password, not a constant');

      // The chart's values turned on admin_gui_auth (basic-auth): Kong's answer to a missing token.
      assert.deepEqual(await get(`${admin}/services`), {
        status: 401,
        body: {message: 'Invalid credentials. Token or User credentials required'},
      });
      assert.deepEqual(await get(`${admin}/services`, `${token}x`), {
        status: 401,
        body: {message: 'Invalid RBAC credentials'},
      });
      const info = await get(`${admin}/`, token);
      assert.equal((info.body['configuration'] as Record<string, unknown>)['enforce_rbac'], 'on');
      // A fresh CP has no entities: the control-plane step wrote none (the smoke test and the API come later).
      for (const collection of ['services', 'routes', 'plugins', 'consumers']) {
        const page = await get(`${admin}/${collection}`, token);
        assert.equal(page.status, 200, collection);
        assert.deepEqual(page.body, {data: [], next: null}, collection);
      }
    } finally {
      abort.abort();
      await part.close();
      await world.close();
      rmSync(dir, {recursive: true, force: true});
    }
  },
);
