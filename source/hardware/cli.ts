// `eksa-kong hardware validate FILE [--json]`: the caller prints stdout/stderr and exits with exitCode.
import {basename} from 'node:path';
import type {HardwareFinding, ValidationResult} from './types.js';
import {validateHardwareCsv} from './validate.js';
import {escapeControls} from '../run/display-text.js';
import {MiB, readFileLimited, TooLargeError} from '../run/read-limited.js';

/** hardware.csv is about 200 bytes a machine: 10 MiB is tens of thousands of machines. */
export const HARDWARE_CSV_LIMIT = 10 * MiB;

export interface CliOutput {
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

/** The OS reason without Node's code prefix and path suffix: "ENOENT: no such file or directory, open 'x'". */
function osReason(error: unknown): string {
  if (error instanceof Error) {
    const m = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message);
    if (m) return m[1]!;
    const code = (error as NodeJS.ErrnoException).code;
    return code ?? error.message;
  }
  return String(error);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatFinding(f: HardwareFinding, warning: boolean): string {
  const where = f.line === null ? 'file' : `line ${f.line}`;
  const column = f.column === null ? '' : `${escapeControls(f.column)}: `;
  return `${where}: ${column}${warning ? 'warning: ' : ''}${escapeControls(f.message)}`;
}

/** The most findings a text report prints; a broken 50 000-row file should not print 50 000 lines. */
export const MAX_REPORTED_FINDINGS = 100;

/** The first `max` lines, then one line counting the rest. */
export function capFindingLines(lines: readonly string[], max = MAX_REPORTED_FINDINGS, more = ''): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max), `… and ${lines.length - max} more${more}`];
}

export function formatReport(name: string, result: ValidationResult): string {
  const all = [...result.errors.map(f => formatFinding(f, false)), ...result.warnings.map(f => formatFinding(f, true))];
  const lines = capFindingLines(all, MAX_REPORTED_FINDINGS, ' (--json lists every finding)');
  lines.push(
    `${name}: ${plural(result.machines, 'machine')}, ${plural(result.errors.length, 'error')}, ${plural(result.warnings.length, 'warning')}`,
  );
  return lines.join('\n') + '\n';
}

/** The stable --json shape: exactly these keys, in this order. */
export function formatJson(result: ValidationResult): string {
  const pick = (f: HardwareFinding) => ({line: f.line, column: f.column, value: f.value, message: f.message});
  return (
    JSON.stringify({
      valid: result.valid,
      machines: result.machines,
      errors: result.errors.map(pick),
      warnings: result.warnings.map(pick),
    }) + '\n'
  );
}

export async function hardwareValidateCli(path: string, opts: {json: boolean}): Promise<CliOutput> {
  let text: string;
  try {
    // Decoded by hand: a BOM must stay visible to the validator.
    text = (await readFileLimited(path, HARDWARE_CSV_LIMIT, 'hardware.csv')).toString('utf8');
  } catch (error) {
    if (error instanceof TooLargeError)
      return {exitCode: 2, stdout: '', stderr: `eksa-kong: ${escapeControls(error.message)}\n`};
    return {exitCode: 2, stdout: '', stderr: `eksa-kong: cannot read ${path}: ${osReason(error)}\n`};
  }
  const result = validateHardwareCsv(text);
  return {
    exitCode: result.valid ? 0 : 1,
    stdout: opts.json ? formatJson(result) : formatReport(basename(path), result),
    stderr: '',
  };
}
