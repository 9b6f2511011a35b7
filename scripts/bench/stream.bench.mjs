// Stream budget (DESIGN.md): a command printing 1,000,000 lines as fast as it can, shown in an output
// pane by the wizard, against a plain Node program piping the same output to a log file, in the same
// run. Wizard side: a bundled minimal Ink tree with the real ExecaRunner and OutputPane on a pty (the
// app adds only static text around the pane, so this is the same work without the steps' set-up).
// Reports {wizardS, baselineS, ratio, peakRssMb, keyLatencyMs}; budgets: ratio <= 1.5, RSS <= 130 MB.
import {build} from 'esbuild';
import {spawn, execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {bundleOptions, requireShim} from '../esbuild-options.mjs';
import {median} from './startup.mjs';

const FLOOD = 'scripts/bench/stream-flood.mjs';

async function bundleWizard() {
  mkdirSync('.bench', {recursive: true});
  await build({
    ...bundleOptions,
    entryPoints: ['scripts/bench/stream-wizard.tsx'],
    outfile: '.bench/stream-wizard.js',
    banner: {js: requireShim},
  });
  return '.bench/stream-wizard.js';
}

function baseline(dir) {
  const out = execFileSync(process.execPath, ['scripts/bench/stream-baseline.mjs', FLOOD, join(dir, 'baseline.log')], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/** The wizard on a pty (script -qfec); sends `k` once the flood is running and times the screen's answer. */
function wizard(bundle, dir) {
  return new Promise((resolve, reject) => {
    const result = join(dir, 'wizard.json');
    const q = a => `'${a.replaceAll("'", "'\\''")}'`;
    const cmd = [process.execPath, bundle, FLOOD, dir, result].map(q).join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      env: {...process.env, COLUMNS: '100', LINES: '30', TERM: 'xterm-256color'},
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let seen = '';
    let keySentAt = 0;
    let keyLatencyMs = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('stream bench: the wizard did not finish within 120 s'));
    }, 120_000);
    child.stdout.on('data', chunk => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      // Mid-flood: the pane shows lines in the hundred thousands.
      if (!keySentAt && /line 0[1-9]\d{5}/.test(seen)) {
        keySentAt = performance.now();
        child.stdin.write('k');
      }
      if (keySentAt && keyLatencyMs === null && seen.includes('KEY-SEEN')) keyLatencyMs = performance.now() - keySentAt;
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (!existsSync(result))
        return reject(new Error(`stream bench: no result from the wizard; last output: ${seen.slice(-300)}`));
      resolve({...JSON.parse(readFileSync(result, 'utf8')), keyLatencyMs});
    });
  });
}

const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

export async function run({log}) {
  log(
    'stream: 1,000,000 lines through the runner into an output pane vs. a pipe to a log file (median of 5, alternating)…',
  );
  const bundle = await bundleWizard();
  const w = [];
  const b = [];
  for (let i = 0; i < 5; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-stream-'));
    try {
      b.push(baseline(dir));
      w.push(await wizard(bundle, dir));
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  }
  if (w.some(r => !r.ok || r.lines !== 1_000_000))
    throw new Error(`stream bench: the command did not deliver 1,000,000 lines: ${JSON.stringify(w)}`);
  const wizardS = median(w.map(r => r.ms)) / 1000;
  const baselineS = median(b.map(r => r.ms)) / 1000;
  const latencies = w.map(r => r.keyLatencyMs).filter(x => x !== null);
  const value = {
    wizardS: round(wizardS),
    baselineS: round(baselineS),
    ratio: round(wizardS / baselineS),
    peakRssMb: round(Math.max(...w.map(r => r.maxRssMb)), 1),
    keyLatencyMs: latencies.length === w.length ? round(median(latencies), 0) : null,
  };
  log(
    `  wizard ${value.wizardS} s, baseline ${value.baselineS} s, ratio ${value.ratio} (budget 1.5); peak RSS ${value.peakRssMb} MB (budget 130); key answered in ${value.keyLatencyMs ?? 'never'} ms`,
  );
  return {key: 'stream', value};
}
