// The shared test data next to the repository (../shared: fixtures and oracles taken from upstream
// projects). A clone without it skips the tests that need it, with a one-line reason.
import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The path of ../shared/<rel>, or undefined when it is absent. */
export function sharedPath(...rel: string[]): string | undefined {
  const p = join(repoRoot, '..', 'shared', ...rel);
  return existsSync(p) ? p : undefined;
}

/** For node:test's `skip` option: false when present, else the reason. */
export function skipUnlessShared(...rel: string[]): false | string {
  return sharedPath(...rel) ? false : `needs ../shared/${rel.join('/')} (not in this clone)`;
}
