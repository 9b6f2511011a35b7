// Passive PXE discovery: tcpdump writes raw packets of UDP port 67 to stdout, we parse the pcap stream.
// It never binds :67, so it coexists with Smee, and it knows the interface. The command runner port
// carries text lines only, so this spawns tcpdump itself (argument array, abortable).
import {spawn as nodeSpawn} from 'node:child_process';
import type {Readable} from 'node:stream';
import {sanitisedEnv} from '../run/env.js';
import {PcapStreamParser} from './pcap.js';
import {PxeHub, type PxeEventSource, type PxeListener, type PxeStats} from './pxe-events.js';

export interface SpawnedProcess {
  stdout: Readable | null;
  stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

export type Spawn = (command: string, args: readonly string[]) => SpawnedProcess;

export interface PxeCaptureOptions {
  iface: string;
  /** Default "tcpdump". */
  tcpdump?: string;
  /** Extra arguments placed before the filter, e.g. ['-Z', 'root'] where the distribution drops privileges. */
  extraArgs?: readonly string[];
  spawn?: Spawn;
  signal?: AbortSignal;
}

export interface RunningPxeCapture extends PxeEventSource {
  readonly iface: string;
  readonly stats: PxeStats;
  /** Resolves when tcpdump ends: ok when we stopped it, else the reason in plain words. */
  readonly done: Promise<{ok: boolean; error?: string}>;
  stop(): void;
}

export function tcpdumpArgs(iface: string, extra: readonly string[] = []): string[] {
  // -U: flush per packet so events are live; -n: no DNS; -s 0: whole packets.
  return ['-i', iface, '-U', '-n', '-s', '0', ...extra, '-w', '-', 'udp port 67'];
}

/** Explains tcpdump's last stderr line (permissions, unknown interface) without echoing anything else. */
export function explainCaptureFailure(stderr: string, code: number | null, spawnError?: string): string {
  if (spawnError === 'ENOENT') return 'tcpdump is not installed (Debian package: tcpdump).';
  if (spawnError) return `tcpdump could not be started: ${spawnError}.`;
  if (/permission|not permitted/i.test(stderr)) {
    return 'tcpdump may not capture here: it needs root or CAP_NET_RAW. Run the wizard with sudo.';
  }
  if (/no such device|doesn't exist/i.test(stderr)) return 'tcpdump: that interface does not exist.';
  const last = stderr
    .trim()
    .split('\n')
    .filter(l => !/^(tcpdump: )?listening on/.test(l))
    .pop();
  return `tcpdump ended (exit code ${code ?? 'none'})${last ? `: ${last.slice(0, 200)}` : ''}.`;
}

export function startPxeCapture(options: PxeCaptureOptions): RunningPxeCapture {
  const hub = new PxeHub();
  const parser = new PcapStreamParser();
  const spawn: Spawn =
    options.spawn ??
    ((c, a) => nodeSpawn(c, [...a], {stdio: ['ignore', 'pipe', 'pipe'], env: sanitisedEnv(process.env)}));
  let stopped = false;
  let stderr = '';
  let child: SpawnedProcess | null = null;
  let spawnError: string | undefined;

  const stop = () => {
    stopped = true;
    child?.kill('SIGTERM');
  };

  const done = new Promise<{ok: boolean; error?: string}>(resolve => {
    try {
      child = spawn(options.tcpdump ?? 'tcpdump', tcpdumpArgs(options.iface, options.extraArgs));
    } catch (error) {
      resolve({ok: false, error: explainCaptureFailure('', null, (error as NodeJS.ErrnoException).code ?? 'error')});
      return;
    }
    child.on('error', error => {
      // A failed spawn (ENOENT) may never emit exit.
      spawnError = error.code ?? error.message;
      options.signal?.removeEventListener('abort', stop);
      resolve({ok: false, error: explainCaptureFailure(stderr, null, spawnError)});
    });
    child.stderr?.on('data', (d: Buffer) => {
      // Keep only the tail: tcpdump's diagnostics are short.
      stderr = (stderr + d.toString('utf8')).slice(-2000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const f of parser.push(chunk)) {
        const meta = {at: f.timeMs, from: `${f.srcIp}:${f.srcPort}`, via: 'capture' as const, iface: options.iface};
        hub.handle(f.payload, f.srcMac ? {...meta, srcMac: f.srcMac} : meta);
      }
    });
    child.on('exit', code => {
      options.signal?.removeEventListener('abort', stop);
      if (stopped) resolve({ok: true});
      else if (parser.error) resolve({ok: false, error: `tcpdump output unreadable: ${parser.error}`});
      else resolve({ok: false, error: explainCaptureFailure(stderr, code, spawnError)});
    });
  });

  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener('abort', stop, {once: true});

  return {
    iface: options.iface,
    stats: hub.stats,
    done,
    stop,
    subscribe: (l: PxeListener) => hub.subscribe(l),
  };
}
