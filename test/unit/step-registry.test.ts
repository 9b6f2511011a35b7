// The step registry holds together: every step folder is registered exactly once under its folder's
// name, ids are unique, every step has a screen, and the tables other code reads come from it.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {allSteps, getStep, STEP_DEPENDENCIES, STEP_IDS, STEP_TITLES} from '../../source/steps/registry.js';
import {screenFor} from '../../screens/index.js';

const stepsDir = fileURLToPath(new URL('../../source/steps/', import.meta.url));
const folders = readdirSync(stepsDir, {withFileTypes: true})
  .filter(e => e.isDirectory() && existsSync(join(stepsDir, e.name, 'index.ts')))
  .map(e => e.name)
  .sort();

test('every folder under source/steps/ with an index.ts is registered exactly once, under its name', () => {
  const ids = allSteps().map(s => s.id);
  assert.deepEqual([...ids].sort(), folders);
  for (const folder of folders) assert.equal(ids.filter(id => id === folder).length, 1, folder);
});

test('each step folder exports one definition object, the one the registry holds', async () => {
  for (const folder of folders) {
    const mod = (await import(join(stepsDir, folder, 'index.ts'))) as Record<string, unknown>;
    const defs = Object.values(mod).filter(v => typeof v === 'object' && v !== null && 'id' in v);
    assert.equal(defs.length, 1, `${folder}/index.ts exports ${defs.length} definitions`);
    assert.equal(defs[0], getStep(folder as (typeof STEP_IDS)[number]), folder);
  }
});

test('step ids are unique and keep the order of the command-line contract', () => {
  assert.equal(new Set(STEP_IDS).size, STEP_IDS.length);
  // The ids are in session files and `sessions --json`: renaming or reordering one breaks them.
  assert.deepEqual(
    [...STEP_IDS],
    [
      'welcome',
      'preflight',
      'discover',
      'hardware',
      'cluster-spec',
      'create-cluster',
      'control-plane',
      'data-plane',
      'verify',
      'done',
    ],
  );
});

test('every registered step has a screen, a title, a purpose and its answer keys', () => {
  for (const step of allSteps()) {
    assert.equal(typeof screenFor(step.id), 'function', `no screen for ${step.id} in screens/index.ts`);
    assert.equal(STEP_TITLES[step.id], step.title);
    assert.equal(STEP_DEPENDENCIES[step.id], step.reads);
    assert.ok(step.title.length > 0 && step.purpose.length > 0, step.id);
  }
});

test('a step whose logic is loaded lazily loads it: check and runHeadless resolve to functions of ./step.ts', async () => {
  for (const step of allSteps()) {
    if (!existsSync(join(stepsDir, step.id, 'step.ts'))) continue;
    const mod = (await import(join(stepsDir, step.id, 'step.ts'))) as {logic?: Record<string, unknown>};
    assert.ok(mod.logic, `${step.id}/step.ts exports no logic`);
    assert.equal(Boolean(step.check), typeof mod.logic['check'] === 'function', `${step.id}: check`);
    assert.equal(Boolean(step.runHeadless), typeof mod.logic['runHeadless'] === 'function', `${step.id}: runHeadless`);
  }
});
