// A minimal CommandRunner for discovery tests until source/run/ lands: node spawn with argument
// arrays (no shell), stdout and stderr lines into one buffer, timeout and abort.
import {spawn} from 'node:child_process';
import type {CommandResult, CommandRunner, CommandSpec, OutputView, RunningCommand} from '../../source/run/types.js';

export interface RecordedSpec {
  command: string;
  args: readonly string[];
  envKeys: string[];
}

export function createTestRunner(): CommandRunner & {calls: RecordedSpec[]} {
  let nextId = 1;
  const calls: RecordedSpec[] = [];
  return {
    calls,
    start(spec: CommandSpec, signal?: AbortSignal): RunningCommand {
      calls.push({command: spec.command, args: [...spec.args], envKeys: Object.keys(spec.env ?? {})});
      const lines: string[] = [];
      const subs = new Set<() => void>();
      const output: OutputView = {
        get total() {
          return lines.length;
        },
        get size() {
          return lines.length;
        },
        slice: (from, to) => lines.slice(from, to),
        tail: n => lines.slice(-n),
        subscribe: l => {
          subs.add(l);
          return () => subs.delete(l);
        },
      };
      const startedAt = Date.now();
      const done = new Promise<CommandResult>(resolve => {
        const child = spawn(spec.command, [...spec.args], {
          cwd: spec.cwd,
          env: {...(spec.env ?? {PATH: process.env.PATH ?? ''})},
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let timedOut = false;
        let cancelled = false;
        const timer = spec.timeoutMs
          ? setTimeout(() => {
              timedOut = true;
              child.kill('SIGKILL');
            }, spec.timeoutMs)
          : null;
        const onAbort = () => {
          cancelled = true;
          child.kill('SIGTERM');
        };
        signal?.addEventListener('abort', onAbort, {once: true});
        const pending = {out: '', err: ''};
        const feed = (which: 'out' | 'err') => (d: Buffer) => {
          pending[which] += d.toString('utf8');
          const parts = pending[which].split('\n');
          pending[which] = parts.pop()!;
          lines.push(...parts);
          subs.forEach(s => s());
        };
        child.stdout.on('data', feed('out'));
        child.stderr.on('data', feed('err'));
        const finish = (code: number | null, sig: string | null, error?: string) => {
          if (timer) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          for (const k of ['out', 'err'] as const) if (pending[k]) lines.push(pending[k]);
          pending.out = pending.err = '';
          const ok = code === 0 && !timedOut && !cancelled;
          const r: CommandResult = {
            ok,
            exitCode: code,
            signal: sig,
            durationMs: Date.now() - startedAt,
            lineCount: lines.length,
            logPath: null,
          };
          if (!ok) r.error = error ?? (timedOut ? 'timed out' : cancelled ? 'cancelled' : `exit code ${code}`);
          if (timedOut) r.timedOut = true;
          if (cancelled) r.cancelled = true;
          resolve(r);
        };
        child.on('error', (e: NodeJS.ErrnoException) =>
          finish(null, null, `${e.code ?? 'error'}: could not start ${spec.command}`),
        );
        child.on('close', (code, sig) => finish(code, sig));
      });
      return {
        id: nextId++,
        spec,
        display: [spec.command, ...spec.args].join(' '),
        startedAt,
        output,
        logPath: null,
        done,
      };
    },
  };
}
