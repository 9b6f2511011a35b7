// `eksa-kong upgrade NAME --dp-version V [--yes] [--dry-run]`: rolling upgrade of a session's data plane.
// Exit 0 upgraded (or rolled back on request after a failure: still 1), 1 failed, 2 refused by the
// version rule or bad input.
import type {Command} from 'commander';
import {isAbsolute, relative} from 'node:path';
import {addGlobalOptions, UsageError} from '../cli-options.js';
import type {CommandContext, ContextFor} from './index.js';

export function registerUpgrade(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('upgrade')
      .description(
        "rolling upgrade of a session's data plane to another Kong version, within the control plane's version rule",
      )
      .argument('<name>', 'session name')
      .requiredOption('--dp-version <version>', 'the kong/kong-gateway tag to run, e.g. 3.9.1.2'),
  ).action(async (name: string, options: {dpVersion: string}, cmd: Command) => {
    const ctx = context(cmd);
    ctx.setExit(await runUpgradeCommand(ctx, name, options.dpVersion));
  });
}

async function askYes(question: string): Promise<boolean> {
  const {createInterface} = await import('node:readline/promises');
  const rl = createInterface({input: process.stdin, output: process.stdout});
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runUpgradeCommand(ctx: CommandContext, name: string, to: string): Promise<number> {
  if (!/^\d+\.\d+(\.\d+)*$/.test(to.trim()))
    throw new UsageError(`--dp-version must be a Kong version such as 3.9.1.2 (got "${to}")`);
  const {loadSession} = await import('../session/store.js');
  const session = await loadSession(ctx.home, name);
  if (session.destroyedAt)
    throw new UsageError(`session ${name} was destroyed at ${session.destroyedAt}: there is no data plane to upgrade`);
  if (session.steps['data-plane'].state !== 'done')
    throw new UsageError(
      `session ${name} has no deployed data plane yet (data-plane step: ${session.steps['data-plane'].state}); finish it first: eksa-kong resume ${name}`,
    );
  const out = (line: string) => ctx.io.stdout.write(line + '\n');
  const err = (line: string) => ctx.io.stderr.write(line + '\n');

  const {openForChange} = await import('../lifecycle/open.js');
  const up = await import('../lifecycle/upgrade.js');
  const {workloadKubeconfig} = await import('../steps/data-plane/dp-step.js');
  const {createKubeApi} = await import('../kong/kube-client.js');
  const {openAdmin} = await import('../steps/verify/verify-step.js');
  const {cpInputFromAnswers, expandPath} = await import('../steps/control-plane/cp-step.js');
  const {adminUrlOf} = await import('../lifecycle/status.js');
  const {formatCommandLine} = await import('../run/command-line.js');
  const {opened, close} = await openForChange(ctx, name, `eksa-kong upgrade ${name}`);
  try {
    const s = opened.controller.get();
    const dp = s.steps['data-plane'].data ?? {};
    const workload = workloadKubeconfig(s, opened.dir, opened.ports.env);
    if (!workload) throw new UsageError(`session ${name}: the kubeconfig of its cluster is not known`);
    const t: import('../lifecycle/upgrade.js').UpgradeTarget = {
      release: String(dp['release'] ?? 'kong-dp'),
      namespace: String(dp['namespace'] ?? 'kong'),
      kubeconfig: workload.kubeconfig,
      context: workload.context,
      kubeconfigArg:
        isAbsolute(workload.kubeconfig) && !relative(opened.dir, workload.kubeconfig).startsWith('..')
          ? relative(opened.dir, workload.kubeconfig)
          : workload.kubeconfig,
      sessionDir: opened.dir,
      env: opened.ports.env,
      image: String(dp['image'] ?? 'kong/kong-gateway'),
      replicas: Number(dp['replicas'] ?? 1),
      proxyUrl: typeof dp['proxyUrl'] === 'string' ? dp['proxyUrl'] : undefined,
    };
    const from = (await import('../kong/version.js')).splitImage(t.image).tag ?? '?';

    // The CP's version, read live (the rule is about what runs now), else what the control-plane step saw.
    const cp = cpInputFromAnswers(s.answers);
    const cpData = s.steps['control-plane'].data ?? {};
    const {adminTokenSourceFromAnswers, resolveAdminToken} = await import('../kong/admin-api.js');
    const token =
      opened.secret('kong.adminToken') ??
      (await resolveAdminToken(adminTokenSourceFromAnswers(s.answers.controlPlane), opened.ports.env).then(r =>
        r.ok ? r.token : undefined,
      ));
    const admin = await openAdmin(
      {
        adminUrl: adminUrlOf(s),
        cp: {
          kubeconfig: expandPath(cp.kubeconfig, opened.ports.env),
          context: cp.context,
          namespace: cp.namespace,
          release: cp.release,
        },
        podNames: [],
        smokeTest: false,
      },
      {net: opened.ports.net, clock: opened.ports.clock, token},
    );
    try {
      let cpVersion: string;
      try {
        cpVersion = (await admin.admin.getInfo()).version;
      } catch (error) {
        if (typeof cpData['version'] !== 'string') throw error;
        cpVersion = cpData['version'];
        err(
          `The control plane did not answer (${(error as Error).message.split('\n')[0]}); using the version the control-plane step read: ${cpVersion}.`,
        );
      }
      const rule = up.judgeUpgrade(cpVersion, to);
      if (!rule.ok) {
        err(
          `eksa-kong: refused: ${to} under a ${cpVersion} control plane breaks Kong's version rule (same major, data plane minor ≤ control plane minor).`,
        );
        err(rule.explanation);
        if (rule.cpLogLine) err(`The control plane would log: ${rule.cpLogLine}`);
        if (rule.fix) err(`fix: ${rule.fix}`);
        return 2;
      }
      out(`Control plane ${cpVersion}; data plane ${t.release} ${from} → ${to}: ${rule.explanation}`);
      if (from === to)
        out(`The data plane already runs ${to}; helm upgrade rolls the pods anyway only if the values changed.`);
      const command = up.upgradeCommand(t, to);
      if (ctx.opts.dryRun) {
        out('Dry run: nothing is changed. Would run:');
        out(`  $ ${formatCommandLine(command.command, command.args)}`);
        out(
          `then watch the pods of ${t.release} roll to ${to}, check /clustering/data-planes and ${t.proxyUrl ? `GET ${t.proxyUrl}/httpbin/anything` : 'the proxy'}.`,
        );
        return 0;
      }
      const kube = createKubeApi(workload.kubeconfig, workload.context);
      const previous = await up.deployedRevision(kube, t);
      const speed = Math.max(1, opened.ports.speed);
      const at = () => new Date().toISOString();
      const helm = await up.runWithOutput(opened.ports.runner, command, out);
      const record = (event: Omit<import('../session/schema.js').LifecycleEvent, 'at'>) =>
        opened.controller.dispatch({type: 'lifecycle-event', event: {at: at(), ...event}});
      let failure: string | undefined;
      let rollout: import('../lifecycle/upgrade.js').RolloutResult | undefined;
      if (!helm.ok) failure = `helm upgrade failed: ${helm.error ?? `exit ${helm.exitCode}`}`;
      else {
        let last = '';
        rollout = await up.watchRollout(kube, t, to, {
          clock: opened.ports.clock,
          intervalMs: Math.max(100, 2000 / speed),
          timeoutMs: 600_000 / speed,
          onPods: pods => {
            const line = up.rolloutLine(pods);
            if (line !== last) out(`pods: ${line}`);
            last = line;
          },
        });
        if (rollout.status !== 'done') failure = `rollout ${rollout.status}: ${rollout.title}`;
      }
      if (!failure && rollout) {
        const newPods = rollout.pods.map(p => p.name);
        const check = await up.reverify(admin.admin, newPods, to, {
          clock: opened.ports.clock,
          net: opened.ports.net,
          intervalMs: Math.max(100, 3000 / speed),
          attempts: 20,
          proxyUrl: t.proxyUrl,
        });
        if (check.ok) {
          const revision = await up.deployedRevision(kube, t).catch(() => undefined);
          opened.controller.dispatch({
            type: 'step-data',
            step: 'data-plane',
            data: {
              pods: newPods,
              image: `${(await import('../kong/version.js')).splitImage(t.image).repository}:${to}`,
            },
          });
          record({action: 'upgrade', result: 'done', detail: check.title, from, to, ...(revision ? {revision} : {})});
          out(`✔ Upgraded: ${check.title}`);
          return 0;
        }
        failure = `verification after the rollout: ${check.title}`;
      }
      record({action: 'upgrade', result: 'failed', detail: failure!, from, to});
      err(`eksa-kong: upgrade to ${to} failed: ${failure}`);
      if (previous === undefined) {
        err('No earlier deployed revision is known: nothing to roll back to.');
        return 1;
      }
      const rollback = up.rollbackCommand(t, previous);
      err(`Roll back to revision ${previous} (${from}) with: ${formatCommandLine(rollback.command, rollback.args)}`);
      const go =
        ctx.opts.yes || (ctx.interactive && (await askYes(`Run helm rollback to revision ${previous} now? [y/N] `)));
      if (!go) return 1;
      const back = await up.runWithOutput(opened.ports.runner, rollback, out);
      if (!back.ok) {
        record({
          action: 'rollback',
          result: 'failed',
          detail: back.error ?? `exit ${back.exitCode}`,
          from: to,
          to: from,
          revision: previous,
        });
        err(`eksa-kong: helm rollback failed: ${back.error ?? `exit ${back.exitCode}`}`);
        return 1;
      }
      const restored = await up.watchRollout(kube, t, from, {
        clock: opened.ports.clock,
        intervalMs: Math.max(100, 2000 / speed),
        timeoutMs: 600_000 / speed,
        onPods: pods => out(`pods: ${up.rolloutLine(pods)}`),
      });
      const detail =
        restored.status === 'done'
          ? `back on ${from}: ${restored.title}`
          : `rollback ${restored.status}: ${restored.title}`;
      if (restored.status === 'done')
        opened.controller.dispatch({
          type: 'step-data',
          step: 'data-plane',
          data: {pods: restored.pods.map(p => p.name)},
        });
      record({
        action: 'rollback',
        result: restored.status === 'done' ? 'done' : 'failed',
        detail,
        from: to,
        to: from,
        revision: previous,
      });
      out(`${restored.status === 'done' ? '✔' : '✖'} Rolled back to revision ${previous}: ${detail}`);
      return 1;
    } finally {
      await admin.forwarded?.close();
    }
  } finally {
    await close();
  }
}
