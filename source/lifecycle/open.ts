// Opening a finished session for a day-two command (status, upgrade, destroy). A demo session's
// commands only make sense inside its simulated data center, so the world is started from its saved
// state around the command, exactly as a resumed demo would; a real session needs nothing of the kind.
import {basename} from 'node:path';
import type {CommandContext} from '../commands/index.js';
import {loadSession} from '../session/store.js';
import {sessionDir} from '../session/home.js';
import {acquireLock, type SessionLock} from '../session/lock.js';
import {lookupSecret, openSession, type OpenedSession} from '../wizard/open-session.js';
import {realNet, systemClock, type Clock, type Net} from '../ports.js';
import type {Session} from '../session/schema.js';

export interface SimulatedWorld {
  net: Net;
  env: Record<string, string>;
  speed: number;
  close(): Promise<void>;
}

async function openWorld(dir: string): Promise<SimulatedWorld> {
  const {openDemoWorld} = await import('../demo/open-world.js');
  const {lockWorldHost, worldDirOf} = await import('../demo/shared-world.js');
  // A second data plane's session lives in an earlier demo session's data center: held while open.
  const hostLock = lockWorldHost(dir, `eksa-kong (the simulated data center of ${basename(dir)})`);
  try {
    const demo = await openDemoWorld({sessionDir: worldDirOf(dir), settle: true});
    return {
      net: demo.net,
      env: demo.env,
      speed: demo.speed,
      close: async () => {
        await demo.close();
        hostLock?.release();
      },
    };
  } catch (err) {
    hostLock?.release();
    throw err;
  }
}

/** What `status` reads: the session, its secrets and network; no runner, no lock for a real session. */
export interface StatusSource {
  session: Session;
  dir: string;
  home: string;
  net: Net;
  clock: Clock;
  env: Readonly<Record<string, string | undefined>>;
  secret(key: string): string | undefined;
  close(): Promise<void>;
}

export async function openForStatus(ctx: CommandContext, name: string): Promise<StatusSource> {
  const session = await loadSession(ctx.home, name);
  const dir = sessionDir(ctx.home, name);
  let lock: SessionLock | undefined;
  let world: SimulatedWorld | undefined;
  if (session.world === 'demo') {
    // The simulated data center lives in the process that has the demo open: a second copy would fight
    // it for its ports, so the lock is taken (and refused with who holds it).
    lock = acquireLock(dir, {name, command: 'eksa-kong status'});
    try {
      world = await openWorld(dir);
    } catch (err) {
      lock.release();
      throw err;
    }
  }
  const env = {...ctx.io.env, ...world?.env};
  return {
    session,
    dir,
    home: ctx.home,
    net: world?.net ?? realNet,
    clock: systemClock,
    env,
    secret: key => lookupSecret(dir, session.answers, env, key),
    close: async () => {
      await world?.close();
      lock?.release();
    },
  };
}

/** An opened session (lock, runner recording into the runbook) inside its world, for upgrade and destroy. */
export async function openForChange(
  ctx: CommandContext,
  name: string,
  command: string,
): Promise<{opened: OpenedSession; close(): Promise<void>}> {
  const session = await loadSession(ctx.home, name);
  const dir = sessionDir(ctx.home, name);
  let world: SimulatedWorld | undefined;
  if (session.world === 'demo') {
    // Refuse before the world touches the folder of a demo someone has open.
    acquireLock(dir, {name, command}).release();
    world = await openWorld(dir);
  }
  try {
    const opened = await openSession({
      name,
      home: ctx.home,
      env: ctx.io.env,
      command,
      assumeYes: Boolean(ctx.opts.yes),
      ...(world ? {childEnv: world.env, net: world.net, speed: world.speed, expectWorld: 'demo' as const} : {}),
    });
    return {
      opened,
      close: async () => {
        opened.close();
        await world?.close();
      },
    };
  } catch (err) {
    await world?.close();
    throw err;
  }
}
