// templates/ sits next to package.json. Walking up from this module finds it both from source/kong/
// (tsx, tests) and from a bundled dist/cli.js.
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

let cached: string | undefined;

export function templatesDir(from: string = import.meta.url): string {
  if (cached && from === import.meta.url) return cached;
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) {
      const found = join(dir, 'templates');
      if (from === import.meta.url) cached = found;
      return found;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('templates/ not found: no folder above this module holds package.json and templates/');
    dir = parent;
  }
}
