// One line for a finished command, for the step rail, summaries and headless progress output.
import {isAbsolute, relative} from 'node:path';
import {ellipsize, formatCount, formatDuration} from './format.js';
import type {CommandResult} from './types.js';

export interface SummaryOptions {
  /** Log paths are shown relative to it. */
  sessionDir?: string;
  /** Longest command line shown before it is cut with "…". Default 60. */
  maxCommand?: number;
}

export function displayLogPath(logPath: string, sessionDir?: string): string {
  if (sessionDir === undefined || !isAbsolute(logPath)) return logPath;
  const rel = relative(sessionDir, logPath);
  return rel.startsWith('..') ? logPath : rel;
}

export function summariseResult(result: CommandResult, display: string, options: SummaryOptions = {}): string {
  const command = ellipsize(display, options.maxCommand ?? 60);
  if (result.recorded) return `○ ${command} — recorded (dry run)`;
  const facts = [
    formatDuration(result.durationMs),
    `${formatCount(result.lineCount)} ${result.lineCount === 1 ? 'line' : 'lines'}`,
  ];
  if (result.logPath) facts.push(`log ${displayLogPath(result.logPath, options.sessionDir)}`);
  if (result.ok) return `✔ ${command} — ${facts.join(', ')}`;
  return `✘ ${command} — ${result.error ?? 'failed'}; ${facts.join(', ')}`;
}
