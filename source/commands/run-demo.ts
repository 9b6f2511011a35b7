// `eksa-kong demo`: the whole flow against the simulated data center. Picks (or creates) a demo
// session, opens the simulated data center for it (source/demo/open-world.ts), pre-fills the answers
// its parts provide, then runs the session like any other (screens, --autoplay, or plain lines) with
// its network and the stand-ins first on PATH; the world is closed (and saved) afterwards.
import {hostname} from 'node:os';
import {UsageError} from '../errors.js';
import {createSession, listSessions} from '../session/store.js';
import {isPidAlive, sessionDir} from '../session/home.js';
import {acquireLock, readLock} from '../session/lock.js';
import type {CommandContext} from './index.js';
import {runSession} from './run-session.js';
import {readDemoState} from '../demo/persist.js';
import {answersDigest, openDemoWorld} from '../demo/open-world.js';

export interface DemoOptions {
  /** Undefined: the speed a resumed demo ran at, else 1. */
  speed?: number;
  autoplay: boolean;
  /** Resume (or create) this demo session instead of picking one. */
  name?: string;
  /** Start a new demo session even when an unfinished one exists. */
  fresh?: boolean;
}

/** "--speed N": a positive, finite number. */
export function parseSpeed(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--speed must be a positive number, e.g. --speed 10 (got "${raw}")`);
  }
  return n;
}

function heldByLiveProcess(dir: string): boolean {
  const holder = readLock(dir);
  return holder !== undefined && (holder.host !== hostname() || isPidAlive(holder.pid));
}

/** demo, demo-2, demo-3, ...: the first name no session has. */
export function nextDemoName(taken: ReadonlySet<string>): string {
  if (!taken.has('demo')) return 'demo';
  for (let i = 2; ; i++) if (!taken.has(`demo-${i}`)) return `demo-${i}`;
}

/** Which session the demo opens: the one named, else the newest unfinished demo nobody has open, else a new one. */
export async function pickDemoSession(
  home: string,
  opts: Pick<DemoOptions, 'name' | 'fresh'>,
): Promise<{name: string; create: boolean}> {
  const list = await listSessions(home);
  if (opts.name) {
    const row = list.find(r => r.name === opts.name);
    if (!row) return {name: opts.name, create: true};
    if (row.world !== null && row.world !== 'demo') {
      throw new UsageError(`session ${opts.name} is a ${row.world} session; "eksa-kong demo" opens demo sessions only`);
    }
    return {name: opts.name, create: false};
  }
  if (!opts.fresh) {
    const open = list.find(
      r =>
        r.world === 'demo' &&
        r.status !== 'done' &&
        r.status !== 'destroyed' &&
        !heldByLiveProcess(sessionDir(home, r.name)),
    );
    if (open) return {name: open.name, create: false};
  }
  return {name: nextDemoName(new Set(list.map(r => r.name))), create: true};
}

export async function runDemo(ctx: CommandContext, opts: DemoOptions): Promise<number> {
  const {name, create} = await pickDemoSession(ctx.home, opts);
  const dir = sessionDir(ctx.home, name);
  if (create) await createSession(ctx.home, name, 'demo');
  else {
    // Refuse before the world touches the session folder of a demo someone has open.
    acquireLock(dir, {name, command: 'eksa-kong demo'}).release();
  }
  const say = (line: string) => (ctx.interactive ? undefined : ctx.io.stderr.write(`${line}\n`));
  say(
    create
      ? `Demo session ${name}: a new simulated data center.`
      : `Demo session ${name}: resuming it and its simulated data center.`,
  );

  const speed = opts.speed ?? (create ? undefined : readDemoState(dir).state?.speed) ?? 1;
  const demo = await openDemoWorld({sessionDir: dir, speed});
  try {
    for (const n of demo.notices) say(n);
    const digest = answersDigest(demo.answers);
    // Pre-filled answers go in once; merging them again on every resume would undo the admin's edits.
    const merge = Object.keys(demo.answers).length > 0 && (create || digest !== demo.world.answersDigest);
    demo.world.setAnswersDigest(digest);
    return await runSession(
      ctx,
      {name, expectWorld: 'demo', ...(merge ? {answers: demo.answers} : {}), childEnv: demo.env, net: demo.net, speed},
      {autoplay: opts.autoplay},
    );
  } finally {
    await demo.close();
  }
}
