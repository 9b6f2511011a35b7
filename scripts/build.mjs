// Bundles the CLI into one file so start-up reads one module instead of hundreds.
// @kubernetes/client-node stays external: only the Kong steps need it, and they import it lazily.
import {build} from 'esbuild';
import {chmodSync} from 'node:fs';
import {bundleOptions, requireShim} from './esbuild-options.mjs';

await build({
  ...bundleOptions,
  entryPoints: ['source/cli.tsx'],
  outfile: 'dist/cli.js',
  external: ['@kubernetes/client-node'],
  banner: {js: `#!/usr/bin/env node\n${requireShim}`},
});
chmodSync('dist/cli.js', 0o755);
