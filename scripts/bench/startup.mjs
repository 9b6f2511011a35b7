// Time to first frame on a pseudo-terminal: the bundled CLI against a bundled Ink hello-world.
import {spawn} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

/** Milliseconds from spawn until the pty shows `marker`. `script` gives the child a real pty. */
export function timeToText(argv, marker, env = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const cmd = argv.map(a => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      env: {...process.env, COLUMNS: '100', LINES: '30', TERM: 'xterm-256color', ...env},
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let seen = '';
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no "${marker}" within 20 s; saw: ${seen.slice(-300)}`)), 20_000);
    function finish(err, ms) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (err) reject(err);
      else resolve(ms);
    }
    child.stdout.on('data', chunk => {
      seen += chunk.toString('utf8');
      if (seen.includes(marker)) finish(null, Number(process.hrtime.bigint() - started) / 1e6);
    });
    child.on('error', finish);
  });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function benchStartup({runs = 12, hello, cli}) {
  const home = mkdtempSync(join(tmpdir(), 'eksa-kong-bench-'));
  writeFileSync(join(home, '.keep'), '');
  const wizard = [];
  const ink = [];
  // Alternate so that a busy moment of the machine hurts both sides alike.
  for (let i = 0; i < runs; i++) {
    ink.push(await timeToText([process.execPath, hello], 'Hello from Ink'));
    wizard.push(await timeToText([process.execPath, cli], 'New session', {EKSA_KONG_HOME: home}));
  }
  const wizardMs = median(wizard);
  const inkHelloMs = median(ink);
  return {wizardMs: round(wizardMs), inkHelloMs: round(inkHelloMs), ratio: round(wizardMs / inkHelloMs, 3)};
}

function round(n, digits = 1) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
