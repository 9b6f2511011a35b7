// npm run bench [-- --json]: the performance budgets of DESIGN.md, measured, never asserted in tests.
import {build} from 'esbuild';
import {execFileSync} from 'node:child_process';
import {mkdirSync} from 'node:fs';
import {benchStartup} from './bench/startup.mjs';
import {bundleOptions, requireShim} from './esbuild-options.mjs';

const json = process.argv.includes('--json');
const log = (...a) => (json ? process.stderr : process.stdout).write(a.join(' ') + '\n');

mkdirSync('.bench', {recursive: true});
execFileSync(process.execPath, ['scripts/build.mjs'], {stdio: 'inherit'});
await build({
  ...bundleOptions,
  entryPoints: ['scripts/bench/hello.jsx'],
  outfile: '.bench/hello.js',
  banner: {js: requireShim},
});

const result = {};

log('startup: time to first frame on a pty (median, alternating runs)…');
result.startup = await benchStartup({runs: 12, hello: '.bench/hello.js', cli: 'dist/cli.js'});
log(
  `  wizard ${result.startup.wizardMs} ms, ink hello-world ${result.startup.inkHelloMs} ms, ratio ${result.startup.ratio} (budget 1.25)`,
);

// Further budgets: every scripts/bench/*.bench.mjs exports run({log}) -> {key, value}, merged into the JSON.
const {readdirSync} = await import('node:fs');
for (const file of readdirSync('scripts/bench')
  .filter(f => f.endsWith('.bench.mjs'))
  .sort()) {
  const mod = await import(`./bench/${file}`);
  const {key, value} = await mod.run({log});
  result[key] = value;
}

if (json) process.stdout.write(JSON.stringify(result) + '\n');
