// Shows a finished command's full log in the user's pager. The app shell calls this after
// unmounting Ink (Ink 6 cannot hand the terminal over), then renders again.
import {spawn} from 'node:child_process';
import {terminalEnv} from './env.js';

export interface PagerResult {
  ok: boolean;
  /** One line, when the pager could not be run. */
  error?: string;
}

/** $PAGER split on spaces (no shell, so no quoting inside it), or `less -R` (the log keeps colours). */
export function pagerCommand(env: Readonly<Record<string, string | undefined>>): {command: string; args: string[]} {
  const words = (env['PAGER'] ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return {command: 'less', args: ['-R']};
  return {command: words[0]!, args: words.slice(1)};
}

export function openInPager(
  path: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<PagerResult> {
  const {command, args} = pagerCommand(env);
  return new Promise(resolve => {
    const child = spawn(command, [...args, path], {stdio: 'inherit', env: terminalEnv(env)});
    child.once('error', error => {
      const code = (error as NodeJS.ErrnoException).code;
      resolve({
        ok: false,
        error:
          code === 'ENOENT'
            ? `${command} was not found on PATH (set PAGER)`
            : `${command} could not be started (${code ?? 'error'})`,
      });
    });
    child.once('exit', (code, signal) => {
      if (code === 0) resolve({ok: true});
      else
        resolve({
          ok: false,
          error: signal ? `${command} was killed by ${signal}` : `${command} exited with code ${code}`,
        });
    });
  });
}
