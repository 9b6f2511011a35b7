// Budget: `hardware validate` of 5,000 rows under 0.5 s (DESIGN.md). The validator is bundled with
// esbuild (as the CLI is) and timed in a fresh process: median of several runs, after one warm-up.
import {build} from 'esbuild';
import {execFileSync} from 'node:child_process';
import {mkdirSync} from 'node:fs';

const BUDGET_MS = 500;
const RUNS = 7;

export async function run({log}) {
  mkdirSync('.bench', {recursive: true});
  await build({
    stdin: {
      contents: `
        import {makeSyntheticCsv} from './source/hardware/synthetic.js';
        import {validateHardwareCsv} from './source/hardware/validate.js';
        const text = makeSyntheticCsv(5000);
        const times = [];
        for (let i = 0; i <= ${RUNS}; i++) {
          const t = process.hrtime.bigint();
          const r = validateHardwareCsv(text);
          const ms = Number(process.hrtime.bigint() - t) / 1e6;
          if (!r.valid || r.machines !== 5000) throw new Error('the synthetic file did not validate');
          if (i > 0) times.push(ms);
        }
        times.sort((a, b) => a - b);
        process.stdout.write(JSON.stringify({median: times[Math.floor(times.length / 2)]}));
      `,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    outfile: '.bench/validate.mjs',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
  });
  const out = execFileSync(process.execPath, ['.bench/validate.mjs'], {encoding: 'utf8', timeout: 120_000});
  const value = Math.round(JSON.parse(out).median * 10) / 10;
  log(
    `hardware validate, 5,000 rows: ${value} ms median of ${RUNS} (budget ${BUDGET_MS} ms)${value > BUDGET_MS ? ' — OVER BUDGET' : ''}`,
  );
  return {key: 'validate5000Ms', value};
}
