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
    const {sessionDir} = await import('../session/home.js');
    const {allSecretValues, loadSecretsSync} = await import('../session/secrets.js');
    const {maskRecordFields} = await import('../run/command-record.js');
    const session = await loadSession(ctx.home, name);
    // Belt and braces: a known secret of this session in a secret-bearing slot of a record (one an
    // older version stored, or a step wrote by hand) becomes a quoted ${NAME} reference too. Nothing
    // else is rewritten: masking the text would mangle it (a token "kong" inside charts.konghq.com)
    // and print an unquoted *** that the shell expands.
    let secrets: string[] = [];
    try {
      secrets = allSecretValues(loadSecretsSync(sessionDir(ctx.home, name)), ctx.io.env, session.answers);
    } catch {
      // No readable secrets.json: nothing more to mask.
    }
    const commands = secrets.length > 0 ? session.commands.map(c => maskRecordFields(c, secrets)) : session.commands;
    const text = renderRunbook(session.name, commands);
    ctx.io.stdout.write(text);
  });
}
