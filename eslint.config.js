// ESLint flat config. typescript-eslint's recommended rules without type information, so `npm run lint`
// stays fast (tsc --noEmit does the type checking), React's rules of hooks, and import boundaries that
// encode the architecture (docs/ARCHITECTURE.md): only the terminal layer may touch Ink and React, and the
// steps and domain modules never reach for the simulated world in source/demo/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The terminal layer: the only code that may import ink, ink-* or react.
const terminalLayer = [
  'source/ui/**',
  'source/app.tsx',
  'source/cli.tsx',
  'source/interactive.tsx',
  'source/launcher.tsx',
  'screens/**',
];

// Steps and the domain modules run identically in every world; the demo is wired in from outside.
const worldAgnostic = [
  'source/steps/**',
  'source/cluster/**',
  'source/kong/**',
  'source/discovery/**',
  'source/hardware/**',
  'source/session/**',
  'source/run/**',
  'source/wizard/**',
  'source/net/**',
];

const noInk = {
  regex: '^(ink|ink-[^/]+|react)(/.*)?$',
  message:
    'Ink and React belong to the terminal layer (source/ui/, screens/, the shell files); pass data to it instead.',
};
const noDemo = {
  regex: '(^|/)demo(/|$)',
  message:
    'Steps and domain modules must not import source/demo/; the demo world is wired in from outside through the ports.',
};

// The demo world is a lower layer: the commands open it (openDemoWorld) and own the session and flags.
const noCommands = {
  regex: '(^|/)(commands/|cli-options(\\.js)?$)',
  message:
    'source/demo/ is wired in by the commands (openDemoWorld); it must not import source/commands/ or source/cli-options.ts.',
};

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'templates/', '.bench/']},
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs,jsx}'],
    languageOptions: {globals: {...globals.node}},
    rules: {
      // `_`-prefixed names are the deliberate "unused on purpose" marker (ignored parameters, rest-omit).
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      // Matching control characters is the point of the code that cleans terminal output, command lines
      // and runbook comments (ANSI escapes, C0/C1 controls), so a control character in a regex is intended.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests walk parsed YAML/JSON documents freely and then assert their shape; `any` is the honest type there.
    files: ['test/**'],
    rules: {'@typescript-eslint/no-explicit-any': 'off'},
  },
  {
    files: ['source/**/*.{ts,tsx}', 'screens/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}', 'scripts/**/*.{tsx,jsx}'],
    plugins: {'react-hooks': reactHooks},
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['source/**'],
    ignores: terminalLayer,
    rules: {'no-restricted-imports': ['error', {patterns: [noInk]}]},
  },
  {
    // A later config's no-restricted-imports replaces an earlier one, so these files get both patterns.
    files: worldAgnostic,
    rules: {'no-restricted-imports': ['error', {patterns: [noInk, noDemo]}]},
  },
  {
    files: ['source/demo/**'],
    rules: {'no-restricted-imports': ['error', {patterns: [noInk, noCommands]}]},
  },
);
