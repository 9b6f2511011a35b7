// Bundles the CLI with esbuild: dist/cli.js is the entry, and code that only some paths need (the
// steps, their screens, the demo world) goes into chunks under dist/chunks/ that load when used.
// One single file would have to be parsed whole before the first frame: at 1.5 MB that alone broke
// the start-up budget (1.25 x an Ink hello-world). @kubernetes/client-node stays external: only the
// Kong steps need it, and they import it lazily.
import {build} from 'esbuild';
import {chmodSync, rmSync} from 'node:fs';
import {bundleOptions, requireShim} from './esbuild-options.mjs';

// An other folder (under the package, so templates/ is found) lets tests build without replacing the
// dist/ that other tests are running.
const outdir = process.argv[2] ?? 'dist';
rmSync(outdir, {recursive: true, force: true});
await build({
  ...bundleOptions,
  entryPoints: ['source/cli.tsx'],
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  external: ['@kubernetes/client-node'],
  banner: {js: `#!/usr/bin/env node\n${requireShim}`},
});
chmodSync(`${outdir}/cli.js`, 0o755);
