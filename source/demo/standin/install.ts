// Writes the demo's stand-in executables: a folder with `eksctl`, `helm`, `docker`, `ip`, `ss` and `kubectl` shims that the
// demo world puts first on PATH. The shims are CommonJS (a package.json pins the type, so a parent
// "type": "module" cannot change how they load) and need only node, so the real step code runs them
// exactly like the real tools.
import {chmodSync} from 'node:fs';
import {writeFileAtomicSync} from '../../session/home.js';
import {join} from 'node:path';
import {standinMain} from './runtime.js';

export const STANDIN_TOOLS = ['eksctl', 'helm', 'docker', 'ip', 'kubectl', 'aws', 'ss'] as const;

export interface StandinOptions {
  transcriptsDir: string;
  /** Base URL of the demo world's control endpoint (…/__demo/* is appended). */
  demoStateUrl: string;
  speed: number;
}

export interface InstalledStandins {
  binDir: string;
  /** Variables to add to a child's environment; PATH has binDir first. */
  env: Record<string, string>;
}

function runtimeSource(): string {
  // tsx (keepNames) may wrap functions in __name(); a no-op definition keeps the copied source valid.
  return `'use strict';\nvar __name = (f) => f;\nmodule.exports.main = ${standinMain.toString()};\n`;
}

function shim(tool: string): string {
  return `#!/usr/bin/env node
'use strict';
// eksa-kong demo stand-in for ${tool}: replays recorded output, never touches real infrastructure.
require('./standin-runtime.cjs')
  .main(${JSON.stringify(tool)}, process.argv.slice(2), process.env, {
    fs: require('node:fs'), path: require('node:path'), binDir: __dirname,
    stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), exit: code => process.exit(code),
    childProcess: require('node:child_process'),
  })
  .then(code => { process.exitCode = code; }, e => { process.stderr.write('demo stand-in: ' + (e && e.message) + '\\n'); process.exitCode = 1; });
`;
}

export function installStandins(
  dir: string,
  opts: StandinOptions,
  basePath = process.env['PATH'] ?? '',
): InstalledStandins {
  writeFileAtomicSync(join(dir, 'package.json'), '{"type": "commonjs"}\n');
  writeFileAtomicSync(
    join(dir, 'demo.json'),
    JSON.stringify({transcriptsDir: opts.transcriptsDir, stateUrl: opts.demoStateUrl, speed: opts.speed}, null, 2),
  );
  writeFileAtomicSync(join(dir, 'standin-runtime.cjs'), runtimeSource());
  for (const tool of STANDIN_TOOLS) {
    const file = join(dir, tool);
    writeFileAtomicSync(file, shim(tool));
    chmodSync(file, 0o700);
  }
  return {
    binDir: dir,
    env: {
      PATH: basePath ? `${dir}:${basePath}` : dir,
      EKSA_KONG_DEMO_DIR: dir,
      EKSA_KONG_DEMO_TRANSCRIPTS: opts.transcriptsDir,
      EKSA_KONG_DEMO_STATE_URL: opts.demoStateUrl,
      EKSA_KONG_DEMO_SPEED: String(opts.speed),
    },
  };
}
