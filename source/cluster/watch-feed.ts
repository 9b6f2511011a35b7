// The provisioning watch shown like a command in an output pane: a live table, one row per machine
// (role, state, current action and for how long), redrawn in place on each snapshot of the bootstrap
// cluster; every snapshot also goes, in full, to the watch's log file (o opens it once the watch ends).
import {appendPrivateFile} from '../session/home.js';
import {relative} from 'node:path';
import {RingBuffer} from '../run/ring-buffer.js';
import type {CommandResult, RunningCommand} from '../run/types.js';
import {PROVISIONING_RESOURCES, type ProvisioningSnapshot} from './provisioning.js';

export function snapshotLines(s: ProvisioningSnapshot): string[] {
  const time = new Date(s.at).toISOString().slice(11, 19);
  const lines = [
    `── ${time} ── ${s.machines.length} machine${s.machines.length === 1 ? '' : 's'}${s.machines.some(m => m.problem) ? ', STUCK: see ✘' : ''}`,
  ];
  for (const m of s.machines) {
    const role = m.role === 'control-plane' ? 'cp' : m.role === 'worker' ? 'worker' : '';
    lines.push(
      `${m.problem ? '✘' : m.capi?.phase === 'Running' ? '✔' : '•'} ${m.hostname}${role ? ` (${role})` : ''}: ${m.verdict}`,
    );
  }
  const missing = Object.keys(s.unavailable) as (keyof typeof PROVISIONING_RESOURCES)[];
  if (s.machines.length === 0 && missing.length > 0)
    lines.push(
      `  waiting for the bootstrap cluster: ${missing.map(k => PROVISIONING_RESOURCES[k]).join(', ')} not readable yet`,
    );
  return lines;
}

const mmss = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

/** What a machine is doing now: its state word and the action, for the table's "since" column. */
function doing(m: ProvisioningSnapshot['machines'][number]): {state: string; action: string} {
  const state = m.problem
    ? 'STUCK'
    : m.capi?.phase === 'Running'
      ? 'joined'
      : m.workflow
        ? m.workflow.state.replace(/^STATE_/, '').toLowerCase()
        : m.job
          ? 'bmc job'
          : 'waiting';
  return {state, action: m.verdict};
}

/**
 * The table for one snapshot. `since` remembers when each machine started what it is doing now, so a
 * row says for how long (a stuck action shows its age).
 */
export function tableLines(s: ProvisioningSnapshot, since: Map<string, {what: string; at: number}>): string[] {
  const time = new Date(s.at).toISOString().slice(11, 19);
  const stuck = s.machines.filter(m => m.problem).length;
  const lines = [
    `${s.machines.length} machine${s.machines.length === 1 ? '' : 's'} at ${time}${stuck ? ` · ${stuck} STUCK (✘)` : ''}`,
  ];
  const host = Math.max(7, ...s.machines.map(m => m.hostname.length));
  if (s.machines.length > 0) lines.push(`  ${'MACHINE'.padEnd(host)} ROLE   STATE    FOR    ACTION`);
  for (const m of s.machines) {
    const {state, action} = doing(m);
    const what = `${state}|${action}`;
    const prev = since.get(m.hostname);
    if (!prev || prev.what !== what) since.set(m.hostname, {what, at: s.at});
    const role = m.role === 'control-plane' ? 'cp' : m.role === 'worker' ? 'worker' : '-';
    const mark = m.problem ? '✘' : m.capi?.phase === 'Running' ? '✔' : '•';
    lines.push(
      `${mark} ${m.hostname.padEnd(host)} ${role.padEnd(6)} ${state.padEnd(8)} ${mmss(s.at - since.get(m.hostname)!.at).padEnd(6)} ${action}`,
    );
  }
  const missing = Object.keys(s.unavailable) as (keyof typeof PROVISIONING_RESOURCES)[];
  if (s.machines.length === 0 && missing.length > 0)
    lines.push(
      `  waiting for the bootstrap cluster: ${missing.map(k => PROVISIONING_RESOURCES[k]).join(', ')} not readable yet`,
    );
  return lines;
}

export interface WatchFeed {
  command: RunningCommand;
  show(snapshot: ProvisioningSnapshot): void;
  /** The watch ended (the create left the bootstrap phases or finished). */
  finish(): void;
}

/** logPath: where every snapshot is appended in full (the pane shows only the newest, as a table). */
export function createWatchFeed(
  kubeconfig: string,
  sessionDir: string,
  now: () => number,
  intervalMs: number,
  logPath: string | null = null,
): WatchFeed {
  const output = new RingBuffer(2000);
  const since = new Map<string, {what: string; at: number}>();
  let log: Promise<void> = Promise.resolve();
  // The table is redrawn over the same lines; rows past the end are pushed, rows no longer needed blanked.
  const redraw = (lines: string[]) =>
    output.batch(() => {
      const held = output.total;
      lines.forEach((l, i) => (i < held ? output.replace(i, l) : output.push(l)));
      for (let i = lines.length; i < held; i++) output.replace(i, '');
    });
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
      logPath,
      done,
    },
    show: s => {
      redraw(tableLines(s, since));
      if (logPath) {
        const text = snapshotLines(s).join('\n') + '\n';
        log = log.then(() => appendPrivateFile(logPath, text)).catch(() => undefined);
      }
    },
    finish: () => {
      if (finished) return;
      finished = true;
      void log.then(() =>
        resolve({ok: true, exitCode: 0, signal: null, durationMs: now() - startedAt, lineCount: output.total, logPath}),
      );
    },
  };
}
