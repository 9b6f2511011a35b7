// What goes into session.json (and from there into the runbook) for a command: never a secret value.
// A secret inside an argument becomes a ${NAME} reference: the name the step gave it in
// spec.secretEnv, or REDACTED_SECRET_<n>; the runbook then checks that the variable is set.
import type {CommandRecord} from '../session/schema.js';
import {isStepId, LIFECYCLE_IDS} from '../wizard/step-ids.js';
import type {CommandSpec} from './types.js';

export const UNNAMED_SECRET_DESCRIPTION = 'the secret value that was redacted here';

/** Returns null when spec.step is neither a wizard step nor a day-two command (nothing to record it under). */
export function toCommandRecord(spec: CommandSpec, secrets: readonly string[], at: Date): CommandRecord | null {
  if (!isStepId(spec.step) && !(LIFECYCLE_IDS as readonly string[]).includes(spec.step)) return null;
  const names = new Map<string, string>(); // secret value -> variable name
  for (const [name, value] of Object.entries(spec.secretEnv ?? {})) if (value) names.set(value, name);
  const envRefs: Record<string, string> = {...spec.envRefs};
  let unnamed = 0;
  const ordered = [...new Set([...secrets, ...names.keys()])].filter(s => s.length > 0).sort((a, b) => b.length - a.length);
  const replace = (word: string): string => {
    let out = word;
    for (const secret of ordered) {
      if (!out.includes(secret)) continue;
      let name = names.get(secret);
      if (name === undefined) {
        name = `REDACTED_SECRET_${++unnamed}`;
        names.set(secret, name);
      }
      envRefs[name] ??= spec.secretEnv?.[name] === secret ? `the secret ${name}` : UNNAMED_SECRET_DESCRIPTION;
      out = out.split(secret).join(`\${${name}}`);
    }
    return out;
  };
  const record: CommandRecord = {
    step: spec.step as CommandRecord['step'],
    command: replace(spec.command),
    args: spec.args.map(replace),
    at: at.toISOString(),
  };
  if (spec.cwd !== undefined) record.cwd = replace(spec.cwd);
  if (Object.keys(envRefs).length > 0) record.envRefs = envRefs;
  if (spec.title !== undefined) record.title = replace(spec.title);
  return record;
}
