// A second data plane in the demo (`eksa-kong demo --existing-cluster`) is its own session, but it
// lives in the simulated data center of an earlier demo session: the same Kong control plane, whose
// Admin API then lists both data planes. The session folder records which session's data center it
// uses (demo-world.json); the data center's state stays in that session's folder, and whoever opens it
// holds that session's lock too (a second copy of the world would fight the first for its ports).
import {existsSync, readFileSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {isSessionName, writeFileAtomicSync, sessionDir} from '../session/home.js';
import {acquireLock, type SessionLock} from '../session/lock.js';
import {listSessions} from '../session/list.js';
import {DEMO_STATE_FILE} from './persist.js';

export const DEMO_WORLD_LINK = 'demo-world.json';

/** The session whose simulated data center this demo session uses (itself when it has no link). */
export function worldHostOf(dir: string): {host: string; linked: boolean} {
  try {
    const doc = JSON.parse(readFileSync(join(dir, DEMO_WORLD_LINK), 'utf8')) as {host?: unknown};
    // Only a session name: the link never points outside the home's sessions folder.
    if (typeof doc.host === 'string' && isSessionName(doc.host)) return {host: doc.host, linked: true};
  } catch {
    // No link (or an unreadable one): the session's own data center.
  }
  return {host: basename(dir), linked: false};
}

/** The folder holding the simulated data center a demo session runs in. */
export function worldDirOf(dir: string): string {
  return join(dirname(dir), worldHostOf(dir).host);
}

/** Marks a demo session as a second data plane in `host`'s data center (host may be the session itself). */
export function linkWorld(dir: string, host: string): void {
  writeFileAtomicSync(join(dir, DEMO_WORLD_LINK), JSON.stringify({host}) + '\n');
}

/** The newest demo session with a simulated data center of its own (finished ones first), if any. */
export async function pickWorldHost(home: string): Promise<string | undefined> {
  const own = (await listSessions(home)).filter(r => {
    const dir = sessionDir(home, r.name);
    return r.world === 'demo' && existsSync(join(dir, DEMO_STATE_FILE)) && worldHostOf(dir).host === r.name;
  });
  return (own.find(r => r.status === 'done') ?? own[0])?.name;
}

/** Holds the lock of the session whose data center `dir` uses, when that is another session. */
export function lockWorldHost(dir: string, command: string): SessionLock | undefined {
  const worldDir = worldDirOf(dir);
  if (worldDir === dir) return undefined;
  return acquireLock(worldDir, {name: basename(worldDir), command});
}
