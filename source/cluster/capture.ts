// Run a short command through the runner and collect its output, for commands whose output we parse
// (docker ps, ip -j, kubectl -o json). The runner keeps a bounded ring buffer; when the output
// outgrew it we say so instead of parsing half a document.
import type {CommandRunner, CommandResult, CommandSpec} from '../run/types.js';

export interface Captured {
  result: CommandResult;
  lines: string[];
  /** True when the ring buffer dropped lines, so `lines` is not the whole output. */
  truncated: boolean;
}

export async function capture(runner: CommandRunner, spec: CommandSpec, signal?: AbortSignal): Promise<Captured> {
  const running = runner.start(spec, signal);
  const result = await running.done;
  const view = running.output;
  const lines = view.slice(0, view.size);
  return {result, lines, truncated: view.total > view.size};
}

/**
 * The JSON document in a command's output. stderr may be interleaved (kubectl prints "Warning: ..."
 * lines), so we start at the first line that opens an object or array.
 */
export function parseJsonOutput(lines: readonly string[]): unknown {
  const text = lines.join('\n');
  try {
    return JSON.parse(text);
  } catch {
    const start = lines.findIndex(line => /^\s*[[{]/.test(line));
    if (start < 0) throw new Error('no JSON in the output');
    return JSON.parse(lines.slice(start).join('\n'));
  }
}

/** Lines that are each one JSON object (docker --format '{{json .}}'); other lines are skipped. */
export function parseJsonLines(lines: readonly string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (Array.isArray(value)) out.push(...value.filter(isRecord));
      else if (isRecord(value)) out.push(value);
    } catch {
      // not a JSON line: a warning on stderr, skip it
    }
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Walk a path of keys into an unknown JSON value. */
export function dig(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find(line => line.trim() !== '')
      ?.trim() ?? ''
  );
}
