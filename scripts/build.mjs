// Bundles the CLI into one file so start-up reads one module instead of hundreds.
// Heavy, step-specific modules (@kubernetes/client-node) stay external and are imported lazily.
import {build} from 'esbuild';
import {chmodSync} from 'node:fs';

// Ink loads react-devtools-core only when DEV=true; the CLI never ships it, so it resolves to nothing.
const noDevtools = {
  name: 'no-devtools',
  setup(b) {
    b.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'empty'}));
    b.onResolve({filter: /devtools(-window-polyfill)?\.js$/}, args =>
      args.importer.includes('/ink/') ? {path: args.path, namespace: 'empty'} : undefined,
    );
    b.onLoad({filter: /.*/, namespace: 'empty'}, () => ({contents: 'export default {connectToDevTools() {}};', loader: 'js'}));
  },
};

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
  external: ['@kubernetes/client-node'],
  plugins: [noDevtools],
  banner: {js: "#!/usr/bin/env node\nimport {createRequire as __cr} from 'node:module';const require=__cr(import.meta.url);"},
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
