// Upgrades a session.json written by an older eksa-kong, one version at a time, before validation.
// Version 1 is the first, so there is nothing to upgrade yet; the path exists so that the first real
// migration is a one-entry change, and an unknown old version gets a clear message instead of a
// schema error.
import {SESSION_VERSION} from './schema.js';
import {SessionError} from './errors.js';

export type SessionDoc = Record<string, unknown> & {version: number};

/** MIGRATIONS[n] turns a version-n document into a version-(n+1) one. */
export type Migrations = Readonly<Record<number, (doc: SessionDoc) => SessionDoc>>;

export const MIGRATIONS: Migrations = {};

export function migrate(
  doc: SessionDoc,
  file: string,
  migrations: Migrations = MIGRATIONS,
  target: number = SESSION_VERSION,
): SessionDoc {
  let current = doc;
  while (current.version < target) {
    const step = migrations[current.version];
    if (step === undefined) {
      throw new SessionError(
        `${file} has session version ${current.version}, which this eksa-kong cannot read (it reads ${target})`,
        file,
      );
    }
    const from = current.version;
    current = step(current);
    if (current.version !== from + 1) {
      throw new SessionError(
        `${file}: migration from session version ${from} did not produce version ${from + 1}`,
        file,
      );
    }
  }
  return current;
}
