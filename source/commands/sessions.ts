// `eksa-kong sessions [--json]`: saved sessions with their step and status.
import type {Command} from 'commander';
import {addGlobalOptions} from '../cli-options.js';
import {listSessions, type SessionSummary} from '../session/list.js';
import {readLock} from '../session/lock.js';
import {isPidAlive, sessionDir} from '../session/home.js';
import {hostname} from 'node:os';
import type {ContextFor} from './index.js';

export interface SessionRow {
  name: string;
  step: string;
  status: 'new' | 'running' | 'interrupted' | 'failed' | 'done' | 'destroyed';
  updatedAt: string;
}

/** Saved sessions, with "running" corrected to "interrupted" when no live process holds the session. */
export async function sessionRows(home: string): Promise<{rows: SessionRow[]; broken: SessionSummary[]}> {
  const list = await listSessions(home);
  const rows: SessionRow[] = [];
  const broken: SessionSummary[] = [];
  for (const s of list) {
    if (s.status === 'broken' || s.step === null) {
      broken.push(s);
      continue;
    }
    let status = s.status;
    if (status === 'running') {
      const holder = readLock(sessionDir(home, s.name));
      const alive = holder !== undefined && (holder.host !== hostname() || isPidAlive(holder.pid));
      if (!alive) status = 'interrupted';
    }
    rows.push({name: s.name, step: s.step, status, updatedAt: s.updatedAt});
  }
  return {rows, broken};
}

export function registerSessions(program: Command, context: ContextFor): void {
  addGlobalOptions(
    program
      .command('sessions')
      .description('list saved sessions: name, current step, status, last update')
      .option('--json', 'a JSON array of {name, step, status, updatedAt} and nothing else'),
  ).action(async (options: {json?: boolean}, cmd: Command) => {
    const ctx = context(cmd);
    const {rows, broken} = await sessionRows(ctx.home);
    for (const b of broken)
      ctx.io.stderr.write(`eksa-kong: session ${b.name} cannot be read: ${b.error ?? 'unknown problem'}\n`);
    if (options.json) {
      ctx.io.stdout.write(JSON.stringify(rows) + '\n');
      return;
    }
    // The table also lists sessions that cannot be read, so none seems to vanish.
    const table = [
      ...rows.map(r => [r.name, r.step, r.status, r.updatedAt]),
      ...broken.map(b => [b.name, '?', 'broken', b.updatedAt]),
    ];
    if (table.length === 0) {
      ctx.io.stdout.write(`No saved sessions in ${ctx.home}.\n`);
      return;
    }
    const widths = [4, 4, 6].map((w, i) => Math.max(w, ...table.map(r => r[i]!.length)));
    const line = (cols: string[]) =>
      cols
        .map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c))
        .join('  ')
        .trimEnd() + '\n';
    ctx.io.stdout.write(line(['NAME', 'STEP', 'STATUS', 'UPDATED']));
    for (const r of table) ctx.io.stdout.write(line(r));
  });
}
