// Where sessions live and how files get there: private folders (0700), private files (0600) whatever the
// umask, and atomic replacement so that a process killed at any instant leaves the old or the new file.
import {randomBytes} from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import {hostname} from 'node:os';
import {basename, dirname, join, resolve} from 'node:path';
import {SESSION_NAME} from './names.js';
import {SessionError} from './errors.js';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export interface HomeOptions {
  /** Value of --home, if given. */
  flag?: string;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}

/** --home, else EKSA_KONG_HOME, else ~/.eksa-kong; `~` expanded, made absolute. */
export function resolveHome({flag, env, homedir}: HomeOptions): string {
  const raw = nonEmpty(flag) ?? nonEmpty(env['EKSA_KONG_HOME']) ?? '~/.eksa-kong';
  return resolve(expandTilde(raw, homedir));
}

export function expandTilde(path: string, homedir: string): string {
  if (path === '~') return homedir;
  if (path.startsWith('~/')) return join(homedir, path.slice(2));
  return path;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function sessionsDir(home: string): string {
  return join(home, 'sessions');
}

/** The session's folder; the name is checked first because it becomes a path. */
export function sessionDir(home: string, name: string): string {
  assertSessionName(name);
  return join(sessionsDir(home), name);
}

export function isSessionName(name: string): boolean {
  return SESSION_NAME.test(name);
}

export function assertSessionName(name: string): void {
  if (!isSessionName(name)) {
    throw new SessionError(
      `invalid session name "${name}": use lowercase letters, digits, ".", "_" or "-" (at most 63, starting with a letter or digit)`,
    );
  }
}

/** A folder the wizard keeps is a symbolic link: refused (code ELOOP), its target left untouched. */
export function linkedFolderError(dir: string): NodeJS.ErrnoException {
  return Object.assign(
    new Error(
      `${dir} is a symbolic link; eksa-kong keeps its files only in real folders: remove the link (or give the real path)`,
    ),
    {code: 'ELOOP', path: dir},
  );
}

/**
 * mkdir -p, 0700 on every folder this call created (mkdir's mode is filtered by the umask), and the
 * folder itself made 0700 if it already existed with another mode (one an older version made 0755).
 * A folder that is a symbolic link is refused: chmod and writes would go to the link's target.
 */
export function ensurePrivateDir(dir: string): void {
  let first: string | undefined;
  try {
    first = fs.mkdirSync(dir, {recursive: true, mode: DIR_MODE});
  } catch (err) {
    // A dangling link makes mkdir fail (EEXIST or ENOENT): name the link instead.
    if (isLink(dir)) throw linkedFolderError(dir);
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) throw linkedFolderError(dir);
  if (!st.isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), {code: 'ENOTDIR', path: dir});
  // A shared folder (sticky like /tmp, or another user's) is never tightened: a file written into it
  // must not take the folder away from everyone else.
  const shared = (st.mode & 0o1000) !== 0 || (process.getuid !== undefined && st.uid !== process.getuid());
  if (!shared && (st.mode & 0o777) !== DIR_MODE) fs.chmodSync(dir, DIR_MODE);
  if (first === undefined) return;
  for (let d = dirname(dir); d !== dirname(first); d = dirname(d)) {
    fs.chmodSync(d, DIR_MODE);
    if (d === dirname(d)) break;
  }
}

function isLink(path: string): boolean {
  try {
    return fs.lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Appends to a private file: its folder as ensurePrivateDir leaves it, the file 0600, never opened
 * through a link (O_NOFOLLOW: ELOOP). For logs that grow; everything else is written whole with
 * writeFileAtomic.
 */
export async function appendPrivateFile(path: string, data: string): Promise<void> {
  ensurePrivateDir(dirname(path));
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;
  const fh = await fsp.open(path, flags, FILE_MODE);
  try {
    await fh.chmod(FILE_MODE);
    await fh.writeFile(data, 'utf8');
  } finally {
    await fh.close();
  }
}

// Temp files: .<base>.<host>.<pid>.<random>.tmp, in the target's folder so that rename is atomic.
const TEMP_RE = /^\.(.+)\.([^/]+)\.(\d+)\.([0-9a-f]{12})\.tmp$/;
// hardware.csv's temp files as earlier builds named them (no host): they hold BMC passwords too.
const OLD_HARDWARE_TEMP_RE = /^\.hardware\.csv\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function tempPath(target: string): string {
  const name = `.${basename(target)}.${hostname()}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  return join(dirname(target), name);
}

/**
 * Write, fsync, rename over target, fsync the folder. The file is 0600 before it holds anything; the
 * rename replaces a link at the target instead of writing through it, and the folder is made private
 * (a linked folder is refused). Every file the wizard writes goes through here (or the sync twin).
 */
export async function writeFileAtomic(target: string, data: string): Promise<void> {
  ensurePrivateDir(dirname(target));
  const tmp = tempPath(target);
  try {
    const fh = await fsp.open(tmp, 'wx', FILE_MODE);
    try {
      await fh.chmod(FILE_MODE);
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, {force: true}).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(target));
}

/** Fills a file just created: exactly 0600 whatever the umask, written, synced, and closed even on failure. */
export function writeNewFileSync(fd: number, data: string): void {
  try {
    fs.fchmodSync(fd, FILE_MODE);
    fs.writeFileSync(fd, data, 'utf8');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Same as writeFileAtomic, for exit handlers that cannot await. */
export function writeFileAtomicSync(target: string, data: string): void {
  ensurePrivateDir(dirname(target));
  const tmp = tempPath(target);
  try {
    writeNewFileSync(fs.openSync(tmp, 'wx', FILE_MODE), data);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, {force: true});
    throw err;
  }
  syncDirSync(dirname(target));
}

// Some platforms/filesystems refuse to fsync a folder; the rename is still atomic there.
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EBADF']);

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await fsp.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (!DIR_SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
}

function syncDirSync(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if (!DIR_SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
}

/**
 * Removes temp files left by killed writers: only those of a dead process on this host, so that a
 * save in progress in another live process (e.g. while `sessions` lists) is never disturbed.
 * Returns the names removed.
 */
export function cleanStrayTemps(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const here = hostname();
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    const old = OLD_HARDWARE_TEMP_RE.exec(name);
    const pid = m && m[2] === here ? Number(m[3]) : old ? Number(old[1]) : undefined;
    if (pid === undefined || isPidAlive(pid)) continue;
    try {
      fs.rmSync(join(dir, name), {force: true});
      removed.push(name);
    } catch {
      // Best effort: a leftover temp file is ignored by every reader anyway.
    }
  }
  return removed;
}

/** True unless the pid certainly does not exist (ESRCH). EPERM means it exists under another user. */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  return !isZombie(pid);
}

/** A killed process stays signalable until its parent reaps it; it holds nothing any more. */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself contain ") ".
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
