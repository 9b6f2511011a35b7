// Global flags, accepted before or after a subcommand, and how they resolve.
import type {Command} from 'commander';

export interface GlobalOptions {
  home?: string;
  answers?: string;
  yes?: boolean;
  nonInteractive?: boolean;
  dryRun?: boolean;
  color?: boolean; // commander turns --no-color into color: false
}

export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'where sessions live (env EKSA_KONG_HOME, default ~/.eksa-kong)')
    .option('--answers <file>', 'YAML answers file that pre-fills the session')
    .option('--yes', 'assume yes for confirmations')
    .option('--non-interactive', 'no screens: plain progress lines; a missing answer exits 2')
    .option('--dry-run', 'record the commands instead of running them (new sessions)')
    .option('--no-color', 'no colours (also NO_COLOR)');
}

export {UsageError} from './errors.js';

export function isInteractive(opts: GlobalOptions, stdin: {isTTY?: boolean}, stdout: {isTTY?: boolean}): boolean {
  return !opts.nonInteractive && Boolean(stdin.isTTY) && Boolean(stdout.isTTY);
}

/**
 * Ink draws only the last frame when it thinks it runs in CI (CI or CONTINUOUS_INTEGRATION set). An
 * interactive run has a terminal on both ends, so it wants live screens whatever those say: they
 * are cleared before Ink loads. Children never see them anyway (their environment is allow-listed).
 */
export function allowLiveScreens(env: NodeJS.ProcessEnv = process.env): void {
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in env) env[key] = 'false';
}
