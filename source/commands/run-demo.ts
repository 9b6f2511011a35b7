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
import {linkWorld, lockWorldHost, pickWorldHost, worldDirOf, worldHostOf} from '../demo/shared-world.js';
import type {Answers} from '../session/answers.js';
import {loadAnswersFile, mergeAnswers} from '../session/answers-file.js';

export interface DemoOptions {
  /** Undefined: the speed a resumed demo ran at, else 1. */
  speed?: number;
  autoplay: boolean;
  /** Resume (or create) this demo session instead of picking one. */
  name?: string;
  /** Start a new demo session even when an unfinished one exists. */
  fresh?: boolean;
  /**
   * A new session for a second data plane, on the simulated vSphere cluster of the newest demo
   * session's data center (the existing-cluster flow): the same control plane lists both.
   */
  existingCluster?: boolean;
  /** cluster_mtls of a new demo's Kong control plane (a resumed one keeps what its secret holds). */
  cpMtls?: 'shared' | 'pki';
  /** 'deploy': no Kong control plane yet, the wizard deploys it on the simulated EKS (issue 10). */
  controlPlane?: 'existing' | 'deploy';
}

/** "--cp-mtls shared|pki". */
export function parseCpMtls(raw: string | undefined): 'shared' | 'pki' | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'shared' || raw === 'pki') return raw;
  throw new UsageError(`--cp-mtls must be shared or pki (got "${raw}")`);
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

/** demo, demo-2, demo-3, ... (or demo-dp2, demo-dp3, ... for a second data plane): the first name no session has. */
export function nextDemoName(taken: ReadonlySet<string>, existingCluster = false): string {
  if (existingCluster) {
    for (let i = 2; ; i++) if (!taken.has(`demo-dp${i}`)) return `demo-dp${i}`;
  }
  if (!taken.has('demo')) return 'demo';
  for (let i = 2; ; i++) if (!taken.has(`demo-${i}`)) return `demo-${i}`;
}

/** Which session the demo opens: the one named, else the newest unfinished demo nobody has open, else a new one. */
export async function pickDemoSession(
  home: string,
  opts: Pick<DemoOptions, 'name' | 'fresh' | 'existingCluster'>,
): Promise<{name: string; create: boolean}> {
  const list = await listSessions(home);
  if (opts.existingCluster) {
    if (opts.name && list.some(r => r.name === opts.name)) {
      throw new UsageError(
        `session ${opts.name} exists; "eksa-kong demo --existing-cluster" starts a new session (resume that one with "eksa-kong demo ${opts.name}")`,
      );
    }
    return {name: opts.name ?? nextDemoName(new Set(list.map(r => r.name)), true), create: true};
  }
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
  const host = create && opts.existingCluster ? ((await pickWorldHost(ctx.home)) ?? name) : undefined;
  // The data center of another session is held for as long as this one runs in it.
  const hostLock =
    host && host !== name
      ? acquireLock(sessionDir(ctx.home, host), {
          name: host,
          command: `eksa-kong demo --existing-cluster ${name} (a second data plane in this simulated data center)`,
        })
      : undefined;
  try {
    if (create) await createSession(ctx.home, name, 'demo');
    else {
      // Refuse before the world touches the session folder of a demo someone has open.
      acquireLock(dir, {name, command: 'eksa-kong demo'}).release();
    }
    if (host) linkWorld(dir, host);
    const {host: worldHost, linked} = worldHostOf(dir);
    const heldHost = hostLock ?? (create ? undefined : lockWorldHost(dir, `eksa-kong demo ${name}`));
    try {
      return await runInWorld(ctx, {...opts, name, create, dir, worldDir: worldDirOf(dir), worldHost, linked});
    } finally {
      if (heldHost !== hostLock) heldHost?.release();
    }
  } finally {
    hostLock?.release();
  }
}

async function runInWorld(
  ctx: CommandContext,
  opts: DemoOptions & {
    name: string;
    create: boolean;
    dir: string;
    worldDir: string;
    worldHost: string;
    /** A second data plane's session (demo --existing-cluster): its answers are the vSphere cluster's. */
    linked: boolean;
  },
): Promise<number> {
  const {name, create, dir, worldDir, linked} = opts;
  const say = (line: string) => (ctx.interactive ? undefined : ctx.io.stderr.write(`${line}\n`));
  const where = worldDir === dir ? 'its own' : `demo session ${opts.worldHost}'s`;
  say(
    linked
      ? create
        ? `Demo session ${name}: a second data plane, on the simulated vSphere cluster of ${where} simulated data center.`
        : `Demo session ${name}: resuming it in ${where} simulated data center.`
      : create
        ? `Demo session ${name}: a new simulated data center.`
        : `Demo session ${name}: resuming it and its simulated data center.`,
  );

  const speed = opts.speed ?? (create && worldDir === dir ? undefined : readDemoState(worldDir).state?.speed) ?? 1;
  // --answers FILE: the admin's answers win over the demo's; controlPlane.deploy in them means deploy mode.
  const fileAnswers = ctx.opts.answers ? await loadAnswersFile(ctx.opts.answers) : undefined;
  const controlPlaneMode = opts.controlPlane ?? (fileAnswers?.controlPlane?.deploy ? 'deploy' : undefined);
  const demo = await openDemoWorld({
    sessionDir: worldDir,
    speed,
    ...(controlPlaneMode ? {controlPlaneMode} : {}),
    ...(opts.cpMtls ? {cpMtls: opts.cpMtls} : {}),
  });
  try {
    for (const n of demo.notices) say(n);
    let answers: Answers | undefined;
    if (linked) {
      // Pre-filled once, when the session is made; the admin's edits stand on resume.
      if (create) answers = demo.existingClusterAnswers;
    } else {
      const offered = fileAnswers ? mergeAnswers(demo.answers, fileAnswers) : demo.answers;
      const digest = answersDigest(offered);
      // Pre-filled answers go in once; merging them again on every resume would undo the admin's edits.
      if (Object.keys(offered).length > 0 && (create || digest !== demo.world.answersDigest)) answers = offered;
      demo.world.setAnswersDigest(digest);
    }
    return await runSession(
      ctx,
      {
        name,
        expectWorld: 'demo',
        ...(answers ? {answers} : {}),
        ...(linked && create ? {welcomed: 'a second data plane, on the simulated vSphere cluster (demo)'} : {}),
        childEnv: demo.env,
        net: demo.net,
        speed,
        system: demo.system,
        processes: demo.processes,
      },
      {autoplay: opts.autoplay},
    );
  } finally {
    await demo.close();
  }
}
