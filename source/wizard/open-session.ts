// Opens (or creates) a session for a run: loads or creates it, merges an answers file, takes the lock,
// recovers from a crash, and wires the ports of its world. Used by the interactive and headless paths.
import {join} from 'node:path';
import {createSession, loadSession, saveSessionSync, securePrivateFolders} from '../session/store.js';
import {sessionDir} from '../session/home.js';
import {acquireLock, type SessionLock} from '../session/lock.js';
import {
  adminTokenRef,
  allSecretValues,
  bmcSecretRef,
  licenseRef,
  eksaLicenseTokenRef,
  cpDatabasePasswordRef,
  loadSecretsSync,
  withoutUnchangedSecrets,
  emptySecrets,
  type Secrets,
  redfishSecretRef,
  resolveSecret,
  type SecretRef,
} from '../session/secrets.js';
import type {Answers} from '../session/answers.js';
import type {Session} from '../session/schema.js';
import {SessionController} from './controller.js';
import {firstUnfinishedStep} from './reducer.js';
import {
  noNet,
  realNet,
  realSystemInfo,
  systemClock,
  type Net,
  type Ports,
  type SystemInfo,
  type World,
} from '../ports.js';
import {createExecaRunner} from '../run/execa-runner.js';
import {createDryRunRunner} from '../run/dry-run-runner.js';
import type {CommandRunner} from '../run/types.js';
import {SessionError} from '../session/errors.js';
import type {ProcessLister} from '../cluster/processes.js';

export interface OpenOptions {
  home: string;
  name: string;
  /** Create the session when it does not exist, in this world. */
  create?: World;
  /** Answers from --answers, merged over what the session has (the file wins). */
  answers?: Answers;
  /** The welcome already happened elsewhere (the launcher's existing-cluster form): its summary; the session opens past it. */
  welcomed?: string;
  /** The world the caller expects (demo runs refuse to open a real session and vice versa). */
  expectWorld?: World;
  env: Readonly<Record<string, string | undefined>>;
  command: string;
  speed?: number;
  assumeYes?: boolean;
  /** The admin server's facts (the demo's simulated one); default: this machine. */
  system?: SystemInfo;
  /** Extra environment for the children of this world (the demo puts its stand-ins first on PATH). */
  childEnv?: Record<string, string>;
  /** The network port of this world (the demo routes its simulated addresses to loopback). */
  net?: Net;
  /** The admin server's process table (the demo's simulated one); default: this machine's /proc. */
  processes?: ProcessLister;
}

export interface OpenedSession {
  controller: SessionController;
  ports: Ports;
  dir: string;
  lock: SessionLock;
  secret(key: string): string | undefined;
  /** What the opening found, for the first screen or the first lines. */
  notices: string[];
  close(): void;
}

export async function openSession(opts: OpenOptions): Promise<OpenedSession> {
  const dir = sessionDir(opts.home, opts.name);
  let session: Session;
  const notices: string[] = [];
  try {
    session = await loadSession(opts.home, opts.name);
  } catch (err) {
    if (!(err instanceof SessionError) || !opts.create || !/no session named/.test(err.message)) throw err;
    session = await createSession(opts.home, opts.name, opts.create);
  }
  if (opts.expectWorld && session.world !== opts.expectWorld) {
    throw new SessionError(
      `session ${opts.name} is a ${session.world} session; it cannot be opened as a ${opts.expectWorld} session`,
      join(dir, 'session.json'),
    );
  }
  securePrivateFolders(opts.home, opts.name);
  const lock = acquireLock(dir, {name: opts.name, command: opts.command});
  try {
    const controller = new SessionController(session, s => saveSessionSync(dir, s));
    const before = controller.get();
    controller.dispatch({type: 'recovered', at: new Date().toISOString()});
    for (const [id, rec] of Object.entries(before.steps)) {
      if (rec.state === 'running')
        notices.push(`Step ${id} was running when eksa-kong stopped: it is marked interrupted.`);
    }
    if (opts.welcomed && controller.get().steps.welcome.state === 'pending') {
      const at = new Date().toISOString();
      controller.dispatch({type: 'step-started', step: 'welcome', at});
      controller.dispatch({type: 'step-finished', step: 'welcome', at, summary: opts.welcomed});
    }
    if (opts.answers || opts.welcomed) {
      if (opts.answers)
        controller.dispatch({
          type: 'set-answers',
          patch: withoutUnchangedSecrets(opts.answers, storedSecretsOrNone(dir)),
          external: true,
        });
      // A pre-filled session opens at its first unfinished step (answers may have invalidated later ones).
      controller.dispatch({type: 'goto', step: firstUnfinishedStep(controller.get())});
    }

    const secret = (key: string): string | undefined => lookupSecret(dir, controller.get().answers, opts.env, key);
    const secretValues = () => {
      try {
        return allSecretValues(loadSecretsSync(dir), opts.env, controller.get().answers);
      } catch {
        return [];
      }
    };
    const attemptFor = (step: string) => {
      const rec = controller.get().steps[step as keyof Session['steps']];
      return Math.max(1, rec?.attempts.length ?? 1);
    };
    const onRecord = (record: Session['commands'][number]) => controller.dispatch({type: 'command-recorded', record});
    const baseEnv = {...opts.env, ...opts.childEnv};
    const runner: CommandRunner =
      session.world === 'dry-run'
        ? createDryRunRunner({onRecord, secrets: secretValues})
        : createExecaRunner({sessionDir: dir, attemptFor, onRecord, secrets: secretValues, baseEnv});
    const ports: Ports = {
      world: session.world,
      system: opts.system ?? realSystemInfo,
      runner,
      // A dry run reads nothing from the network: its steps take the answers instead.
      net: opts.net ?? (session.world === 'dry-run' ? noNet : realNet),
      clock: systemClock,
      env: baseEnv,
      sessionDir: dir,
      speed: opts.speed ?? 1,
      assumeYes: opts.assumeYes ?? false,
      ...(opts.processes ? {processes: opts.processes} : {}),
    };
    return {
      controller,
      ports,
      dir,
      lock,
      secret,
      notices,
      close: () => lock.release(),
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/**
 * Secret keys: `bmc:<hostname>`, `redfish`, `kong.adminToken`, `license`,
 * `eksa.licenseToken`, `kong.cpDatabasePassword`. Answers' references win over
 * secrets.json. An unresolvable reference gives undefined; the step names what is missing.
 */
export function lookupSecret(
  dir: string,
  answers: Answers,
  env: Readonly<Record<string, string | undefined>>,
  key: string,
): string | undefined {
  const secrets = loadSecretsSync(dir);
  let ref: SecretRef | undefined;
  if (key.startsWith('bmc:')) {
    const hostname = key.slice(4);
    const machine = answers.machines?.find(m => m.hostname === hostname);
    ref = machine ? bmcSecretRef(secrets, machine) : secrets.bmc.byHostname[hostname];
  } else if (key.startsWith('bmc-ip:')) {
    ref = secrets.bmc.byIp[key.slice(7)];
  } else if (key === 'redfish') ref = redfishSecretRef(secrets, answers);
  else if (key === 'kong.adminToken') ref = adminTokenRef(secrets, answers);
  else if (key === 'license') ref = licenseRef(secrets, answers);
  else if (key === 'eksa.licenseToken') ref = eksaLicenseTokenRef(secrets, answers);
  else if (key === 'kong.cpDatabasePassword') ref = cpDatabasePasswordRef(secrets, answers);
  if (ref === undefined) return undefined;
  try {
    return resolveSecret(ref, env);
  } catch {
    return undefined;
  }
}

/** The session's secrets for comparing, or none when secrets.json cannot be read (its readers report that). */
function storedSecretsOrNone(dir: string): Secrets {
  try {
    return loadSecretsSync(dir);
  } catch {
    return emptySecrets();
  }
}
