// Bundle settings shared by the CLI build and the benchmark's Ink hello-world, so the two compare alike.

// Ink loads its devtools (react-devtools-core, ws) only when DEV=true; the CLI never ships them.
export const noDevtools = {
  name: 'no-devtools',
  setup(b) {
    b.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'empty'}));
    b.onResolve({filter: /devtools(-window-polyfill)?\.js$/}, args =>
      args.importer.includes('/ink/') ? {path: args.path, namespace: 'empty'} : undefined,
    );
    b.onLoad({filter: /.*/, namespace: 'empty'}, () => ({
      contents: 'export default {connectToDevTools() {}};',
      loader: 'js',
    }));
  },
};

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  jsx: 'automatic',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  define: {'process.env.NODE_ENV': '"production"', 'process.env.DEV': 'undefined'},
  plugins: [noDevtools],
  logLevel: 'warning',
};

export const requireShim = "import {createRequire as __cr} from 'node:module';const require=__cr(import.meta.url);";
