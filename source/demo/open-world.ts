// The simulated data center, assembled: the demo world (fake BMCs, Kubernetes API, Kong, stand-in
// eksctl/helm), its parts started in order, and the network that maps their addresses to loopback.
// Callers (the demo command, the day-two commands on a demo session, tests) own the session; this
// module knows nothing of commands or sessions beyond the folder the world saves its state in.
import {createHash} from 'node:crypto';
import type {Net, SystemInfo} from '../ports.js';
import type {Answers} from '../session/answers.js';
import {simulatedAdminServer, startDemoWorld, type DemoWorld} from './world.js';
import {createDemoNet} from './net.js';
import {readDemoState} from './persist.js';
import {demoProcessLister} from './processes.js';
import type {ProcessLister} from '../cluster/processes.js';
import type {DemoPart, DemoPartStarter} from './parts/types.js';
import {startDiscoveryDemo} from './parts/discovery.js';
import {startClusterDemo} from './parts/cluster.js';
import {startKongDemo} from './parts/kong.js';

/** In the order their answers merge: later parts win on the same key. */
const PARTS: ReadonlyArray<[string, DemoPartStarter]> = [
  ['discovery', startDiscoveryDemo],
  ['cluster', startClusterDemo],
  ['kong', startKongDemo],
];

export interface DemoWorldOptions {
  /** The session folder the world saves its state in (and resumes from). */
  sessionDir: string;
  /** Time scale; undefined: the speed the saved world ran at, else 1. */
  speed?: number;
  /**
   * Wait (bounded) until the world's data planes are connected again: a day-two command reads the CP
   * as soon as it opens, while the simulated data center "ran on" while nobody looked.
   */
  settle?: boolean;
  /** cluster_mtls of a new world's Kong control plane (a restored one keeps what its secret holds). */
  cpMtls?: 'shared' | 'pki';
  /** 'deploy': no Kong control plane yet, the wizard deploys it (issue 10); a resumed world keeps its mode. */
  controlPlaneMode?: 'existing' | 'deploy';
}

/** The ports the demo session runs with, the answers the parts provide, and how to close it all. */
export interface OpenDemoWorld {
  world: DemoWorld;
  net: Net;
  /** The environment for children: the stand-in eksctl/helm first on PATH. */
  env: Record<string, string>;
  speed: number;
  /** The simulated admin server's CPUs, memory and disk (what preflight reads in the demo). */
  system: SystemInfo;
  /** The simulated admin server's processes (what preflight and resume see in the demo). */
  processes: ProcessLister;
  /** What the world has to say on opening (e.g. what it restored). */
  notices: string[];
  /** The parts' answers, merged in order. */
  answers: Answers;
  /** A second data plane's answers (`demo --existing-cluster`): the simulated vSphere cluster as cluster.existing. */
  existingClusterAnswers: Answers | undefined;
  close(): Promise<void>;
}

export async function openDemoWorld(options: DemoWorldOptions): Promise<OpenDemoWorld> {
  const {sessionDir} = options;
  const speed = options.speed ?? readDemoState(sessionDir).state?.speed ?? 1;
  const world = await startDemoWorld({
    sessionDir,
    speed,
    persist: true,
    ...(options.cpMtls ? {controlPlane: {mtls: options.cpMtls}} : {}),
    ...(options.controlPlaneMode ? {controlPlaneMode: options.controlPlaneMode} : {}),
  });
  const abort = new AbortController();
  let parts: DemoPart[];
  try {
    parts = await startParts(world, sessionDir, speed, abort.signal);
  } catch (err) {
    await world.close();
    throw err;
  }
  const close = async () => {
    abort.abort(new Error('demo closed'));
    await closeParts(parts);
    await world.close();
  };
  const net = createDemoNet(
    parts.flatMap(p => p.routes),
    Object.assign({}, ...parts.map(p => p.dns)),
  );
  // The stand-in eksctl's in-use probe sees the same simulated network as the steps.
  world.setNet(net);
  if (options.settle) {
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      world.dataPlanesSettled(),
      new Promise<void>(resolve => (bound = setTimeout(resolve, 10_000))),
    ]);
    clearTimeout(bound);
  }
  return {
    world,
    net,
    env: world.env,
    speed,
    system: simulatedAdminServer,
    processes: demoProcessLister(world.binDir),
    notices: world.notices,
    answers: mergePartAnswers(parts),
    existingClusterAnswers: parts.map(p => p.existingCluster).find(a => a !== undefined),
    close,
  };
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

/** Which pre-filled answers a demo session got last time (see commands/run-demo.ts). */
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
