// The provisioning watch shown like a command in an output pane: each snapshot of the bootstrap
// cluster becomes a short block of lines (one per machine, stuck ones marked), appended so the pane
// follows the newest and the history stays scrollable.
import {relative} from 'node:path';
import {RingBuffer} from '../run/ring-buffer.js';
import type {CommandResult, RunningCommand} from '../run/types.js';
import {PROVISIONING_RESOURCES, type ProvisioningSnapshot} from './provisioning.js';

export function snapshotLines(s: ProvisioningSnapshot): string[] {
  const time = new Date(s.at).toISOString().slice(11, 19);
  const lines = [`── ${time} ── ${s.machines.length} machine${s.machines.length === 1 ? '' : 's'}${s.machines.some(m => m.problem) ? ', STUCK: see ✘' : ''}`];
  for (const m of s.machines) {
    const role = m.role === 'control-plane' ? 'cp' : m.role === 'worker' ? 'worker' : '';
    lines.push(`${m.problem ? '✘' : m.capi?.phase === 'Running' ? '✔' : '•'} ${m.hostname}${role ? ` (${role})` : ''}: ${m.verdict}`);
  }
  const missing = Object.keys(s.unavailable) as (keyof typeof PROVISIONING_RESOURCES)[];
  if (s.machines.length === 0 && missing.length > 0) lines.push(`  waiting for the bootstrap cluster: ${missing.map(k => PROVISIONING_RESOURCES[k]).join(', ')} not readable yet`);
  return lines;
}

export interface WatchFeed {
  command: RunningCommand;
  show(snapshot: ProvisioningSnapshot): void;
  /** The watch ended (the create left the bootstrap phases or finished). */
  finish(): void;
}

export function createWatchFeed(kubeconfig: string, sessionDir: string, now: () => number, intervalMs: number): WatchFeed {
  const output = new RingBuffer(2000);
  const startedAt = now();
  let resolve!: (r: CommandResult) => void;
  const done = new Promise<CommandResult>(r => (resolve = r));
  const shown = relative(sessionDir, kubeconfig);
  const args = ['--kubeconfig', shown, 'get', Object.values(PROVISIONING_RESOURCES).join(','), '-A'];
  let finished = false;
  return {
    command: {
      id: -1,
      spec: {command: 'kubectl', args, step: 'create-cluster'},
      display: `kubectl ${args.join(' ')} (every ${Math.round(intervalMs / 1000)} s)`,
      startedAt,
      output,
      logPath: null,
      done,
    },
    show: s => output.batch(() => snapshotLines(s).forEach(l => output.push(l))),
    finish: () => {
      if (finished) return;
      finished = true;
      resolve({ok: true, exitCode: 0, signal: null, durationMs: now() - startedAt, lineCount: output.total, logPath: null});
    },
  };
}
