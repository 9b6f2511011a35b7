// `eksa-kong generate hardware-csv|cluster-spec|dp-values|cp-values|lb-config --answers FILE`: print an artifact to stdout.
// Exit 2 (naming the answers key) when an answer is missing or breaks a rule.
import type {Command} from 'commander';
import {addGlobalOptions, UsageError} from '../cli-options.js';
import type {ContextFor} from './index.js';
import {systemClock} from '../ports.js';
import {escapeControls, escapeControlsByLine} from '../run/display-text.js';

const ARTIFACTS = ['hardware-csv', 'cluster-spec', 'dp-values', 'cp-values', 'lb-config'] as const;
type Artifact = (typeof ARTIFACTS)[number];

interface Output {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function generate(
  artifact: Artifact,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  now: number,
): Promise<Output> {
  const {loadAnswersFile} = await import('../session/answers-file.js');
  const answers = await loadAnswersFile(file);
  switch (artifact) {
    case 'hardware-csv': {
      const {formatAnswersFinding, generateHardwareCsvFromAnswers} = await import('../hardware/answers.js');
      const {capFindingLines} = await import('../hardware/cli.js');
      const {answerRef, resolveSecret, unusableSecretRef} = await import('../session/secrets.js');
      for (const [i, m] of (answers.machines ?? []).entries()) {
        const unusable = unusableSecretRef(`machines[${i}].bmc`, 'password', m.bmc, env);
        if (unusable) return {exitCode: 2, stdout: '', stderr: `${escapeControls(unusable.message)}\n`};
      }
      const result = generateHardwareCsvFromAnswers(answers, {
        bmcPassword: machine => {
          const ref = answerRef(machine.bmc?.passwordEnv, machine.bmc?.passwordFile) ?? machine.bmc?.password;
          return ref === undefined ? undefined : resolveSecret(ref, env);
        },
      });
      const warnings = capFindingLines(result.findings.warnings.map(f => formatAnswersFinding(f, true)));
      if (!result.findings.valid) {
        return {
          exitCode: 2,
          stdout: '',
          stderr:
            [...capFindingLines(result.findings.errors.map(f => formatAnswersFinding(f, false))), ...warnings].join(
              '\n',
            ) + '\n',
        };
      }
      return {exitCode: 0, stdout: result.csv, stderr: warnings.length ? warnings.join('\n') + '\n' : ''};
    }
    case 'cluster-spec': {
      const {generateClusterSpecFromAnswers} = await import('../cluster/spec.js');
      const {answerRef, resolveSecret} = await import('../session/secrets.js');
      const {SecretError} = await import('../session/errors.js');
      const c = answers.cluster;
      const ref = answerRef(c?.licenseTokenEnv, c?.licenseTokenFile) ?? c?.licenseToken;
      let licenseToken: string | undefined;
      try {
        licenseToken = ref === undefined ? undefined : resolveSecret(ref, env);
      } catch (error) {
        if (error instanceof SecretError)
          return {exitCode: 2, stdout: '', stderr: `cluster.licenseToken: ${error.message}\n`};
        throw error;
      }
      return generateClusterSpecFromAnswers(answers, {now, ...(licenseToken !== undefined ? {licenseToken} : {})});
    }
    case 'dp-values': {
      const {generateDpValuesCli} = await import('../kong/dp-values.js');
      const {helmInstallCommandLine} = await import('../kong/deploy.js');
      const {expectedKubeconfig} = await import('../steps/data-plane/dp-step.js');
      const {expandPath} = await import('../steps/control-plane/cp-step.js');
      // The command the data-plane step would run: against the existing cluster's kubeconfig, or the
      // one create-cluster writes (relative to the session folder, where helm runs).
      const existing = answers.cluster?.existing;
      const name = answers.cluster?.name;
      const kubeconfig =
        (existing ? expandPath(existing.kubeconfig, env) : undefined) ?? (name ? expectedKubeconfig(name) : undefined);
      return generateDpValuesCli(answers, input =>
        kubeconfig === undefined
          ? undefined
          : helmInstallCommandLine({
              release: input.release,
              namespace: input.namespace,
              kubeconfig,
              ...(existing?.context ? {context: existing.context} : {}),
              env: {},
            }),
      );
    }
    case 'cp-values': {
      const {generateCpValuesCli} = await import('../kong/cp-values.js');
      return generateCpValuesCli(answers);
    }
    case 'lb-config': {
      const {generateLbConfigCli} = await import('../kong/lb-config.js');
      return generateLbConfigCli(answers);
    }
  }
}

export function registerGenerate(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('generate')
      .description(
        'print an artifact from an answers file: hardware-csv, cluster-spec, dp-values, cp-values or lb-config',
      )
      .argument('<artifact>', ARTIFACTS.join(' | ')),
  ).action(async (artifact: string, _options: unknown, cmd: Command) => {
    const ctx = context(cmd);
    if (!(ARTIFACTS as readonly string[]).includes(artifact)) {
      throw new UsageError(`unknown artifact "${artifact}": use ${ARTIFACTS.join(', ')}`);
    }
    if (!ctx.opts.answers) throw new UsageError(`generate ${artifact} needs --answers FILE`);
    const out = await generate(artifact as Artifact, ctx.opts.answers, ctx.io.env, systemClock.now());
    ctx.io.stdout.write(out.stdout);
    // Findings quote answers values: none may drive the terminal.
    ctx.io.stderr.write(escapeControlsByLine(out.stderr));
    ctx.setExit(out.exitCode);
  });
}
