// The control-plane screen's deploy form beyond the EKS cluster (issue 10), against the demo world in deploy
// mode (stand-in eksctl and helm as child processes, FAKE Kubernetes API and Kong): the CP onto an existing
// EKS cluster (kubeconfig and context) with an external database whose password is typed (it reaches the
// cluster's secret and secrets.json, never session.json); and Esc while the deploy runs: it asks first,
// "n" (or Esc) keeps it going, "y" cancels eksctl and says what is left in AWS and how to remove it, and r
// carries on from the stack AWS kept creating.
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
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {startKongDemo} from '../../source/demo/parts/kong.js';
import {lookupSecret} from '../../source/wizard/open-session.js';
import {extractSecrets} from '../../source/session/secrets.js';
import {cleanupInk, KEYS, renderInk, stripAnsi, type Rendered} from '../helpers/ink.js';
import {demoPorts} from '../helpers/step-context.js';
import type {Answers} from '../../source/session/answers.js';

afterEach(() => cleanupInk());

function assertFits(app: Rendered) {
  for (const frame of app.frames) {
    const lines = stripAnsi(frame).replace(/\n$/, '').split('\n');
    assert.ok(lines.length <= 24, `frame of ${lines.length} lines:\n${stripAnsi(frame)}`);
    for (const line of lines) assert.ok([...line].length <= 80, `line wider than 80: ${line}`);
  }
}

/** The app at the control-plane step of a demo world in deploy mode, with the answers `cp` gives. */
async function atControlPlane(
  speed: number,
  cp: (world: DemoWorld, given: NonNullable<Answers['controlPlane']>) => NonNullable<Answers['controlPlane']>,
  body: (app: Rendered, controller: SessionController, world: DemoWorld) => Promise<void>,
) {
  const dir = mkdtempSync(join(tmpdir(), 'cp-deploy-more-'));
  const abort = new AbortController();
  const world = await startDemoWorld({sessionDir: dir, speed, controlPlaneMode: 'deploy'});
  const part = await startKongDemo(world, {sessionDir: dir, speed, signal: abort.signal});
  try {
    let session: Session = newSession('cp-deploy-more', 'demo');
    session = {
      ...session,
      answers: mergeAnswers(session.answers, {
        ...part.answers,
        controlPlane: cp(world, part.answers.controlPlane!),
        cluster: {name: 'demo'},
      }),
      artifacts: {kubeconfig: world.kubeconfigs.workload},
      currentStep: 'control-plane',
    };
    for (const id of ['welcome', 'preflight', 'discover', 'hardware', 'cluster-spec', 'create-cluster'] as const)
      session.steps[id] = {state: 'skipped', attempts: []};
    const controller = new SessionController(session, s => s);
    const ports = demoPorts({dir, worldEnv: world.env, net: createDemoNet(part.routes, part.dns), speed});
    const app = renderInk(
      <ThemeProvider theme={makeTheme(true)}>
        <App
          controller={controller}
          ports={ports}
          // As a real session: inline answers and references, then secrets.json.
          secret={key => lookupSecret(dir, controller.get().answers, ports.env, key)}
          onExit={() => undefined}
        />
      </ThemeProvider>,
      {columns: 80, rows: 24},
    );
    await body(app, controller, world);
  } finally {
    abort.abort();
    await part.close();
    await world.close();
    rmSync(dir, {recursive: true, force: true});
  }
}

test(
  'deploy form: an existing EKS cluster by kubeconfig/context and an external database with a typed password',
  {timeout: 120_000},
  async () => {
    await atControlPlane(
      2000,
      (_world, given) => {
        const {deploy, ...rest} = given;
        return {...rest, deploy: {...deploy, database: {type: 'bundled'}}};
      },
      async (app, controller, world) => {
        await app.waitFor(/Cluster name +kong-cp/);
        // ↑ to the EKS cluster choice, → "existing": its kubeconfig and context replace the eksctl fields.
        await app.press(KEYS.up, KEYS.right);
        let screen = await app.waitFor(/EKS cluster +‹ existing \(kubeconfig\) ›/);
        assert.doesNotMatch(screen, /Cluster name|AWS region|Node type/);
        await app.press(KEYS.down);
        await app.waitFor(/› Kubeconfig/);
        // Replace the default path with the CP cluster's kubeconfig; the context comes from the file.
        for (let i = 0; i < 20; i++) app.stdin.write(KEYS.backspace);
        await app.type(world.kubeconfigs.controlPlane);
        await app.press(KEYS.down);
        await app.waitFor(new RegExp(`› Context +${world.contexts.controlPlane}`));
        // Database → external: host, port, user, where the password comes from.
        await app.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.right);
        screen = await app.waitFor(/Database +‹ external ›/);
        await app.press(KEYS.down);
        await app.type('kong-db.internal.example');
        // Enter with no password anywhere: the headless run's refusal, naming the key; nothing ran.
        await app.press(KEYS.enter);
        await app.waitFor(/Fix first: missing answer:\s+controlPlane\.deploy\.database\.passwordEnv/);
        assert.equal(controller.get().steps['control-plane'].attempts.length, 0);
        await app.press(KEYS.down, KEYS.down, KEYS.down);
        await app.waitFor(/› DB password +‹ typed ›/);
        // "typed" (the default without a reference): a masked field.
        await app.press(KEYS.down);
        await app.type('pg-Secret-42');
        screen = await app.waitFor(/› +password +\*{12}/);
        assert.doesNotMatch(screen, /pg-Secret-42/);
        await app.press(KEYS.enter);
        screen = await app.waitFor('Enter to continue', {timeoutMs: 90_000});
        assert.doesNotMatch(app.frames.map(stripAnsi).join('\n'), /pg-Secret-42/, 'never on the screen');
        const answers = controller.get().answers;
        assert.equal(answers.controlPlane?.deploy?.eks, undefined, 'eks left out: the existing cluster');
        assert.equal(answers.controlPlane?.kubeconfig, world.kubeconfigs.controlPlane);
        assert.deepEqual(
          {...answers.controlPlane?.deploy?.database, password: undefined},
          {type: 'external', host: 'kong-db.internal.example', port: 5432, user: 'kong', password: undefined},
        );
        // Saving moves it to secrets.json; session.json would not hold it.
        const split = extractSecrets(answers);
        assert.equal(split.secrets.cpDatabasePassword, 'pg-Secret-42');
        assert.doesNotMatch(JSON.stringify(split.answers), /pg-Secret-42/);
        // The cluster's secret holds the typed password; the step data records no EKS cluster of its own.
        const secret = world.apis.controlPlane.store.get({
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: 'kong',
          name: 'kong-cp-postgresql',
        }) as {data?: Record<string, string>} | undefined;
        assert.equal(Buffer.from(secret!.data!['password']!, 'base64').toString(), 'pg-Secret-42');
        const deploy = controller.get().steps['control-plane'].data?.['deploy'] as Record<string, unknown>;
        assert.equal(deploy['eksCluster'], undefined);
        assert.equal(deploy['kubeconfig'], world.kubeconfigs.controlPlane);
        assertFits(app);
      },
    );
  },
);

test(
  'Esc while deploying asks first: n and Esc keep it going (a burst of keys too), y cancels eksctl and names what is left; r carries on',
  {timeout: 150_000},
  async () => {
    await atControlPlane(
      40,
      (_world, given) => given,
      async (app, controller) => {
        await app.waitFor(/Cluster name +kong-cp/);
        await app.press(KEYS.enter);
        let screen = await app.waitFor(/EKS control plane \(CloudFormation stack\)/, {timeoutMs: 30_000});
        assert.match(screen, /Esc stop the deploy/, 'the footer says how to stop');
        await app.press(KEYS.escape);
        screen = await app.waitFor(/Stop the deploy\? y cancels eksctl\/helm/);
        assert.match(screen, /y\/Y stop it · n\/N\/Esc keep going/);
        await app.press('n');
        await app.waitFor(/Deploying the control plane… Esc stops/);
        // In one read: Esc opens the question, Esc closes it, Esc opens it again, n closes it.
        app.stdin.write(`${KEYS.escape}${KEYS.escape}${KEYS.escape}n`);
        await app.waitFor(/Deploying the control plane… Esc stops/);
        assert.equal(controller.get().steps['control-plane'].state, 'running', 'it goes on');
        assert.equal(controller.get().currentStep, 'control-plane', 'Esc never left the step');
        // Ctrl-C's quit dialog says what quitting would leave in AWS; n stays and the deploy goes on.
        await app.press(KEYS.ctrlC);
        screen = await app.waitFor(/Quit eksa-kong\?/);
        assert.match(screen.replace(/\s+/g, ' '), /Left: EKS cluster kong-cp \(eu-west-3\)/);
        assert.match(screen, /resuming the session carries on from/);
        await app.press('n');
        await app.waitFor(s => !s.includes('Quit eksa-kong?'));
        assert.equal(controller.get().steps['control-plane'].state, 'running', 'n kept the deploy going');
        await app.press(KEYS.escape);
        await app.waitFor(/Stop the deploy\?/);
        await app.press('y');
        screen = await app.waitFor(/deploy stopped \(Esc\)/, {timeoutMs: 30_000});
        // The whole of it is on the screen (beside the rail) and in the step's recorded error.
        assert.match(screen, /CloudFormation goes on creating it in AWS/);
        assert.match(screen, /kong-cp --wait — Enter edit · r retry/);
        const record = controller.get().steps['control-plane'];
        assert.match(
          record.error ?? '',
          /EKS cluster kong-cp \(eu-west-3\): CloudFormation goes on creating it in AWS/,
        );
        assert.match(
          record.error ?? '',
          /to remove it: eksctl delete cluster --region eu-west-3 --name kong-cp --wait$/,
        );
        assert.equal(record.state, 'failed');
        assert.match(record.error ?? '', /^deploy stopped \(Esc\)\. Left: EKS cluster kong-cp/);
        assert.equal(controller.get().currentStep, 'control-plane');
        // r: the stack that went on in AWS is found, not created twice.
        await app.press('r');
        await app.waitFor('Enter to continue', {timeoutMs: 90_000});
        const deploy = controller.get().steps['control-plane'].data?.['deploy'] as Record<string, unknown>;
        assert.equal(deploy['eksResumed'], true, JSON.stringify(deploy));
        assertFits(app);
      },
    );
  },
);
