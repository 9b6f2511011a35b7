// Every child process gets an allow-listed environment: the wizard's own holds the admin token, BMC
// passwords and AWS keys. A scan of every spawn site in source/, and the two that spawn by hand run.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';
import {openInPager} from '../../source/run/pager.js';
import {startPxeCapture} from '../../source/discovery/pxe-capture.js';

const SOURCE = fileURLToPath(new URL('../../source/', import.meta.url));
const SECRET_ENV = {
  KONG_ADMIN_TOKEN: 'kpat_hostile',
  AWS_SECRET_ACCESS_KEY: 'aws-hostile',
  BMC_PASSWORD: 'bmc-hostile',
  EKSA_KONG_LICENSE: 'lic-hostile',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap(e => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const SPAWNING_MODULES = new Set(['node:child_process', 'child_process', 'execa']);

/** Every call of a function imported from child_process or execa, with its options' env and extendEnv. */
function spawnSites(): {where: string; env: string | null; extendEnv: string | null}[] {
  const sites: {where: string; env: string | null; extendEnv: string | null}[] = [];
  for (const file of sourceFiles(SOURCE)) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(
      file,
      text,
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    const spawners = new Set<string>();
    const visit = (node: ts.Node): void => {
      if (
        ts.isImportDeclaration(node) &&
        ts.isStringLiteral(node.moduleSpecifier) &&
        SPAWNING_MODULES.has(node.moduleSpecifier.text)
      ) {
        const bindings = node.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) spawners.add(el.name.text);
        if (bindings && ts.isNamespaceImport(bindings)) spawners.add(bindings.name.text);
        if (node.importClause?.name) spawners.add(node.importClause.name.text);
      }
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)
            ? callee.expression.text
            : '';
        if (spawners.has(name)) {
          const options = node.arguments.find(ts.isObjectLiteralExpression);
          const prop = (key: string) => {
            const p = options?.properties.find(p => ts.isPropertyAssignment(p) && p.name.getText(sf) === key) as
              ts.PropertyAssignment | undefined;
            return p ? p.initializer.getText(sf) : null;
          };
          const {line} = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          sites.push({where: `${relative(SOURCE, file)}:${line + 1}`, env: prop('env'), extendEnv: prop('extendEnv')});
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return sites;
}

test('every spawn site in source/ passes an allow-listed environment (and execa does not extend it)', () => {
  const sites = spawnSites();
  const files = new Set(sites.map(s => s.where.replace(/:\d+$/, '')));
  // The scan must find the known sites, or it proves nothing.
  for (const known of ['run/execa-runner.ts', 'run/pager.ts', 'discovery/pxe-capture.ts'])
    assert.ok(files.has(known), `scan missed ${known}: ${JSON.stringify(sites)}`);
  for (const site of sites) {
    assert.match(
      site.env ?? '',
      /\b(sanitisedEnv|terminalEnv)\(/,
      `${site.where}: env must come from run/env.ts's allow-lists, got ${site.env}`,
    );
    if (site.where.startsWith('run/execa-runner.ts'))
      assert.equal(site.extendEnv, 'false', `${site.where}: execa merges process.env unless extendEnv is false`);
  }
});

function envDumper(dir: string): {script: string; out: string} {
  const out = join(dir, 'env.out');
  const script = join(dir, 'dump-env');
  writeFileSync(script, `#!/bin/sh\nenv > '${out}'\n`);
  chmodSync(script, 0o755);
  return {script, out};
}

test('the pager gets the terminal settings but no credential', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-child-env-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  const {script, out} = envDumper(dir);
  const result = await openInPager(join(dir, 'log'), {
    ...SECRET_ENV,
    PATH: process.env['PATH'],
    TERM: 'xterm-256color',
    LESS: '-R',
    PAGER: script,
  });
  assert.deepEqual(result, {ok: true});
  const seen = readFileSync(out, 'utf8');
  for (const value of Object.values(SECRET_ENV)) assert.ok(!seen.includes(value), `the pager saw ${value}`);
  assert.match(seen, /^TERM=xterm-256color$/m);
  assert.match(seen, /^LESS=-R$/m);
});

test('tcpdump gets no credential from the wizard environment', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-child-env-'));
  const saved = {...process.env};
  t.after(() => {
    for (const name of Object.keys(SECRET_ENV)) if (!(name in saved)) delete process.env[name];
    rmSync(dir, {recursive: true, force: true});
  });
  Object.assign(process.env, SECRET_ENV);
  const {script, out} = envDumper(dir);
  const capture = startPxeCapture({iface: 'lo', tcpdump: script});
  await capture.done;
  const seen = readFileSync(out, 'utf8');
  for (const value of Object.values(SECRET_ENV)) assert.ok(!seen.includes(value), `tcpdump saw ${value}`);
  assert.match(seen, /^PATH=/m);
});

// Modules that reach child_process without importing it where they spawn (so the scan above cannot
// see their calls), each with why its child's environment is still allow-listed.
const INDIRECT_SPAWNERS: Record<string, RegExp> = {
  // Hands require('node:child_process') to the stand-ins' runtime (the demo's fake tools).
  'demo/standin/install.ts': /childProcess: require\('node:child_process'\)/,
  // The stand-in kubectl runs the real kubectl with the environment the stand-in itself was given,
  // which is the runner's allow-listed one (execa-runner, extendEnv false).
  'demo/standin/runtime.ts': /spawn\(real, argv, \{stdio: 'inherit', env, cwd: d\.cwd\}\)/,
};

test('every module that mentions child_process is a scanned spawn site or a known indirect one', () => {
  const scanned = new Set(spawnSites().map(s => s.where.replace(/:\d+$/, '')));
  for (const file of sourceFiles(SOURCE)) {
    const text = readFileSync(file, 'utf8');
    if (!/child_process|childProcess/.test(text)) continue;
    const where = relative(SOURCE, file);
    if (scanned.has(where)) continue;
    const known = INDIRECT_SPAWNERS[where];
    assert.ok(known, `${where} reaches child_process outside the scan: spawn through run/env.ts's allow-lists`);
    assert.match(text, known, `${where}: its spawn changed; check its environment and update INDIRECT_SPAWNERS`);
  }
});
