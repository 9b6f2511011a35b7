// The control-plane screen's "deploy one" path (issue 10) at 80x24 against the demo world in deploy mode
// (stand-in eksctl for EKS and helm as child processes, FAKE cluster and Admin API): the choice row, the
// form, Esc back to connecting, a key burst, then the phases with elapsed times, the log pane, and the
// hand-over to the usual checks.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {App} from '../../source/app.js';
import {ThemeProvider, makeTheme} from '../../source/ui/theme.js';
import {SessionController} from '../../source/wizard/controller.js';
import {newSession, type Session} from '../../source/session/schema.js';
import {createDemoNet} from '../../source/demo/net.js';
import {mergeAnswers} from '../../source/wizard/reducer.js';
import {startDemoWorld} from '../../source/demo/world.js';
import {startKongDemo} from '../../source/demo/parts/kong.js';
import {cleanupInk, KEYS, renderInk, stripAnsi, type Rendered} from '../helpers/ink.js';
import {demoPorts} from '../helpers/step-context.js';
import {destroyPlan} from '../../source/lifecycle/destroy.js';

afterEach(() => cleanupInk());

function assertFits(app: Rendered) {
  for (const frame of app.frames) {
    const lines = stripAnsi(frame).replace(/\n$/, '').split('\n');
    assert.ok(lines.length <= 24, `frame of ${lines.length} lines:\n${stripAnsi(frame)}`);
    for (const line of lines) assert.ok([...line].length <= 80, `line wider than 80: ${line}`);
  }
}

test(
  'control plane screen, deploy one: choice, form, Esc back to connect, key burst, phases with elapsed times, then the checks',
  {timeout: 120_000},
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-deploy-screen-'));
    const abort = new AbortController();
    const speed = 2000;
    const world = await startDemoWorld({sessionDir: dir, speed, controlPlaneMode: 'deploy'});
    const part = await startKongDemo(world, {sessionDir: dir, speed, signal: abort.signal});
    try {
      // The answers as a session without controlPlane.deploy yet: the screen starts on "connect".
      const {deploy: _deploy, ...cpAnswers} = part.answers.controlPlane!;
      let session: Session = newSession('cp-deploy-screen', 'demo');
      session = {
        ...session,
        answers: mergeAnswers(session.answers, {
          ...part.answers,
          controlPlane: cpAnswers,
          cluster: {name: 'demo'},
        }),
        artifacts: {kubeconfig: world.kubeconfigs.workload},
        currentStep: 'control-plane',
      };
      for (const id of ['welcome', 'preflight', 'discover', 'hardware', 'cluster-spec', 'create-cluster'] as const)
        session.steps[id] = {state: 'skipped', attempts: []};
      const controller = new SessionController(session, s => s);
      const ports = demoPorts({dir, worldEnv: world.env, net: createDemoNet(part.routes, part.dns), speed});
      const licence = cpAnswers.license;
      const app = renderInk(
        <ThemeProvider theme={makeTheme(true)}>
          <App
            controller={controller}
            ports={ports}
            secret={key => (key === 'license' ? licence : undefined)}
            onExit={() => undefined}
          />
        </ThemeProvider>,
        {columns: 80, rows: 24},
      );
      let screen = await app.waitFor(/Control plane +connect to an existing control plane/);
      // ↑ to the choice, → to "deploy one", in one read.
      app.stdin.write(`${KEYS.up}${KEYS.right}`);
      screen = await app.waitFor(/Cluster name +kong-cp/);
      assert.match(screen, /deploy one on EKS/);
      assert.match(screen, /Esc connect instead/);
      // Esc leaves the deploy form (the innermost thing), not the step.
      await app.press(KEYS.escape);
      await app.waitFor(/Kubeconfig/);
      assert.equal(controller.get().currentStep, 'control-plane');
      // Back to deploy; a region eksctl does not know is refused before anything runs.
      app.stdin.write(`${KEYS.up}${KEYS.right}`);
      await app.waitFor(/AWS region/);
      await app.press(KEYS.down, KEYS.down, KEYS.down);
      await app.type('eu');
      await app.press(KEYS.enter);
      await app.waitFor(/Fix first: controlPlane\.deploy\.eks\.region: an AWS/);
      await app.type('-west-3');
      await app.press(KEYS.enter);
      screen = await app.waitFor(/EKS control plane \(CloudFormation stack\)/, {timeoutMs: 30_000});
      assert.match(screen, /Preflight: eksctl, AWS credentials, region \d+m\d\ds/);
      const done = await app.waitFor('Enter to continue', {timeoutMs: 90_000});
      assert.match(done, /8005 cluster ✔/);
      assert.match(done, /8006 telemetry ✔/);
      assert.equal(controller.get().answers.controlPlane?.deploy?.eks?.region, 'eu-west-3');
      assert.equal(
        controller.get().answers.controlPlane?.clusterEndpoint,
        `${world.controlPlane.hostnames.cluster}:8005`,
      );
      assertFits(app);
      await app.press(KEYS.enter);
      await app.waitFor('Kong data plane');
      assert.equal(controller.get().steps['control-plane'].state, 'done');
      assert.match(controller.get().steps['control-plane'].summary ?? '', /^deployed on EKS kong-cp \(eu-west-3\)/);
      // The screen keeps the deploy record as the headless run does: destroy --include-control-plane plans
      // the release, its labelled secrets, its namespace and the EKS cluster; without it they stay.
      const deploy = controller.get().steps['control-plane'].data?.['deploy'] as Record<string, unknown>;
      assert.equal(deploy['eksCluster'], 'kong-cp');
      assert.equal(deploy['region'], 'eu-west-3');
      const withCp = destroyPlan(controller.get(), dir, world.env, {includeControlPlane: true});
      const ids: string[] = withCp.actions.map(a => a.id);
      for (const id of ['cp-helm-uninstall', 'cp-secrets', 'cp-namespace', 'cp-eks-cluster'])
        assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
      const eksDelete = withCp.actions.find(a => a.id === 'cp-eks-cluster')!.spec;
      assert.deepEqual(
        [eksDelete.command, ...eksDelete.args].join(' '),
        'eksctl delete cluster --name kong-cp --region eu-west-3 --wait',
      );
      const withoutCp = destroyPlan(controller.get(), dir, world.env);
      assert.ok(!withoutCp.actions.some(a => a.id.startsWith('cp-')));
      assert.ok(withoutCp.kept.some(k => /control plane: release kong-cp .*--include-control-plane/.test(k)));
    } finally {
      abort.abort();
      await part.close();
      await world.close();
      rmSync(dir, {recursive: true, force: true});
    }
  },
);
