// The hostile-value corpus through EVERY string field of the answers file (enumerated from its JSON
// schema, so a field added later is covered too), end to end through the CLI: each `generate` artifact
// and a headless dry run. Whatever a field does with the value (refuse it naming the key, or take it),
// no run crashes, no output carries a raw terminal control, no generated YAML gains a document or kind
// it did not have, and the runbook of a run that went through is valid bash.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import {answersJsonSchema} from '../../source/session/answers-file.js';
import {runCli, type CliRun} from '../helpers/cli.js';

const EXAMPLE = yaml.load(readFileSync('templates/answers.example.yaml', 'utf8')) as Record<string, unknown>;
const ENV = {BMC_PASSWORD: 'bmc-pw-1', KONG_ADMIN_TOKEN: 'admin-token-1'};
const ARTIFACTS = ['hardware-csv', 'cluster-spec', 'dp-values', 'cp-values', 'lb-config'];

/** Every value at once: a flag, an OSC title, SGR, BEL, CR, a YAML document break and a cluster-admin binding. */
const ALL_IN_ONE = '--x=\u001b]0;pwn\u0007\u001b[31m\r\n---\nkind: ClusterRoleBinding\nroleRef: {name: cluster-admin}';
/** The same without terminal controls (which the answers file refuses anywhere), so that fields taking free text go all the way. */
const ALL_IN_ONE_PRINTABLE =
  '--x=$(touch /tmp/eksa-kong-pwned)`id`\'"\n---\nkind: ClusterRoleBinding\nroleRef: {name: cluster-admin}';
const CORPUS = [
  ALL_IN_ONE,
  ALL_IN_ONE_PRINTABLE,
  'ctx\nkind: ClusterRoleBinding',
  '\u001b[31mred',
  'bell\u0007',
  'nul\u0000x',
  'cr\ronly',
  'x\u2028y',
  '\u009b31m',
  '--kubeconfig=/tmp/evil',
  '-rf',
  '$(touch /tmp/eksa-kong-pwned)',
  '`id`',
  "'; rm -rf / #",
];

/** String leaves of the schema: dotted paths, `[]` for an array's first item, `*` for a map's key. */
function stringLeaves(): string[][] {
  const out = new Map<string, string[]>();
  const walk = (s: unknown, path: string[]) => {
    if (!s || typeof s !== 'object') return;
    const node = s as Record<string, unknown>;
    const type = node['type'];
    if (type === 'string' || (Array.isArray(type) && type.includes('string'))) out.set(path.join('.'), path);
    for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(node[k])) for (const x of node[k]) walk(x, path);
    if (node['properties'] && typeof node['properties'] === 'object')
      for (const [k, v] of Object.entries(node['properties'])) walk(v, [...path, k]);
    if (node['items']) walk(node['items'], [...path, '[]']);
    if (node['additionalProperties'] && typeof node['additionalProperties'] === 'object')
      walk(node['additionalProperties'], [...path, '*']);
  };
  walk(answersJsonSchema(), []);
  return [...out.values()];
}

function withValue(path: readonly string[], value: string): Record<string, unknown> {
  const doc = structuredClone(EXAMPLE);
  let node: Record<string, unknown> | unknown[] = doc;
  path.forEach((key, i) => {
    const last = i === path.length - 1;
    const k: string | number = key === '[]' ? 0 : key === '*' ? 'rack' : key;
    const bag = node as Record<string | number, unknown>;
    if (last) bag[k] = value;
    else {
      const nextIsArray = path[i + 1] === '[]';
      const existing = bag[k];
      if (existing === null || typeof existing !== 'object') bag[k] = nextIsArray ? [] : {};
      else bag[k] = structuredClone(existing);
      node = bag[k] as Record<string, unknown> | unknown[];
      if (nextIsArray && (node as unknown[]).length === 0) (node as unknown[]).push({});
    }
  });
  return doc;
}

// Raw controls a terminal would act on (newline and tab are layout).
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function assertHarmless(r: CliRun, what: string): void {
  const out = r.stdout + r.stderr;
  assert.ok([0, 1, 2].includes(r.code), `${what}: exit ${r.code}\n${out}`);
  assert.doesNotMatch(out, /unexpected error|\n\s+at .+:\d+:\d+/, `${what}: a crash\n${out}`);
  const raw = RAW_CONTROL.exec(out);
  assert.equal(
    raw,
    null,
    `${what}: raw control ${JSON.stringify(raw?.[0])} near ${JSON.stringify(out.slice(Math.max(0, (raw?.index ?? 0) - 80), (raw?.index ?? 0) + 20))}`,
  );
}

function assertNoInjectedYaml(text: string, what: string): void {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text);
  } catch (error) {
    assert.fail(`${what}: not YAML any more: ${String(error)}`);
  }
  for (const d of docs)
    assert.ok(
      !JSON.stringify(d ?? null).includes('"kind":"ClusterRoleBinding"'),
      `${what}: an injected ClusterRoleBinding`,
    );
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .filter(f => /\.ya?ml$/.test(f))
    .map(f => join(dir, f));
}

async function throughEverything(path: readonly string[], value: string): Promise<void> {
  const key = path.join('.');
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-every-field-'));
  try {
    const file = join(dir, 'answers.yaml');
    writeFileSync(file, yaml.dump(withValue(path, value)));
    for (const artifact of ARTIFACTS) {
      const r = await runCli(['generate', artifact, '--answers', file], ENV);
      const what = `${key}=${JSON.stringify(value)} generate ${artifact}`;
      assertHarmless(r, what);
      if (r.code === 0 && artifact !== 'hardware-csv') assertNoInjectedYaml(r.stdout, what);
    }
    const home = join(dir, 'home');
    const run = await runCli(['--home', home, '--non-interactive', '--dry-run', '--yes', '--answers', file], ENV);
    const what = `${key}=${JSON.stringify(value)} dry run`;
    assertHarmless(run, what);
    if (run.code !== 0) return;
    wentThrough.add(key);
    for (const f of yamlFilesUnder(join(home, 'sessions')))
      assertNoInjectedYaml(readFileSync(f, 'utf8'), `${what}: ${f}`);
    const session = readdirSync(join(home, 'sessions'))[0]!;
    const runbook = await runCli(['runbook', session, '--home', home], ENV);
    assertHarmless(runbook, `${what}: runbook`);
    const bash = spawnSync('bash', ['-n'], {input: runbook.stdout, encoding: 'utf8'});
    assert.equal(bash.status, 0, `${what}: the runbook is not valid bash: ${bash.stderr}`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

const LEAVES = stringLeaves();
/** Fields whose hostile value a dry run took: their YAML files and runbook were checked. */
const wentThrough = new Set<string>();

test('the schema walk finds the answers fields (machines, cluster, controlPlane, dataPlane, api)', () => {
  const keys = LEAVES.map(p => p.join('.'));
  for (const k of [
    'session',
    'machines.[].bmc.username',
    'cluster.name',
    'controlPlane.context',
    'dataPlane.release',
    'api.route.paths.[]',
  ])
    assert.ok(keys.includes(k), k);
  assert.ok(LEAVES.length > 80, `${LEAVES.length} leaves`);
});

test(
  'every string field, both all-in-one hostile values: generate and a dry run stay harmless',
  {timeout: 400_000},
  async () => {
    for (const path of LEAVES)
      for (const value of [ALL_IN_ONE, ALL_IN_ONE_PRINTABLE]) await throughEverything(path, value);
    // Some fields take any text (discovery's vendor/model, the route's name...): their runs went all the way.
    assert.ok(wentThrough.size > 0, 'no dry run went through: the YAML and runbook checks never ran');
    console.log(`dry runs that took the value: ${[...wentThrough].join(', ')}`);
  },
);

test('property: any field, any corpus value or random text with controls: harmless', {timeout: 400_000}, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...LEAVES),
      fc.oneof(fc.constantFrom(...CORPUS), fc.string({unit: 'binary', maxLength: 24})),
      async (path, value) => throughEverything(path, value),
    ),
    {numRuns: 60},
  );
});
