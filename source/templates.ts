// Where the package root and templates/ are at run time. From source (tsx, tests) this file is
// source/templates.ts; bundled it is inside dist/cli.js. Both sit under the package root, so walk
// up to our own package.json (by name: a dependency's package.json on the way up is not ours).
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const PACKAGE_NAME = 'eksa-kong';

/** `from` is a file: URL or a path of a file under the package; defaults to this module. */
export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as {name?: unknown}).name === PACKAGE_NAME) return dir;
      } catch {
        // a broken package.json that is not ours: keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${from}`);
    dir = parent;
  }
}

// The default lookup is asked for on every render of a template; the answer cannot change.
let cached: string | undefined;

export function templatesDir(from?: string): string {
  if (from === undefined && cached) return cached;
  let found: string;
  try {
    found = join(packageRoot(from), 'templates');
  } catch (e) {
    throw new Error(`templates/ not found: ${(e as Error).message}`);
  }
  if (from === undefined) cached = found;
  return found;
}
