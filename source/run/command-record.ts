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
  const ordered = [...new Set([...secrets, ...names.keys()])]
    .filter(s => s.length > 0)
    .sort((a, b) => b.length - a.length);
  const replace = (word: string): string => {
    let out = word;
    for (const secret of ordered) {
      const at = tokenOccurrences(out, secret);
      if (at.length === 0) continue;
      let name = names.get(secret);
      if (name === undefined) {
        name = `REDACTED_SECRET_${++unnamed}`;
        names.set(secret, name);
      }
      envRefs[name] ??= spec.secretEnv?.[name] === secret ? `the secret ${name}` : UNNAMED_SECRET_DESCRIPTION;
      let next = '';
      let from = 0;
      for (const i of at) {
        next += out.slice(from, i) + `\${${name}}`;
        from = i + secret.length;
      }
      out = next + out.slice(from);
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

const WORD = /[A-Za-z0-9]/;

/**
 * Where `secret` occurs as a whole value: not inside a longer run of letters and digits. A token "kong"
 * must not turn https://charts.konghq.com into https://charts.${X}hq.com, which corrupts the command
 * for good and, by where the reference sits, tells what the secret is.
 */
export function tokenOccurrences(text: string, secret: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(secret); i !== -1; i = text.indexOf(secret, i + 1)) {
    const before = text[i - 1];
    const after = text[i + secret.length];
    const startsWord = WORD.test(secret[0] ?? '');
    const endsWord = WORD.test(secret.at(-1) ?? '');
    if (
      (startsWord && before !== undefined && WORD.test(before)) ||
      (endsWord && after !== undefined && WORD.test(after))
    )
      continue;
    if (out.length > 0 && i < out.at(-1)! + secret.length) continue;
    out.push(i);
  }
  return out;
}
