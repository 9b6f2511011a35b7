// Runs every test file under test/ with node's test runner through tsx.
// Node 20's runner does not glob .ts files itself, so we list them here.
import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = find('test').sort();
if (filter.length > 0) files = files.filter(f => filter.some(x => f.includes(x)));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-timeout=120000', '--test-concurrency=2', ...files],
  {stdio: 'inherit', env: {...process.env, FORCE_COLOR: '0'}},
);
process.exit(result.status ?? 1);
