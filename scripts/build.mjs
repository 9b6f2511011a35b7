// Bundles the CLI into one file so start-up reads one module instead of hundreds.
// Heavy, step-specific modules (@kubernetes/client-node) stay external and are imported lazily.
import {build} from 'esbuild';
import {chmodSync} from 'node:fs';

await build({
  entryPoints: ['source/cli.tsx'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  jsx: 'automatic',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  define: {'process.env.NODE_ENV': '"production"', 'process.env.DEV': 'undefined'},
  external: ['@kubernetes/client-node', 'react-devtools-core'],
  banner: {js: "#!/usr/bin/env node\nimport {createRequire as __cr} from 'node:module';const require=__cr(import.meta.url);"},
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
