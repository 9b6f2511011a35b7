// Listing sessions (the launcher, `sessions`): a quick look at each session.json for the fields the list
// shows, without the schema library, so the first frame does not wait for it.
import type * as fs from 'node:fs';
import {statSync} from 'node:fs';
import * as fsp from 'node:fs/promises';
import {join} from 'node:path';
import {isStepId, type StepId} from '../wizard/step-ids.js';
import {SessionError, fsReason} from './errors.js';
import {isSessionName, sessionDir, sessionsDir} from './home.js';
import {SESSION_VERSION} from './version.js';

type Status = 'new' | 'running' | 'interrupted' | 'failed' | 'done' | 'destroyed';
type World = 'real' | 'demo' | 'dry-run';
const STATUSES: ReadonlySet<string> = new Set<Status>(['new', 'running', 'interrupted', 'failed', 'done', 'destroyed']);
const WORLDS: ReadonlySet<string> = new Set<World>(['real', 'demo', 'dry-run']);

export interface SessionSummary {
  name: string;
  /** Current step; null when the session cannot be read. */
  step: StepId | null;
  /** 'broken' when session.json is missing, corrupt or from a newer version (see error). */
  status: Status | 'broken';
  updatedAt: string;
  world: World | null;
  /** Why a broken session cannot be loaded: the one-line SessionError message. */
  error?: string;
}

/** Every session, newest first; one that cannot be loaded is listed as 'broken' rather than failing all. */
export async function listSessions(home: string): Promise<SessionSummary[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(sessionsDir(home), {withFileTypes: true});
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SessionError(`cannot list ${sessionsDir(home)}: ${fsReason(err)}`, sessionsDir(home));
  }
  const out: SessionSummary[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !isSessionName(entry.name)) continue;
    const peeked = await peekSession(home, entry.name);
    if (peeked) {
      out.push(peeked);
      continue;
    }
    try {
      // Anything the quick look cannot vouch for (an older version, a damaged file) goes through the
      // full loader, which migrates it or says exactly what is wrong.
      const {loadSession} = await import('./store.js');
      const s = await loadSession(home, entry.name);
      out.push({name: s.name, step: s.currentStep, status: s.status, updatedAt: s.updatedAt, world: s.world});
    } catch (err) {
      if (!(err instanceof SessionError)) throw err;
      out.push({
        name: entry.name,
        step: null,
        status: 'broken',
        updatedAt: modifiedAt(sessionDir(home, entry.name)),
        world: null,
        error: err.message,
      });
    }
  }
  return out.sort((a, b) => {
    if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
    return a.name.localeCompare(b.name);
  });
}

/** The list's fields of a current-version session.json, or null when only the full loader can tell. */
async function peekSession(home: string, name: string): Promise<SessionSummary | null> {
  try {
    const doc = JSON.parse(await fsp.readFile(join(sessionDir(home, name), 'session.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const {version, currentStep, status, updatedAt, world} = doc;
    if (version !== SESSION_VERSION || doc['name'] !== name) return null;
    if (typeof currentStep !== 'string' || !isStepId(currentStep) || typeof updatedAt !== 'string') return null;
    if (typeof status !== 'string' || !STATUSES.has(status) || typeof world !== 'string' || !WORLDS.has(world))
      return null;
    if (typeof doc['steps'] !== 'object' || doc['steps'] === null) return null;
    return {
      name,
      step: currentStep,
      status: settledStatus(status as Status, doc['steps']),
      updatedAt,
      world: world as World,
    };
  } catch {
    return null;
  }
}

/**
 * A session saved as done before status followed the last attempt may hold a step that is not finished:
 * it is not done, so `resume` can find it.
 */
function settledStatus(status: Status, steps: object): Status {
  if (status !== 'done') return status;
  const states = Object.values(steps).map(r =>
    typeof r === 'object' && r !== null ? (r as {state?: unknown}).state : undefined,
  );
  if (states.every(s => s === 'done' || s === 'skipped')) return 'done';
  return states.includes('failed') ? 'failed' : 'interrupted';
}

function modifiedAt(dir: string): string {
  for (const p of [join(dir, 'session.json'), dir]) {
    try {
      return statSync(p).mtime.toISOString();
    } catch {
      // Try the folder next.
    }
  }
  return new Date(0).toISOString();
}
