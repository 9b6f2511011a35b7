// Where templates/ is at run time. From source (tsx) this file is source/cluster/templates.ts; bundled
// it is inside dist/cli.js. Both sit under the package root, so walk up to our package.json.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const PACKAGE_NAME = 'eksa-kong';

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

export function templatesDir(from?: string): string {
  return join(packageRoot(from), 'templates');
}
