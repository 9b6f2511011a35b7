// The session store: one folder per session under $HOME/sessions, session.json written atomically after
// every change, validated (and migrated) on load. Inline secrets are moved to secrets.json on every save,
// whoever calls it, so session.json cannot hold one.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import {join, resolve} from 'node:path';
import * as z from 'zod';
import {InvalidSessionError, SessionError, fsReason} from './errors.js';
import {
  DIR_MODE,
  assertSessionName,
  cleanStrayTemps,
  ensurePrivateDir,
  sessionDir,
  sessionsDir,
  writeFileAtomic,
  writeFileAtomicSync,
} from './home.js';
import {migrate, type SessionDoc} from './migrate.js';
import {SESSION_VERSION, newSession, sessionSchema, type Session} from './schema.js';
import {
  SECRETS_FILE,
  extractSecrets,
  hasSecrets,
  loadSecrets,
  loadSecretsSync,
  mergeSecrets,
  saveSecrets,
  secretsSchema,
} from './secrets.js';

export const SESSION_FILE = 'session.json';
export const LOGS_DIR = 'logs';

/** Creates $HOME/sessions/<name>/ (0700) with logs/ and a first session.json. Refuses an existing name. */
export async function createSession(
  home: string,
  name: string,
  world: Session['world'],
  now: Date = new Date(),
): Promise<Session> {
  assertSessionName(name);
  const parent = sessionsDir(home);
  try {
    ensurePrivateDir(home);
    ensurePrivateDir(parent);
  } catch (err) {
    throw new SessionError(`cannot create the sessions folder ${parent}: ${fsReason(err)}`, parent);
  }
  const dir = sessionDir(home, name);
  try {
    fs.mkdirSync(dir, {mode: DIR_MODE});
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && fs.lstatSync(dir).isSymbolicLink()) {
      throw new SessionError(`cannot create the session folder ${dir}: ${fsReason({code: 'ELOOP'})}`, dir);
    }
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SessionError(
        `a session named ${name} already exists (${dir}): resume it with "eksa-kong resume ${name}" or choose another name`,
        dir,
      );
    }
    throw new SessionError(`cannot create the session folder ${dir}: ${fsReason(err)}`, dir);
  }
  fs.chmodSync(dir, DIR_MODE);
  ensurePrivateDir(join(dir, LOGS_DIR));
  return saveSession(dir, newSession(name, world, now), now);
}

/**
 * Before a session is opened for writing: the home, sessions/, the session folder and logs/ are real
 * folders, 0700, whatever an older version or a chmod left (files are fixed by their next atomic
 * write; folders are not rewritten, so they are fixed here). A symbolic link at any of them is refused.
 */
export function securePrivateFolders(home: string, name: string): void {
  const dir = sessionDir(home, name);
  for (const d of [home, sessionsDir(home), dir, join(dir, LOGS_DIR)]) {
    try {
      ensurePrivateDir(d);
    } catch (err) {
      throw new SessionError(`cannot use the folder ${d}: ${fsReason(err)}`, d);
    }
  }
}

/** The session, validated; stray temp files of dead writers are removed on the way. */
export async function loadSession(home: string, name: string): Promise<Session> {
  const dir = sessionDir(home, name);
  const file = join(dir, SESSION_FILE);
  cleanStrayTemps(dir);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SessionError(`no session named ${name} (${file} does not exist)`, file);
    }
    throw new SessionError(`cannot read ${file}: ${fsReason(err)}`, file);
  }
  return parseSession(text, file);
}

/** Parses and validates the text of a session.json; `file` is only for messages. */
export function parseSession(text: string, file: string): Session {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const what = text.trim() === '' ? 'empty' : 'not valid JSON (truncated or damaged)';
    throw new SessionError(`${file} is corrupt: ${what}`, file);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new SessionError(`${file} is corrupt: expected a JSON object`, file);
  }
  const version = (doc as {version?: unknown}).version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new SessionError(`${file} is corrupt: no session "version"`, file);
  }
  if (version > SESSION_VERSION) {
    throw new SessionError(
      `${file} was written by a newer eksa-kong (session version ${version}; this one reads up to ${SESSION_VERSION}): upgrade eksa-kong to open it`,
      file,
    );
  }
  const current = version < SESSION_VERSION ? migrate(doc as SessionDoc, file) : doc;
  const parsed = sessionSchema.safeParse(current);
  if (!parsed.success) throw new SessionError(`${file} is not a valid session: ${firstIssue(parsed.error)}`, file);
  return parsed.data;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unknown problem';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

// Saves of one folder are chained so that a later save can never be overtaken by an earlier one.
const saving = new Map<string, Promise<unknown>>();

/**
 * Writes session.json atomically (temp file, fsync, rename, fsync folder) with updatedAt = now, after
 * moving inline secrets to secrets.json. Returns what was written.
 */
export function saveSession(dir: string, session: Session, now: Date = new Date()): Promise<Session> {
  const key = resolve(dir);
  const previous = saving.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => saveNow(dir, session, now));
  saving.set(key, run);
  void run
    .finally(() => {
      if (saving.get(key) === run) saving.delete(key);
    })
    .catch(() => undefined);
  return run;
}

async function saveNow(dir: string, session: Session, now: Date): Promise<Session> {
  const {doc, secrets} = prepare(dir, session, now);
  if (hasSecrets(secrets)) await saveSecrets(dir, mergeSecrets(await loadSecrets(dir), secrets));
  await writeFileAtomic(join(dir, SESSION_FILE), JSON.stringify(doc, null, 2) + '\n');
  return doc;
}

/** For exit handlers (e.g. marking the session interrupted) that cannot await. */
export function saveSessionSync(dir: string, session: Session, now: Date = new Date()): Session {
  const {doc, secrets} = prepare(dir, session, now);
  if (hasSecrets(secrets)) {
    const merged = secretsSchema.parse(mergeSecrets(loadSecretsSync(dir), secrets));
    writeFileAtomicSync(join(dir, SECRETS_FILE), JSON.stringify(merged, null, 2) + '\n');
  }
  writeFileAtomicSync(join(dir, SESSION_FILE), JSON.stringify(doc, null, 2) + '\n');
  return doc;
}

function prepare(dir: string, session: Session, now: Date) {
  const {answers, secrets} = extractSecrets(session.answers);
  // Validate before writing: a file we could not load again must never replace a good one.
  const parsed = sessionSchema.safeParse({...session, answers, updatedAt: now.toISOString()});
  if (!parsed.success) {
    const file = join(dir, SESSION_FILE);
    const problem = firstIssue(parsed.error);
    throw new InvalidSessionError(`refusing to write an invalid session to ${file}: ${problem}`, file, problem);
  }
  return {doc: parsed.data, secrets};
}

export {listSessions, type SessionSummary} from './list.js';
import type {SessionSummary} from './list.js';

/** What `sessions --json` prints for each session: stable names, nothing else. */
export function sessionsJson(
  list: SessionSummary[],
): Array<Pick<SessionSummary, 'name' | 'step' | 'status' | 'updatedAt'>> {
  return list.map(({name, step, status, updatedAt}) => ({name, step, status, updatedAt}));
}
