// `eksa-kong runbook NAME`: the session's recorded commands as a bash script to review and run by
// hand. Secrets are never in it: they were redacted when recorded and appear as ${NAME} references.
import type {Command} from 'commander';
import {addGlobalOptions} from '../cli-options.js';
import type {ContextFor} from './index.js';

export function registerRunbook(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('runbook')
      .description("print a session's commands as a reviewable bash script")
      .argument('<name>', 'session name'),
  ).action(async (name: string, _options: unknown, cmd: Command) => {
    const ctx = context(cmd);
    const {loadSession} = await import('../session/store.js');
    const {renderRunbook} = await import('../run/runbook.js');
    const {redactText} = await import('../run/redact.js');
    const {sessionDir} = await import('../session/home.js');
    const {allSecretValues, loadSecretsSync} = await import('../session/secrets.js');
    const session = await loadSession(ctx.home, name);
    let text = renderRunbook(session.name, session.commands);
    // Belt and braces: a value that is a known secret of this session never leaves, even if a step
    // recorded it by mistake.
    let secrets: string[] = [];
    try {
      secrets = allSecretValues(loadSecretsSync(sessionDir(ctx.home, name)), ctx.io.env, session.answers);
    } catch {
      // No readable secrets.json: nothing more to mask.
    }
    if (secrets.length > 0) text = redactText(text, secrets);
    ctx.io.stdout.write(text);
  });
}
