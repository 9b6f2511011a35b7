// What goes into session.json (and from there into the runbook) for a command: the command as it ran,
// with a secret replaced by a ${NAME} reference only where it stands as a secret:
// - a value the step declared in spec.secretEnv (it says the value is in the args): every whole
//   occurrence, at token boundaries, becomes ${THAT_NAME};
// - any other secret the session knows: only in a secret-bearing slot (see secret-slots.ts: the value
//   of --password/-P/--token…, of `token=`/`Kong-Admin-Token:`, of `Authorization: Bearer`, a URL's
//   password), as ${REDACTED_SECRET_<n>}.
// A secret that merely equals some other argument (a token "kong" and `helm repo add kong …`) is left
// alone: rewriting it would corrupt the record for good and, by where the reference sits, tell what
// the secret is. Nothing puts a secret in a plain argument: steps pass them in environments and files.
import type {CommandRecord} from '../session/schema.js';
import {isStepId, LIFECYCLE_IDS} from '../wizard/step-ids.js';
import {MIN_SECRET_LENGTH} from './redact.js';
import {secretSlots, type Slot} from './secret-slots.js';
import type {CommandSpec} from './types.js';

export const UNNAMED_SECRET_DESCRIPTION = 'the secret value that was redacted here';

type RecordFields = Pick<CommandRecord, 'command' | 'args' | 'cwd' | 'title' | 'envRefs'>;

/** Returns null when spec.step is neither a wizard step nor a day-two command (nothing to record it under). */
export function toCommandRecord(spec: CommandSpec, secrets: readonly string[], at: Date): CommandRecord | null {
  if (!isStepId(spec.step) && !(LIFECYCLE_IDS as readonly string[]).includes(spec.step)) return null;
  const masked = maskRecordFields(
    {
      command: spec.command,
      args: [...spec.args],
      ...(spec.cwd !== undefined ? {cwd: spec.cwd} : {}),
      ...(spec.title !== undefined ? {title: spec.title} : {}),
      ...(spec.envRefs ? {envRefs: {...spec.envRefs}} : {}),
    },
    secrets,
    spec.secretEnv ?? {},
  );
  const record: CommandRecord = {
    step: spec.step as CommandRecord['step'],
    command: masked.command,
    args: masked.args,
    at: at.toISOString(),
  };
  if (masked.cwd !== undefined) record.cwd = masked.cwd;
  if (masked.envRefs && Object.keys(masked.envRefs).length > 0) record.envRefs = masked.envRefs;
  if (masked.title !== undefined) record.title = masked.title;
  return record;
}

/**
 * Masks a record's fields by the rules above. Also used on records read back from session.json (the
 * runbook command), so a record an older version stored, or one a step wrote by hand, gets the same
 * treatment; applying it twice changes nothing.
 */
export function maskRecordFields<T extends RecordFields>(
  fields: T,
  secrets: readonly string[],
  declared: Readonly<Record<string, string>> = {},
): T {
  const names = new Map<string, string>(); // secret value -> variable name
  for (const [name, value] of Object.entries(declared)) if (value) names.set(value, name);
  const envRefs: Record<string, string> = {...fields.envRefs};
  const taken = new Set(Object.keys(envRefs));
  let unnamed = 0;
  const nameFor = (secret: string): string => {
    let name = names.get(secret);
    if (name === undefined) {
      do name = `REDACTED_SECRET_${++unnamed}`;
      while (taken.has(name));
      names.set(secret, name);
    }
    taken.add(name);
    envRefs[name] ??= declared[name] === secret ? `the secret ${name}` : UNNAMED_SECRET_DESCRIPTION;
    return name;
  };
  const known = [...new Set([...secrets, ...names.keys()])]
    .filter(s => s.length > 0)
    .sort((a, b) => b.length - a.length);
  const declaredValues = [...new Set(Object.values(declared))]
    .filter(s => s.length > 0)
    .sort((a, b) => b.length - a.length);

  const maskWord = (word: string, slots: readonly Slot[]): string => {
    const ranges: {start: number; end: number; name: string}[] = [];
    const free = (start: number, end: number) => ranges.every(r => end <= r.start || start >= r.end);
    // Slots first: there any known secret, however short, is a secret.
    for (const slot of slots) {
      const secret = known.find(s => slot.fits(s));
      if (secret !== undefined && free(slot.start, slot.start + secret.length))
        ranges.push({start: slot.start, end: slot.start + secret.length, name: nameFor(secret)});
    }
    // Then declared values wherever they stand whole (a whole word for one under the minimum length).
    for (const secret of declaredValues) {
      const at = secret.length >= MIN_SECRET_LENGTH ? tokenOccurrences(word, secret) : word === secret ? [0] : [];
      for (const i of at)
        if (free(i, i + secret.length)) ranges.push({start: i, end: i + secret.length, name: nameFor(secret)});
    }
    if (ranges.length === 0) return word;
    ranges.sort((a, b) => a.start - b.start);
    let out = '';
    let from = 0;
    for (const r of ranges) {
      out += `${word.slice(from, r.start)}\${${r.name}}`;
      from = r.end;
    }
    return out + word.slice(from);
  };

  const argSlots = secretSlots(fields.args);
  const out: T = {
    ...fields,
    command: maskWord(fields.command, secretSlots([fields.command])[0] ?? []),
    args: fields.args.map((a, i) => maskWord(a, argSlots[i] ?? [])),
  };
  if (fields.cwd !== undefined) out.cwd = maskWord(fields.cwd, secretSlots([fields.cwd])[0] ?? []);
  if (fields.title !== undefined) out.title = maskWord(fields.title, secretSlots([fields.title])[0] ?? []);
  if (Object.keys(envRefs).length > 0) out.envRefs = envRefs;
  return out;
}

const WORD = /[A-Za-z0-9]/;

/**
 * Where `secret` occurs as a whole value: not inside a longer run of letters and digits. A token "kong"
 * must not turn https://charts.konghq.com into https://charts.${X}hq.com.
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
