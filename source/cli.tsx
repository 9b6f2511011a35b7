// Entry point: flags and subcommands -> interactive app | headless run | one-shot commands.
// Exit codes: 0 done, 1 a step failed, 2 usage or missing input, 130 interrupted.
import type {Command} from 'commander';
import {homedir} from 'node:os';
import {realpathSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import pkg from '../package.json' with {type: 'json'};
import {addGlobalOptions, isInteractive, UsageError, type GlobalOptions} from './cli-options.js';
import {resolveHome} from './session/home.js';
import {SessionError} from './session/errors.js';
import {AnswersFileError} from './session/errors.js';
import {SecretError} from './session/errors.js';
import {escapeControls} from './run/display-text.js';
import {registerCommands, type CliIo, type CommandContext} from './commands/index.js';

function monochromeFor(opts: GlobalOptions, env: CliIo['env']): boolean {
  return opts.color === false || Boolean(env['NO_COLOR']) || env['TERM'] === 'dumb';
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  // A bare `eksa-kong` on a terminal goes straight to the launcher: the first frame a person sees
  // does not wait for the argument parser.
  if (argv.length === 0 && isInteractive({}, io.stdin, io.stdout)) {
    let code = 0;
    const ctx: CommandContext = {
      opts: {},
      io,
      home: resolveHome({env: io.env, homedir: io.env['HOME'] || homedir()}),
      interactive: true,
      monochrome: monochromeFor({}, io.env),
      setExit: c => void (code = c),
    };
    try {
      const {launch} = await import('./commands/start.js');
      code = await launch(ctx);
      return code;
    } catch (err) {
      return reportError(err, io);
    }
  }

  const {Command, CommanderError} = await import('commander');
  const program = new Command('eksa-kong');
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  program
    .description('Bare metal to EKS Anywhere to a connected Kong Gateway data plane, step by step.')
    .version(pkg.version, '--version', 'print the version')
    .helpOption('--help', 'show help')
    .showHelpAfterError('(run eksa-kong --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: s => io.stdout.write(s),
      writeErr: s => io.stderr.write(s),
    });
  addGlobalOptions(program);

  const context = (cmd: Command): CommandContext => {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    return {
      opts,
      io,
      home: checkedHome(
        resolveHome({flag: checkedHomeFlag(opts.home), env: io.env, homedir: io.env['HOME'] || homedir()}),
      ),
      interactive: isInteractive(opts, io.stdin, io.stdout),
      monochrome: monochromeFor(opts, io.env),
      setExit,
    };
  };
  registerCommands(program, context);

  try {
    await program.parseAsync(argv, {from: 'user'});
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return 0;
      return 2;
    }
    return reportError(err, io);
  }
}

/** `--home ""` would quietly mean the default home: refuse it instead. */
function checkedHomeFlag(flag: string | undefined): string | undefined {
  if (flag !== undefined && flag.trim() === '')
    throw new UsageError('--home is empty: give the folder where sessions live, e.g. --home ~/.eksa-kong');
  return flag;
}

/** Kernel pseudo file systems are no place for sessions (writing there can hang or fail oddly). */
function checkedHome(home: string): string {
  if (/^\/(proc|sys|dev)(\/|$)/.test(home))
    throw new UsageError(
      `${JSON.stringify(home)} is a kernel file system, not a folder for sessions; choose another --home`,
    );
  return home;
}

/** Errors the user can act on: one line, no stack; exit 2 for usage and input, 1 otherwise. */
function reportError(err: unknown, io: CliIo): number {
  // Messages carry values from the command line and files: none may drive the terminal.
  if (err instanceof UsageError || err instanceof AnswersFileError) {
    io.stderr.write(`eksa-kong: ${escapeControls(err.message)}\n`);
    return 2;
  }
  if (err instanceof SessionError || err instanceof SecretError) {
    io.stderr.write(`eksa-kong: ${escapeControls(err.message)}\n`);
    return err.name === 'LockError' ? 1 : 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`eksa-kong: unexpected error: ${escapeControls(message)}\n`);
  if (io.env['EKSA_KONG_DEBUG'] && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
  return 1;
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  });
  process.exitCode = code;
  // Ink or a lingering handle must not keep a finished CLI alive.
  setImmediate(() => process.exit(code));
}
