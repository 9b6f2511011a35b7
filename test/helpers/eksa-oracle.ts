// EKS Anywhere's own hardware.csv reader and validator (../shared/oracles/eksa-hardware, v0.26),
// built once per test run with Debian's golang-go. Tests skip with a one-line reason without it.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {sharedPath} from './shared.js';

export interface OracleVerdict {
  ok: boolean;
  /** Machines read (ok) or eksctl's message (not ok). */
  detail: string;
}

let built: string | undefined;

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], {stdio: 'ignore', timeout: 20_000});
    return true;
  } catch {
    return false;
  }
}

/** false when the oracle can be built here, else why not (for node:test's skip). */
export function oracleSkipReason(): false | string {
  if (!sharedPath('oracles', 'eksa-hardware', 'build.sh'))
    return 'needs ../shared/oracles/eksa-hardware (not in this clone)';
  if (!hasGo()) return 'needs Go to build the EKS Anywhere oracle (Debian: apt-get install golang-go)';
  return false;
}

export function oraclePath(): string {
  if (built) return built;
  const out = mkdtempSync(join(tmpdir(), 'eksa-oracle-'));
  const script = sharedPath('oracles', 'eksa-hardware', 'build.sh')!;
  built = execFileSync(script, [out], {encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'inherit']})
    .trim()
    .split('\n')
    .pop()!;
  return built;
}

/** Runs the oracle on many texts at once; createOpts = as `create cluster` (BMC options present). */
export function judge(texts: readonly string[], createOpts: boolean): OracleVerdict[] {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-oracle-cases-'));
  const files = texts.map((t, i) => {
    const f = join(dir, `case${i}.csv`);
    writeFileSync(f, t, 'utf8');
    return f;
  });
  const verdicts: OracleVerdict[] = [];
  // In chunks: argument lists stay well under the kernel's limit.
  for (let i = 0; i < files.length; i += 200) {
    const chunk = files.slice(i, i + 200);
    const stdout = execFileSync(oraclePath(), chunk, {
      encoding: 'utf8',
      timeout: 120_000,
      env: {PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...(createOpts ? {CREATE_OPTS: '1'} : {})},
      maxBuffer: 64 * 1024 * 1024,
    });
    const byFile = new Map<string, OracleVerdict>();
    for (const line of stdout.split('\n')) {
      const [file, verdict, ...rest] = line.split('\t');
      if (!file || !verdict) continue;
      byFile.set(file, {ok: verdict === 'OK', detail: rest.join('\t')});
    }
    for (const f of chunk) {
      const v = byFile.get(f);
      if (!v) throw new Error(`the oracle said nothing about ${f}`);
      verdicts.push(v);
    }
  }
  return verdicts;
}
