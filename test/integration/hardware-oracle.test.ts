// Differential test against EKS Anywhere's own hardware.csv reader and validator (v0.26, built from
// ../shared/oracles/eksa-hardware): generated and mutated files go through both, and a file the
// wizard calls valid must never be refused by EKS Anywhere, with create's BMC options and without.
// Where the wizard refuses what EKS Anywhere accepts, its messages must say the rule is the wizard's.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import fc from 'fast-check';
import {anyCase} from '../helpers/hardware-cases.js';
import {validateHardwareCsv} from '../../source/hardware/validate.js';
import {makeSyntheticCsv} from '../../source/hardware/synthetic.js';
import {WIZARD_RULE} from '../../source/hardware/rules.js';
import {judge, oracleSkipReason} from '../helpers/eksa-oracle.js';

const skip = oracleSkipReason();

test(
  'differential: every file the wizard calls valid is valid for EKS Anywhere (≥1000 cases, with and without create’s BMC options)',
  {skip, timeout: 600_000},
  () => {
    const texts = fc.sample(anyCase, {numRuns: 2000, seed: 9009});
    const strict = texts.map(t => validateHardwareCsv(t));
    const plain = judge(texts, false);
    const create = judge(texts, true);
    let wizardValid = 0;
    const problems: string[] = [];
    texts.forEach((text, i) => {
      const w = strict[i]!;
      if (w.valid) {
        wizardValid++;
        for (const [name, v] of [
          ['generate hardware', plain[i]!],
          ['create cluster', create[i]!],
        ] as const) {
          if (!v.ok) problems.push(`wizard-valid but ${name} refuses (${v.detail}):\n${JSON.stringify(text)}`);
        }
      } else if (plain[i]!.ok) {
        // EKS Anywhere accepts it: every refusal is one of the wizard's own rules and says so.
        const unmarked = w.errors.filter(e => !e.message.includes(WIZARD_RULE));
        if (unmarked.length > 0)
          problems.push(
            `EKS Anywhere accepts, the wizard refuses without saying it is its own rule: ${unmarked.map(e => `${e.column}: ${e.message}`).join(' / ')}\n${JSON.stringify(text)}`,
          );
      }
    });
    assert.deepEqual(problems.slice(0, 8), [], `${problems.length} problem(s)`);
    // The generator must reach both sides, or the property says little.
    assert.ok(wizardValid >= 100, `only ${wizardValid} wizard-valid cases`);
    assert.ok(plain.filter(v => !v.ok).length >= 300, 'enough cases EKS Anywhere refuses');
  },
);

test(
  'every hardware.csv in the project (test fixtures, demo, synthetic) that the wizard calls valid passes EKS Anywhere',
  {skip, timeout: 120_000},
  () => {
    const root = join(import.meta.dirname, '..', '..');
    const found: {path: string; text: string}[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name === 'node_modules' || name.startsWith('.') || name === 'dist') continue;
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.csv')) found.push({path: p.slice(root.length + 1), text: readFileSync(p, 'utf8')});
      }
    };
    walk(join(root, 'test'));
    walk(join(root, 'templates'));
    for (const n of [1, 3, 5, 40]) found.push({path: `synthetic(${n})`, text: makeSyntheticCsv(n)});
    const valid = found.filter(f => validateHardwareCsv(f.text).valid);
    assert.ok(valid.length >= 4);
    for (const createOpts of [false, true]) {
      const verdicts = judge(
        valid.map(f => f.text),
        createOpts,
      );
      const refused = valid.flatMap((f, i) => (verdicts[i]!.ok ? [] : [`${f.path}: ${verdicts[i]!.detail}`]));
      assert.deepEqual(refused, []);
    }
  },
);
