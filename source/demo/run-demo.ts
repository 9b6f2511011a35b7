// `eksa-kong demo`: the whole flow against the simulated data center. Picks (or creates) a demo
// session, starts the demo world and its parts, pre-fills the answers the parts provide, routes the
// simulated addresses to loopback, then runs the session like any other (screens, --autoplay, or
// plain lines) with the stand-ins first on PATH; the world is closed (and saved) afterwards.
import {createHash} from 'node:crypto';
import {hostname} from 'node:os';
import {UsageError} from '../cli-options.js';
import {createSession, listSessions} from '../session/store.js';
import {isPidAlive, sessionDir} from '../session/home.js';
import {acquireLock, readLock} from '../session/lock.js';
import type {Answers} from '../session/answers.js';
import type {CommandContext} from '../commands/index.js';
import {runSession} from '../commands/run-session.js';
import {loadAnswersFile, mergeAnswers} from '../session/answers-file.js';
import {startDemoWorld, type DemoWorld} from './world.js';
import {createDemoNet} from './net.js';
import {readDemoState} from './persist.js';
import type {DemoPart, DemoPartStarter} from './parts/types.js';
import {startDiscoveryDemo} from './parts/discovery.js';
import {startClusterDemo} from './parts/cluster.js';
import {startKongDemo} from './parts/kong.js';

export interface DemoOptions {
  /** Undefined: the speed a resumed demo ran at, else 1. */
  speed?: number;
  autoplay: boolean;
  /** Resume (or create) this demo session instead of picking one. */
  name?: string;
  /** Start a new demo session even when an unfinished one exists. */
  fresh?: boolean;
  /** 'deploy': no Kong control plane yet, the wizard deploys it on the simulated EKS (issue 10). */
  controlPlane?: 'existing' | 'deploy';
}

/** In the order their answers merge: later parts win on the same key. */
const PARTS: ReadonlyArray<[string, DemoPartStarter]> = [
  ['discovery', startDiscoveryDemo],
  ['cluster', startClusterDemo],
  ['kong', startKongDemo],
];

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

/** The parts' answers, merged in order (objects merge key by key, lists are replaced). */
export function mergePartAnswers(parts: readonly DemoPart[]): Answers {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part.answers)) {
      const cur = out[k];
      const plain = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
      out[k] = plain(cur) && plain(v) ? {...(cur as object), ...(v as object)} : v;
    }
  }
  return out as Answers;
}

export function answersDigest(answers: Answers): string {
  return createHash('sha256').update(JSON.stringify(answers)).digest('hex');
}

async function startParts(
  world: DemoWorld,
  sessionDirPath: string,
  speed: number,
  signal: AbortSignal,
): Promise<DemoPart[]> {
  const started: DemoPart[] = [];
  try {
    for (const [name, start] of PARTS) {
      try {
        started.push(await start(world, {sessionDir: sessionDirPath, speed, signal}));
      } catch (err) {
        throw new Error(
          `the ${name} part of the simulated data center did not start: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    return started;
  } catch (err) {
    await closeParts(started);
    throw err;
  }
}

async function closeParts(parts: readonly DemoPart[]): Promise<void> {
  for (const p of [...parts].reverse()) {
    try {
      await p.close();
    } catch {
      // Closing is best effort: the process ends soon and the servers are on loopback.
    }
  }
}

/**
 * A demo session's simulated data center, started from its saved state without running any step: what
 * the day-two commands (status, upgrade, destroy) act on. The caller holds the session's lock.
 */
export async function openSimulatedDataCenter(dir: string): Promise<{
  world: DemoWorld;
  net: import('../ports.js').Net;
  speed: number;
  notices: string[];
  close(): Promise<void>;
}> {
  const speed = readDemoState(dir).state?.speed ?? 1;
  const world = await startDemoWorld({sessionDir: dir, speed, persist: true});
  const abort = new AbortController();
  let parts: DemoPart[];
  try {
    parts = await startParts(world, dir, speed, abort.signal);
  } catch (err) {
    await world.close();
    throw err;
  }
  const net = createDemoNet(
    parts.flatMap(p => p.routes),
    Object.assign({}, ...parts.map(p => p.dns)),
  );
  // The simulated data center ran on while nobody looked: its data planes are connected again before a
  // day-two command reads the CP (bounded, so a DP that cannot dial shows as it is).
  let bound: NodeJS.Timeout | undefined;
  await Promise.race([world.dataPlanesSettled(), new Promise<void>(resolve => (bound = setTimeout(resolve, 10_000)))]);
  clearTimeout(bound);
  return {
    world,
    net,
    speed,
    notices: world.notices,
    close: async () => {
      abort.abort(new Error('demo closed'));
      await closeParts(parts);
      await world.close();
    },
  };
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
  // --answers FILE: the admin's answers win over the demo's; controlPlane.deploy in them means deploy mode.
  const fileAnswers = ctx.opts.answers ? await loadAnswersFile(ctx.opts.answers) : undefined;
  const controlPlaneMode = opts.controlPlane ?? (fileAnswers?.controlPlane?.deploy ? 'deploy' : undefined);
  const world = await startDemoWorld({
    sessionDir: dir,
    speed,
    persist: true,
    ...(controlPlaneMode ? {controlPlaneMode} : {}),
  });
  const abort = new AbortController();
  let parts: DemoPart[] = [];
  try {
    for (const n of world.notices) say(n);
    parts = await startParts(world, dir, speed, abort.signal);
    const answers = fileAnswers ? mergeAnswers(mergePartAnswers(parts), fileAnswers) : mergePartAnswers(parts);
    const digest = answersDigest(answers);
    // Pre-filled answers go in once; merging them again on every resume would undo the admin's edits.
    const merge = Object.keys(answers).length > 0 && (create || digest !== world.answersDigest);
    world.setAnswersDigest(digest);
    const net = createDemoNet(
      parts.flatMap(p => p.routes),
      Object.assign({}, ...parts.map(p => p.dns)),
    );
    return await runSession(
      ctx,
      {name, expectWorld: 'demo', ...(merge ? {answers} : {}), childEnv: world.env, net, speed},
      {autoplay: opts.autoplay},
    );
  } finally {
    abort.abort(new Error('demo closed'));
    await closeParts(parts);
    await world.close();
  }
}
