// Runs every test file under test/ with node's test runner through tsx.
// Node 20's runner does not glob .ts files itself, so we list them here.
// Without arguments (`npm test`, what CI runs) it first runs the habits: typecheck, lint, format check and
// dead-code check; any finding fails the run. With SUBSTR arguments it runs only the matching test files.
import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';

const CHECKS = ['typecheck', 'lint', 'format:check', 'deadcode'];

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

/** Runs `npm run <script>` (the package.json scripts are the one definition of each check). */
function runScript(script) {
  console.log(`\n> npm run ${script}`);
  // npm sets npm_execpath to its own CLI when it runs us; fall back to npm on the PATH.
  const npmCli = process.env.npm_execpath;
  const [cmd, args] = npmCli?.endsWith('.js')
    ? [process.execPath, [npmCli, 'run', '--silent', script]]
    : ['npm', ['run', '--silent', script]];
  return spawnSync(cmd, args, {stdio: 'inherit'}).status === 0;
}

const filter = process.argv.slice(2);
// Every check runs even after one fails, so a single run shows all the findings.
const failedChecks = filter.length > 0 ? [] : CHECKS.filter(check => !runScript(check));

let files = find('test').sort();
if (filter.length > 0) files = files.filter(f => filter.some(x => f.includes(x)));
// The timeout also bounds each test file as a whole (node runs each file as one test), so it is set
// above the longest file (the bundle smoke runs, whose own tests allow 240 s each on a busy machine).
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-timeout=600000', '--test-concurrency=2', ...files],
  {stdio: 'inherit', env: {...process.env, FORCE_COLOR: '0'}},
);
if (failedChecks.length > 0) console.error(`\nFailed checks: ${failedChecks.join(', ')} (see above).`);
process.exit(failedChecks.length > 0 ? 1 : (result.status ?? 1));
