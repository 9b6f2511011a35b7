// One process per session: a `lock` file created with O_EXCL in the session folder. A lock left by a
// process that died on this host is taken over; a lock of a live process (or of another host, whose
// processes we cannot see) refuses with a message that names the holder.
import {randomBytes} from 'node:crypto';
import * as fs from 'node:fs';
import {hostname} from 'node:os';
import {basename, dirname, join} from 'node:path';
import {LockError, SessionError, fsReason, type LockHolder} from './errors.js';
import {FILE_MODE, isPidAlive, writeNewFileSync} from './home.js';

export {isPidAlive};

export const LOCK_FILE = 'lock';

/** An unreadable lock younger than this may be one being written right now: not taken over. */
const UNREADABLE_GRACE_MS = 60_000;

function isHolder(v: unknown): v is LockHolder {
  const h = v as Partial<LockHolder> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    Number.isInteger(h.pid) &&
    (h.pid as number) > 0 &&
    typeof h.host === 'string' &&
    typeof h.startedAt === 'string' &&
    typeof h.command === 'string'
  );
}

export interface LockOptions {
  /** The command line shown to a second process, e.g. "eksa-kong resume lab1". */
  command?: string;
  /** Session name for messages; defaults to the folder's name. */
  name?: string;
  now?: Date;
}

export interface SessionLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock if it is still ours. Safe to call many times, and from an exit handler. */
  release(): void;
}

/** The holder named in the session's lock file, if there is a readable one. */
export function readLock(dir: string): LockHolder | undefined {
  try {
    return parseHolder(fs.readFileSync(join(dir, LOCK_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

export function acquireLock(dir: string, options: LockOptions = {}): SessionLock {
  const file = join(dir, LOCK_FILE);
  const name = options.name ?? basename(dir);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: (options.now ?? new Date()).toISOString(),
    command: options.command ?? ['eksa-kong', ...process.argv.slice(2)].join(' '),
  };
  const raw = JSON.stringify(holder) + '\n';
  // A few rounds: each lost race with another process taking over the same stale lock costs one.
  for (let round = 0; round < 3; round++) {
    if (tryCreate(file, raw)) return makeLock(file, holder, raw);
    let existing: string;
    try {
      existing = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile: try again
      throw new SessionError(`cannot read the lock of session ${name} (${file}): ${fsReason(err)}`, file);
    }
    const other = parseHolder(existing);
    if (other === undefined) {
      if (!isOldFile(file)) {
        throw new LockError(
          `session ${name} is locked by an unreadable lock file ${file}; if no eksa-kong is running on it, delete that file`,
          file,
        );
      }
    } else if (!isStale(other)) {
      throw new LockError(inUseMessage(name, other, options.now ?? new Date()), file, other);
    }
    takeOver(file, existing);
  }
  throw new LockError(`session ${name} is being locked by another process at the same time; try again`, file);
}

export function inUseMessage(name: string, holder: LockHolder, now: Date): string {
  return `session ${name} is in use by pid ${holder.pid} on host ${holder.host} since ${formatSince(holder.startedAt, now)} (${holder.command})`;
}

function tryCreate(file: string, raw: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', FILE_MODE);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT') throw new SessionError(`no session folder ${dirname(file)}`, file);
    throw new SessionError(`cannot create lock ${file}: ${fsReason(err)}`, file);
  }
  writeNewFileSync(fd, raw);
  return true;
}

function makeLock(file: string, holder: LockHolder, raw: string): SessionLock {
  let released = false;
  return {
    file,
    holder,
    release() {
      if (released) return;
      released = true;
      try {
        // Only our own lock: never remove one another process has taken since.
        if (fs.readFileSync(file, 'utf8') === raw) fs.rmSync(file, {force: true});
      } catch {
        // Already gone, or the folder was removed: nothing to release.
      }
    },
  };
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return isHolder(parsed)
      ? {pid: parsed.pid, host: parsed.host, startedAt: parsed.startedAt, command: parsed.command}
      : undefined;
  } catch {
    return undefined;
  }
}

/** Only a dead pid on this very host is proof; another host's pid cannot be checked from here. */
function isStale(holder: LockHolder): boolean {
  return holder.host === hostname() && !isPidAlive(holder.pid);
}

function isOldFile(file: string): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs > UNREADABLE_GRACE_MS;
  } catch {
    return true;
  }
}

/**
 * Moves the stale lock aside with an atomic rename, then checks that what was moved is the stale lock
 * we judged. If another process replaced it in between (it took over first), its fresh lock is put back.
 */
function takeOver(file: string, staleRaw: string): void {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // Gone already: the next round creates or meets the new holder.
  }
  try {
    if (fs.readFileSync(aside, 'utf8') !== staleRaw) {
      try {
        fs.linkSync(aside, file);
      } catch {
        // Someone holds `lock` again; the next round reports them.
      }
    }
  } finally {
    fs.rmSync(aside, {force: true});
  }
}

function formatSince(iso: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay = at.toDateString() === now.toDateString();
  return sameDay ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}
