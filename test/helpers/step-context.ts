// What a step test wires around a step, the way the app and the headless runner do: ports, the
// StepContext over a session controller, and a headless run recorded as started and finished.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {realNet, realSystemInfo, systemClock, type Clock, type Net, type Ports} from '../../source/ports.js';
import {simulatedAdminServer} from '../../source/demo/world.js';
import {createDryRunRunner} from '../../source/run/dry-run-runner.js';
import {createExecaRunner} from '../../source/run/execa-runner.js';
import type {SessionController} from '../../source/wizard/controller.js';
import {getStep, type StepContext, type StepOutcome} from '../../source/wizard/registry.js';
import type {StepId} from '../../source/wizard/step-ids.js';

/** Ports that run nothing (a dry-run runner) in a fresh folder; `over` replaces any of them. */
export function testPorts(over: Partial<Ports> = {}): Ports {
  return {
    world: 'real',
    system: realSystemInfo,
    runner: createDryRunRunner(),
    net: realNet,
    clock: systemClock,
    env: {},
    speed: 1,
    assumeYes: false,
    ...over,
    sessionDir: over.sessionDir ?? mkdtempSync(join(tmpdir(), 'eksa-kong-screen-')),
  };
}

/**
 * Ports of the demo world as the demo command wires them: real child processes with the world's
 * variables (its stand-ins first on PATH) and HOME in the session folder. `net` is the parts' network
 * (createDemoNet of their routes and names).
 */
export function demoPorts(opts: {
  dir: string;
  worldEnv: Readonly<Record<string, string>>;
  net: Net;
  speed: number;
  /** Date-dependent rules (Kubernetes support windows) read it; tests pin it. */
  clock?: Clock;
}): Ports {
  const env = {...process.env, ...opts.worldEnv, HOME: opts.dir};
  return {
    world: 'demo',
    system: simulatedAdminServer,
    runner: createExecaRunner({sessionDir: opts.dir, baseEnv: env}),
    net: opts.net,
    clock: opts.clock ?? systemClock,
    env,
    sessionDir: opts.dir,
    speed: opts.speed,
    assumeYes: false,
  };
}

/** The StepContext the app hands a step: the controller's live session; progress lines collected in `said`. */
export function stepContext(
  controller: SessionController,
  ports: Ports,
  opts: {secret?: StepContext['secret']} = {},
): {ctx: StepContext; said: string[]} {
  const said: string[] = [];
  const ctx: StepContext = {
    get session() {
      return controller.get();
    },
    ports,
    dispatch: controller.dispatch,
    secret: opts.secret ?? (() => undefined),
    say: line => said.push(line),
  };
  return {ctx, said};
}

/** Runs a step headless and records it as the headless runner does: (goto,) started, finished with its outcome. */
export async function runStep(
  ctx: StepContext,
  controller: SessionController,
  id: StepId,
  signal: AbortSignal,
  opts: {goto?: boolean} = {},
): Promise<StepOutcome> {
  if (opts.goto) controller.dispatch({type: 'goto', step: id});
  controller.dispatch({type: 'step-started', step: id, at: new Date().toISOString()});
  const outcome = await getStep(id).runHeadless!(ctx, signal);
  controller.dispatch({
    type: 'step-finished',
    step: id,
    at: new Date().toISOString(),
    summary: outcome.summary,
    data: outcome.data,
  });
  return outcome;
}
