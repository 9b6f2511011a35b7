// Which discovery sources run, and how, as the admin set them (screen) or the answers say (headless):
// settings <-> answers, and settings -> DiscoverySession options. No secrets are kept here; the
// Redfish password is passed in when the session starts.
import type {Answers} from '../session/answers.js';
import type {CommandRunner} from '../run/types.js';
import type {CsvFinding} from './csv-import.js';
import type {RouteFn} from './redfish-http.js';
import type {DiscoverySessionOptions} from './session.js';
import {expandTargets} from './targets.js';

export const DEFAULT_PXE_PORT = 67;

export interface DiscoverySettings {
  pxe: {enabled: boolean; port: number; capture: boolean};
  redfish: {enabled: boolean; targets: string; username: string; insecure: boolean};
  neighbours: boolean;
  importCsv: {enabled: boolean; path: string};
}

type DiscoveryAnswers = NonNullable<Answers['discovery']>;

export function settingsFromAnswers(answers: Answers): DiscoverySettings {
  const d = answers.discovery ?? {};
  const targets = d.redfish?.targets ?? [];
  return {
    pxe: {
      enabled: d.pxe ? d.pxe.enabled !== false : false,
      port: d.pxe?.port ?? DEFAULT_PXE_PORT,
      capture: d.pxe?.capture ?? false,
    },
    redfish: {
      enabled: targets.length > 0,
      targets: targets.join(', '),
      username: d.redfish?.username ?? '',
      insecure: d.redfish?.insecure ?? false,
    },
    neighbours: d.neighbours ?? false,
    importCsv: {enabled: Boolean(d.importCsv), path: d.importCsv ?? ''},
  };
}

export function splitTargets(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map(s => s.trim())
    .filter(Boolean);
}

/** The answers patch the settings stand for (a switched-off source keeps its values, marked off). */
export function settingsToAnswers(s: DiscoverySettings): DiscoveryAnswers {
  const out: DiscoveryAnswers = {
    pxe: {enabled: s.pxe.enabled, port: s.pxe.port, capture: s.pxe.capture},
    redfish: {
      targets: s.redfish.enabled ? splitTargets(s.redfish.targets) : [],
      ...(s.redfish.username ? {username: s.redfish.username} : {}),
      insecure: s.redfish.insecure,
    },
  };
  if (s.importCsv.enabled && s.importCsv.path) out.importCsv = s.importCsv.path;
  if (s.neighbours) out.neighbours = true;
  return out;
}

export function anySource(s: DiscoverySettings): boolean {
  return s.pxe.enabled || s.redfish.enabled || s.neighbours || s.importCsv.enabled;
}

export interface PlanContext {
  /** The provisioning interface (admin.interface), for capture and the neighbour table. */
  iface?: string;
  redfishPassword?: string;
  trust?: Readonly<Record<string, string>>;
  route?: RouteFn;
  runner?: CommandRunner;
  env?: Readonly<Record<string, string | undefined>>;
  csv?: readonly CsvFinding[];
  timeoutMs?: number;
}

/** A setting that cannot work as given: which one, and what it needs. */
export interface PlanProblem {
  key: string;
  message: string;
}

export function planDiscovery(
  s: DiscoverySettings,
  ctx: PlanContext,
): {ok: true; options: DiscoverySessionOptions} | {ok: false; problem: PlanProblem} {
  const options: DiscoverySessionOptions = {step: 'discover'};
  if (ctx.runner) options.runner = ctx.runner;
  if (ctx.env) options.env = ctx.env;
  if (s.pxe.enabled) {
    if (!Number.isInteger(s.pxe.port) || s.pxe.port < 1 || s.pxe.port > 65535) {
      return {
        ok: false,
        problem: {key: 'discovery.pxe.port', message: 'a UDP port from 1 to 65535 (67 is where PXE ROMs send)'},
      };
    }
    if (s.pxe.capture) {
      if (!ctx.iface)
        return {
          ok: false,
          problem: {key: 'admin.interface', message: 'passive capture needs the provisioning interface'},
        };
      options.pxe = {mode: 'capture', iface: ctx.iface};
    } else options.pxe = {mode: 'listen', port: s.pxe.port};
  }
  if (s.redfish.enabled) {
    const targets = splitTargets(s.redfish.targets);
    const expanded = expandTargets(targets);
    if (targets.length === 0)
      return {
        ok: false,
        problem: {key: 'discovery.redfish.targets', message: 'BMC addresses or a CIDR range, e.g. 10.20.1.0/24'},
      };
    if (!expanded.ok) return {ok: false, problem: {key: 'discovery.redfish.targets', message: expanded.error}};
    if (!s.redfish.username)
      return {ok: false, problem: {key: 'discovery.redfish.username', message: 'the BMC user name for the sweep'}};
    if (!ctx.redfishPassword)
      return {
        ok: false,
        problem: {
          key: 'discovery.redfish.passwordEnv',
          message: 'the BMC password for the sweep (passwordEnv, passwordFile or password)',
        },
      };
    options.redfish = {
      targets,
      credentials: {username: s.redfish.username, password: ctx.redfishPassword},
      trust: ctx.trust ?? {},
      ...(s.redfish.insecure ? {insecure: true} : {}),
      ...(ctx.timeoutMs ? {timeoutMs: ctx.timeoutMs} : {}),
      ...(ctx.route ? {route: ctx.route} : {}),
    };
  }
  if (s.neighbours) options.neighbours = ctx.iface ? {iface: ctx.iface} : {};
  if (s.importCsv.enabled) {
    if (!s.importCsv.path)
      return {ok: false, problem: {key: 'discovery.importCsv', message: 'the path of an existing hardware.csv'}};
    options.csv = ctx.csv ?? [];
  }
  return {ok: true, options};
}
