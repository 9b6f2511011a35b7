// The answers file (--answers): YAML checked against the answers schema, with errors that name the file,
// the key path and the line, so that an admin can fix a 200-line file without guessing.
import yaml from 'js-yaml';
import * as z from 'zod';
import {answersSchema, type Answers} from './answers.js';
import {AnswersFileError, fsReason, type AnswersIssue} from './errors.js';
import {MiB, readFileLimited, TooLargeError} from '../run/read-limited.js';

/** A real answers file is a few KB; past this it is a mistake (or /dev/zero), not answers. */
export const ANSWERS_FILE_LIMIT = MiB;

export async function loadAnswersFile(path: string): Promise<Answers> {
  let text: string;
  try {
    text = (await readFileLimited(path, ANSWERS_FILE_LIMIT, 'the answers file')).toString('utf8');
  } catch (err) {
    if (err instanceof TooLargeError) throw new AnswersFileError(err.message, path);
    throw new AnswersFileError(`${path}: cannot read the answers file: ${fsReason(err)}`, path);
  }
  return parseAnswers(text, path);
}

/** Parses answers YAML; `file` is only for messages. An empty file is no answers. */
export function parseAnswers(text: string, file: string): Answers {
  let doc: unknown;
  let locator: Locator;
  try {
    ({doc, locator} = loadWithLines(text));
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const line = err.mark ? err.mark.line + 1 : undefined;
      const where = err.mark ? ` (line ${err.mark.line + 1}, column ${err.mark.column + 1})` : '';
      const problem = `YAML syntax error: ${err.reason}`;
      throw new AnswersFileError(`${file}: ${problem}${where}`, file, [{path: '', line, problem}]);
    }
    throw err;
  }
  keepVersionText(doc, locator);
  const controls = controlIssues(doc, [], locator);
  const parsed = answersSchema.safeParse(doc ?? {}, {reportInput: true});
  if (parsed.success && controls.length === 0) return parsed.data;
  const issues = [...controls, ...(parsed.success ? [] : toIssues(parsed.error.issues, locator))].sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0),
  );
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new AnswersFileError(`${file}: ${formatIssue(first)}${more}`, file, issues);
}

// ESC, BEL, NUL and the other controls are no part of any answer, and a screen or message that shows
// the value would hand them to the terminal. Newline, tab and CR stay for multi-line values (an inline
// licence's JSON); the one-line fields refuse those by their own rules.
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

function controlIssues(node: unknown, path: PropertyKey[], locator: Locator): AnswersIssue[] {
  if (typeof node === 'string') {
    if (!TERMINAL_CONTROL.test(node)) return [];
    // The value is not quoted: it may be a password.
    const problem = 'contains a control character (ESC, BEL, NUL...); answers are printable text';
    return [{path: formatPath(path), line: locator(path), problem}];
  }
  if (Array.isArray(node)) return node.flatMap((item, i) => controlIssues(item, [...path, i], locator));
  if (isPlainObject(node)) return Object.entries(node).flatMap(([k, v]) => controlIssues(v, [...path, k], locator));
  return [];
}

// YAML reads `kubernetesVersion: 1.30` as the number 1.3; versions keep the text the admin wrote.
const VERSION_PATHS = [
  ['cluster', 'kubernetesVersion'],
  ['controlPlane', 'version'],
  ['controlPlane', 'deploy', 'eks', 'kubernetesVersion'],
] as const;

function keepVersionText(doc: unknown, locator: Locator): void {
  for (const path of VERSION_PATHS) {
    let parent: unknown = doc;
    for (const seg of path.slice(0, -1)) parent = isPlainObject(parent) ? parent[seg] : undefined;
    const key = path[path.length - 1]!;
    if (!isPlainObject(parent) || typeof parent[key] !== 'number') continue;
    const raw = locator.raw([...path]);
    if (raw !== undefined && /^[0-9.]+$/.test(raw)) parent[key] = raw;
  }
}

/**
 * The first problem the answers schema finds in answers that did not come from a file (a screen's form),
 * worded as for an answers file: the same rules and messages, without a line.
 */
export function answersProblem(answers: unknown): AnswersIssue | undefined {
  const parsed = answersSchema.safeParse(answers, {reportInput: true});
  if (parsed.success) return undefined;
  const noLines = Object.assign(() => undefined, {raw: () => undefined}) as Locator;
  return toIssues(parsed.error.issues, noLines)[0];
}

export function formatIssue(issue: AnswersIssue): string {
  const where = issue.line === undefined ? '' : ` (line ${issue.line})`;
  return issue.path === '' ? `${issue.problem}${where}` : `${issue.path}: ${issue.problem}${where}`;
}

/** machines[1].role */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    // A key of the file (a label name) may hold anything: quoted unless it is a plain name.
    const key = typeof seg === 'string' && !/^[A-Za-z0-9_-]+$/.test(seg) ? JSON.stringify(seg) : String(seg);
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** The problems of one part of the answers built elsewhere (a screen's form), in the words an answers file gets. */
export function answerIssues(schema: z.ZodType, value: unknown, at: readonly PropertyKey[]): AnswersIssue[] {
  const parsed = schema.safeParse(value, {reportInput: true});
  if (parsed.success) return [];
  return toIssues(
    parsed.error.issues.map(i => ({...i, path: [...at, ...i.path]}) as z.core.$ZodIssue),
    Object.assign(() => undefined, {raw: () => undefined}),
  );
}

function toIssues(zodIssues: readonly z.core.$ZodIssue[], locator: Locator): AnswersIssue[] {
  const out: AnswersIssue[] = [];
  for (const issue of zodIssues) {
    if (issue.code === 'unrecognized_keys') {
      // One issue per key, located at the key itself.
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        out.push({path: formatPath(path), line: locator(path), problem: `unknown key ${JSON.stringify(key)}`});
      }
      continue;
    }
    out.push({path: formatPath(issue.path), line: locator(issue.path), problem: describe(issue)});
  }
  return out;
}

// Says what is expected, never echoing the value: it may be a password.
function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = article(issue.expected);
      if (issue.input === undefined) return `missing, expected ${expected}`;
      return `expected ${expected}, got ${typeName(issue.input)}`;
    }
    case 'invalid_value':
      return `expected ${orList(issue.values.map(v => String(v)))}`;
    case 'invalid_union': {
      const kinds = issue.errors.flatMap(errs =>
        errs.filter(e => e.code === 'invalid_type').map(e => article(e.expected)),
      );
      if (kinds.length === issue.errors.length && kinds.length > 0)
        return `expected ${orList(kinds)}, got ${typeName(issue.input)}`;
      return issue.message;
    }
    case 'too_small':
      return bound(issue.origin, 'at least', issue.minimum, issue.inclusive);
    case 'too_big':
      return bound(issue.origin, 'at most', issue.maximum, issue.inclusive);
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message;
  }
}

function bound(origin: string, word: 'at least' | 'at most', limit: number | bigint, inclusive = true): string {
  const n = Number(limit);
  if (origin === 'string') {
    if (word === 'at least' && n === 1) return 'must not be empty';
    return `expected ${word} ${n} characters`;
  }
  if (origin === 'array') return `expected ${word} ${n} item${n === 1 ? '' : 's'}`;
  return `expected a number ${word} ${n}${inclusive ? '' : ' (exclusive)'}`;
}

function article(kind: string): string {
  switch (kind) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    default:
      return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'boolean') return 'a boolean';
  return article(typeof value);
}

function orList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

// --- Locating a key path in the YAML text ---------------------------------------------------------
//
// js-yaml reports an 'open' and a 'close' event for every node it composes, keys included, in document
// order. Nesting those events gives a tree of nodes with their text offsets; a mapping's children come as
// key, value, key, value..., where a key has a value exactly when a ':' follows it (a flow entry like
// `{a, b: 1}` may lack one). That covers block and flow style alike.

export interface Locator {
  /** 1-based line of the deepest node of `path` found in the file (the parent's line if a key is absent). */
  (path: readonly PropertyKey[]): number | undefined;
  /** The source text of the scalar at `path`, if there is one. */
  raw(path: readonly PropertyKey[]): string | undefined;
}

interface RawNode {
  start: number;
  end: number;
  kind: string | null;
  /** The constructed value, kept for scalars only (keys are scalars). */
  value?: unknown;
  children: RawNode[];
}

interface LocNode {
  line: number;
  raw?: string;
  keys?: Map<string, {line: number; value: LocNode | undefined}>;
  items?: LocNode[];
}

export function loadWithLines(text: string): {doc: unknown; locator: Locator} {
  const stack: RawNode[] = [];
  let root: RawNode | undefined;
  const doc = yaml.load(text, {
    listener(event, state) {
      if (event === 'open') {
        stack.push({start: state.position, end: state.position, kind: null, children: []});
        return;
      }
      const node = stack.pop();
      if (!node) return;
      node.end = state.position;
      node.kind = state.kind;
      if (state.kind === 'scalar') node.value = state.result;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else root = node;
    },
  });
  const lines = lineStarts(text);
  const lineOf = (offset: number) => lineAt(lines, contentStart(text, offset));
  const tree = root ? build(root, text, lineOf) : undefined;
  const find = (path: readonly PropertyKey[]): {line: number | undefined; node: LocNode | undefined} => {
    let node: LocNode | undefined = tree;
    let line = tree?.line;
    for (const seg of path) {
      if (!node) break;
      let next: LocNode | undefined;
      if (typeof seg === 'number') {
        next = node.items?.[seg];
        if (next) line = next.line;
      } else {
        const entry = node.keys?.get(String(seg));
        if (!entry) return {line, node: undefined};
        line = entry.line;
        next = entry.value;
      }
      node = next;
    }
    return {line, node};
  };
  const locator = Object.assign((path: readonly PropertyKey[]) => find(path).line, {
    raw: (path: readonly PropertyKey[]) => find(path).node?.raw,
  });
  return {doc, locator};
}

function build(node: RawNode, text: string, lineOf: (offset: number) => number): LocNode {
  // A block-mapping attempt that found a flow collection and no ':' after it keeps that collection as
  // its own result: the node then merely wraps its single child.
  const only = node.children.length === 1 ? node.children[0]! : undefined;
  if (only && only.kind === node.kind && only.end === node.end && node.kind !== 'scalar') {
    return build(only, text, lineOf);
  }
  const out: LocNode = {line: lineOf(node.start)};
  if (node.kind === 'scalar') {
    out.raw = text.slice(contentStart(text, node.start), node.end).trim();
  } else if (node.kind === 'sequence') {
    out.items = node.children.map(c => build(c, text, lineOf));
  } else if (node.kind === 'mapping') {
    out.keys = new Map();
    const kids = node.children;
    for (let i = 0; i < kids.length; i++) {
      const key = kids[i]!;
      const hasValue = i + 1 < kids.length && text[contentStart(text, key.end)] === ':';
      const value = hasValue ? kids[++i] : undefined;
      const name = key.kind === 'scalar' ? String(key.value) : undefined;
      // First occurrence wins (js-yaml refuses duplicate keys anyway).
      if (name !== undefined && !out.keys.has(name)) {
        out.keys.set(name, {line: lineOf(key.start), value: value && build(value, text, lineOf)});
      }
    }
  }
  return out;
}

/** Skips blanks, line breaks and comments: where a node's content really starts. */
function contentStart(text: string, offset: number): number {
  let i = offset;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') i++;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else break;
  }
  return i;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

// --- Merging and JSON Schema ------------------------------------------------------------------------

/** Deep merge of plain mappings; the file wins, lists are replaced whole, absent keys keep the old value. */
export function mergeAnswers(existing: Answers, fromFile: Answers): Answers {
  return mergeValue(existing, fromFile) as Answers;
}

function mergeValue(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (!isPlainObject(a) || !isPlainObject(b)) return structuredClone(b);
  const out: Record<string, unknown> = {...a};
  for (const [key, value] of Object.entries(b)) out[key] = mergeValue(a[key], value);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON Schema of the answers file, for editors (templates/answers.schema.json is this, committed). */
export function answersJsonSchema(): Record<string, unknown> {
  // 'input': what a file may contain (kubernetesVersion may be a number there); draft-07 is what YAML
  // editors' language servers support best.
  const schema = z.toJSONSchema(answersSchema, {io: 'input', target: 'draft-07'}) as Record<string, unknown>;
  return {
    $schema: schema['$schema'],
    title: 'eksa-kong answers file',
    description:
      'Answers that pre-fill an eksa-kong session (eksa-kong --answers FILE). Secrets inline or by reference (passwordEnv, passwordFile).',
    ...schema,
  };
}
