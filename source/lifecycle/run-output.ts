// Day-two commands run one command at a time and show its output line by line, headless or not.
import type {CommandResult, CommandRunner, CommandSpec} from '../run/types.js';

/** Runs one command through the session's runner, printing its output as it comes. */
export async function runWithOutput(
  runner: CommandRunner,
  spec: CommandSpec,
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<CommandResult> {
  const running = runner.start(spec, signal);
  say(`$ ${running.display}`);
  let seen = 0;
  const flush = () => {
    const fresh = Math.min(running.output.total - seen, running.output.size);
    for (const line of fresh > 0 ? running.output.tail(fresh) : []) say(`  ${line}`);
    seen = running.output.total;
  };
  const off = running.output.subscribe(flush);
  try {
    return await running.done;
  } finally {
    off();
    flush();
  }
}
