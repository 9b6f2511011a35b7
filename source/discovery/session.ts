// A discovery run: the selected sources run concurrently under one AbortSignal and feed findings into
// one live, merged machine table that a screen subscribes to. Plain TypeScript, no UI.
import type {CommandRunner} from '../run/types.js';
import {bootMacObserved, correlate, type DiscoveredMachine} from './correlate.js';
import type {CsvFinding} from './csv-import.js';
import {notInstallable, pxeFinding, redfishFindings, type Finding, type NotInstallable} from './findings.js';
import {
  ipmiLanPrint,
  ipmiSystemGuid,
  triggerPxeAndAttribute,
  type IpmiResult,
  type IpmiTarget,
  type PxeAttribution,
} from './ipmi.js';
import {readNeighbours, type Neighbour} from './neighbours.js';
import {startPxeCapture, type Spawn} from './pxe-capture.js';
import type {PxeEvent, PxeEventSource, PxeListener} from './pxe-events.js';
import {startPxeListener} from './pxe-listener.js';
import type {RedfishResult} from './redfish-client.js';
import {sweepRedfish, type RedfishSweepOptions} from './redfish-sweep.js';

export type SourceName = 'pxe' | 'redfish' | 'ipmi' | 'neighbours' | 'csv';
export type SourceState = 'off' | 'running' | 'done' | 'failed' | 'stopped';

export interface DiscoverySessionOptions {
  runner?: CommandRunner;
  env?: Readonly<Record<string, string | undefined>>;
  step?: string;
  pxe?:
    | {mode: 'listen'; port?: number; address?: string; interface?: string}
    | {mode: 'capture'; iface: string; tcpdump?: string; spawn?: Spawn};
  /** The sweep's own options; the session supplies the signal and the result callback. */
  redfish?: Pick<
    RedfishSweepOptions,
    'targets' | 'credentials' | 'trust' | 'insecure' | 'concurrency' | 'timeoutMs' | 'route'
  >;
  ipmi?: {targets: readonly IpmiTarget[]; channel?: number; timeoutMs?: number};
  neighbours?: {iface?: string};
  csv?: readonly CsvFinding[];
}

export interface DiscoverySnapshot {
  machines: DiscoveredMachine[];
  sources: Record<SourceName, {state: SourceState; message?: string}>;
  /** BMCs whose certificate was seen for the first time: ask the admin, then call trust(). */
  needsTrust: Array<{key: string; fingerprint: string}>;
  /** BMCs that could not be inventoried: changed certificate, wrong credentials, not Redfish, unreachable. */
  problems: Array<{key: string; kind: string; message: string}>;
  bmcCandidates: Neighbour[];
  /** Systems a BMC lists that are not machines to install (DPUs, GPU baseboards), with the reason. */
  notInstallable: NotInstallable[];
  /** Counts of DHCP traffic seen by the PXE source. */
  pxeStats?: {requests: number; ignored: number; invalid: number};
  warnings: string[];
}

export class DiscoverySession {
  private readonly findings: Finding[] = [];
  private readonly listeners = new Set<(s: DiscoverySnapshot) => void>();
  private readonly pxeListeners = new Set<PxeListener>();
  private readonly sources: DiscoverySnapshot['sources'] = {
    pxe: {state: 'off'},
    redfish: {state: 'off'},
    ipmi: {state: 'off'},
    neighbours: {state: 'off'},
    csv: {state: 'off'},
  };
  private readonly needsTrust = new Map<string, string>();
  private redfishRuns = 0;
  private readonly problems = new Map<string, {key: string; kind: string; message: string}>();
  private bmcCandidates: Neighbour[] = [];
  private readonly notInstallable = new Map<string, NotInstallable>();
  private readonly warnings: string[] = [];
  private pxeStats: DiscoverySnapshot['pxeStats'];
  private cached: DiscoverySnapshot | null = null;
  private readonly controller = new AbortController();
  private closers: Array<() => Promise<void> | void> = [];
  private readonly trustMap: Record<string, string>;
  /** BMCs of the whole sweep, and those inventoried so far (a trusted BMC is swept again alone). */
  private redfishTotal = 0;
  private readonly inventoried = new Set<string>();

  constructor(private readonly options: DiscoverySessionOptions) {
    this.trustMap = {...(options.redfish?.trust ?? {})};
  }

  /** PXE requests as they arrive, for the IPMI power-on attribution. */
  readonly pxeEvents: PxeEventSource = {
    subscribe: (l: PxeListener) => {
      this.pxeListeners.add(l);
      return () => this.pxeListeners.delete(l);
    },
  };

  subscribe(listener: (s: DiscoverySnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): DiscoverySnapshot {
    this.cached ??= {
      machines: correlate(this.findings),
      sources: structuredClone(this.sources),
      needsTrust: [...this.needsTrust].map(([key, fingerprint]) => ({key, fingerprint})),
      problems: [...this.problems.values()],
      bmcCandidates: [...this.bmcCandidates],
      notInstallable: [...this.notInstallable.values()],
      ...(this.pxeStats ? {pxeStats: {...this.pxeStats}} : {}),
      warnings: [...this.warnings],
    };
    return this.cached;
  }

  /** Certificates the admin accepted, by BMC key: the session saves these as its trust map. */
  get trusted(): Readonly<Record<string, string>> {
    return {...this.trustMap};
  }

  add(...findings: Finding[]): void {
    this.findings.push(...findings);
    this.changed();
  }

  /**
   * Runs every configured source. Resolves when the finite sources (Redfish, IPMI, neighbours) are done;
   * the PXE source keeps listening until stop() or the signal aborts.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (signal) {
      if (signal.aborted) this.controller.abort();
      else signal.addEventListener('abort', () => void this.stop(), {once: true});
    }
    const o = this.options;
    if (o.csv) {
      this.add(...o.csv);
      this.setSource('csv', 'done', `${o.csv.length} rows`);
    }
    const tasks: Promise<void>[] = [];
    if (o.pxe) tasks.push(this.runPxe());
    if (o.redfish) tasks.push(this.runRedfish(o.redfish.targets));
    if (o.ipmi) tasks.push(this.runIpmi());
    if (o.neighbours) tasks.push(this.runNeighbours());
    await Promise.all(tasks);
  }

  /** The admin accepted this certificate: remember it and inventory that BMC again. */
  async trust(key: string, fingerprint: string): Promise<void> {
    this.trustMap[key] = fingerprint;
    this.needsTrust.delete(key);
    // No snapshot in between: one with the question gone and Redfish idle would read as "all found".
    await this.runRedfish([key]);
  }

  /**
   * One machine, with the admin's consent: one-time PXE boot and power on through IPMI, then the next
   * PXE DISCOVER (from a MAC not yet known) is attributed to that BMC. Needs the PXE source running.
   */
  async powerOnAndAttribute(
    target: IpmiTarget,
    options: {timeoutMs?: number; power?: 'on' | 'cycle'} = {},
  ): Promise<IpmiResult<PxeAttribution>> {
    const runner = this.options.runner;
    if (!runner) return {ok: false, error: 'no command runner'};
    if (this.sources.pxe.state !== 'running')
      return {
        ok: false,
        error:
          'start the PXE listener or capture first: the DISCOVER that follows the power-on is how the machine is recognised',
      };
    // Only MACs already seen booting: a boot MAC read from the BMC is the very one this power-on should show.
    const known = new Set(this.snapshot().machines.flatMap(m => (m.bootMac && bootMacObserved(m) ? [m.bootMac] : [])));
    const r = await triggerPxeAndAttribute(
      {
        runner,
        signal: this.controller.signal,
        ...(this.options.env ? {env: this.options.env} : {}),
        step: this.options.step ?? 'discover',
      },
      target,
      this.pxeEvents,
      {
        exclude: known,
        ...(options.timeoutMs ? {timeoutMs: options.timeoutMs} : {}),
        ...(options.power ? {power: options.power} : {}),
      },
    );
    if (r.ok) {
      const key = target.port && target.port !== 623 ? `${target.host}:${target.port}` : target.host;
      this.add({
        source: 'power',
        bmc: key,
        mac: r.value.mac,
        ...(r.value.uuid ? {uuid: r.value.uuid} : {}),
        at: r.value.event.at,
      });
    }
    return r;
  }

  async stop(): Promise<void> {
    this.controller.abort();
    const closers = this.closers;
    this.closers = [];
    await Promise.all(closers.map(c => c()));
    for (const name of Object.keys(this.sources) as SourceName[]) {
      if (this.sources[name].state === 'running') this.sources[name] = {state: 'stopped'};
    }
    this.changed();
  }

  private changed(): void {
    this.cached = null;
    const snap = this.snapshot();
    for (const l of [...this.listeners]) {
      try {
        l(snap);
      } catch {
        // a faulty screen must not break discovery
      }
    }
  }

  private setSource(name: SourceName, state: SourceState, message?: string): void {
    this.sources[name] = message ? {state, message} : {state};
    this.changed();
  }

  private onPxe = (e: PxeEvent, stats: {requests: number; ignored: number; invalid: number}) => {
    this.pxeStats = {requests: stats.requests, ignored: stats.ignored, invalid: stats.invalid};
    for (const l of [...this.pxeListeners]) l(e);
    this.add(pxeFinding(e));
  };

  private async runPxe(): Promise<void> {
    const p = this.options.pxe!;
    const signal = this.controller.signal;
    this.setSource('pxe', 'running');
    if (p.mode === 'listen') {
      const r = await startPxeListener({
        ...(p.port !== undefined ? {port: p.port} : {}),
        ...(p.address ? {address: p.address} : {}),
        ...(p.interface ? {interface: p.interface} : {}),
        signal,
      });
      if (!r.ok) return this.setSource('pxe', 'failed', r.error);
      const l = r.listener;
      this.warnings.push(...l.warnings);
      l.subscribe(e => this.onPxe(e, l.stats));
      this.closers.push(() => l.close());
      this.setSource('pxe', 'running', `listening on UDP ${l.address}:${l.port}`);
      return;
    }
    const cap = startPxeCapture({
      iface: p.iface,
      ...(p.tcpdump ? {tcpdump: p.tcpdump} : {}),
      ...(p.spawn ? {spawn: p.spawn} : {}),
      signal,
    });
    cap.subscribe(e => this.onPxe(e, cap.stats));
    this.closers.push(() => cap.stop());
    this.setSource('pxe', 'running', `capturing on ${p.iface}`);
    void cap.done.then(r => {
      if (!r.ok) this.setSource('pxe', 'failed', r.error);
    });
  }

  private async runRedfish(targets: readonly string[]): Promise<void> {
    const r = this.options.redfish!;
    this.redfishRuns++;
    this.setSource('redfish', 'running', `${targets.length} target entr${targets.length === 1 ? 'y' : 'ies'}`);
    const sweep = await sweepRedfish({
      targets,
      credentials: r.credentials,
      trust: this.trustMap,
      ...(r.insecure ? {insecure: true} : {}),
      ...(r.concurrency ? {concurrency: r.concurrency} : {}),
      ...(r.timeoutMs ? {timeoutMs: r.timeoutMs} : {}),
      ...(r.route ? {route: r.route} : {}),
      signal: this.controller.signal,
      onResult: res => this.onRedfish(res),
    });
    this.redfishRuns--;
    if (!sweep.ok) return this.setSource('redfish', 'failed', sweep.error);
    this.redfishTotal = Math.max(this.redfishTotal, sweep.results.length);
    // Sweeps of newly trusted BMCs overlap: Redfish is done only when the last one is.
    if (this.redfishRuns > 0) return this.changed();
    this.setSource('redfish', 'done', `${this.inventoried.size} of ${this.redfishTotal} BMCs inventoried`);
  }

  private onRedfish(res: RedfishResult): void {
    const key = res.target.key;
    this.problems.delete(key);
    this.needsTrust.delete(key);
    if (res.kind === 'ok') {
      this.inventoried.add(key);
      this.trustMap[key] = res.bmc.fingerprint;
      for (const w of res.bmc.warnings) this.warnings.push(`${key}: ${w}`);
      for (const n of notInstallable(res)) this.notInstallable.set(n.id, n);
      this.add(...redfishFindings(res));
      return;
    }
    if (res.kind === 'needsTrust') this.needsTrust.set(key, res.fingerprint);
    else if (res.kind === 'fingerprintMismatch') {
      this.problems.set(key, {
        key,
        kind: res.kind,
        message: `${key}: the certificate changed since it was trusted (was ${res.expected}, now ${res.actual}); refusing to send credentials`,
      });
    } else this.problems.set(key, {key, kind: res.kind, message: res.message});
    this.changed();
  }

  private async runIpmi(): Promise<void> {
    const cfg = this.options.ipmi!;
    const runner = this.options.runner;
    if (!runner) return this.setSource('ipmi', 'failed', 'no command runner');
    this.setSource('ipmi', 'running');
    const ctx = {
      runner,
      signal: this.controller.signal,
      ...(this.options.env ? {env: this.options.env} : {}),
      ...(this.options.step ? {step: this.options.step} : {}),
      ...(cfg.timeoutMs ? {timeoutMs: cfg.timeoutMs} : {}),
    };
    let ok = 0;
    for (const t of cfg.targets) {
      if (this.controller.signal.aborted) break;
      const key = t.port && t.port !== 623 ? `${t.host}:${t.port}` : t.host;
      const lan = await ipmiLanPrint(ctx, t, cfg.channel ?? 1);
      if (!lan.ok) {
        this.problems.set(`ipmi:${key}`, {key, kind: 'ipmi', message: lan.error});
        this.changed();
        continue;
      }
      const guid = await ipmiSystemGuid(ctx, t);
      ok += 1;
      this.add({
        source: 'ipmi',
        bmc: key,
        ...(lan.value.mac ? {bmcMac: lan.value.mac} : {}),
        ...(guid.ok ? {guid: guid.value} : {}),
      });
    }
    this.setSource('ipmi', 'done', `${ok} of ${cfg.targets.length} BMCs answered`);
  }

  private async runNeighbours(): Promise<void> {
    const runner = this.options.runner;
    if (!runner) return this.setSource('neighbours', 'failed', 'no command runner');
    this.setSource('neighbours', 'running');
    const iface = this.options.neighbours?.iface;
    const r = await readNeighbours(
      {runner, signal: this.controller.signal, ...(this.options.env ? {env: this.options.env} : {})},
      iface,
    );
    if (!r.ok) return this.setSource('neighbours', 'failed', r.error);
    this.bmcCandidates = r.neighbours;
    this.setSource('neighbours', 'done', `${r.neighbours.length} candidate BMCs`);
  }
}
