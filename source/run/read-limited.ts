// Reading a user-named file with a size cap: the file is read in chunks and given up on as soon as it
// passes the cap, so /dev/zero, a FIFO fed forever or a 2 GB paste cannot eat the machine's memory.
import {open} from 'node:fs/promises';

export const MiB = 1024 * 1024;

/** The file is larger than the cap; the message names the file, what it is and the limit. */
export class TooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly limit: number,
    what: string,
  ) {
    super(`${path}: ${what} is larger than ${formatLimit(limit)}; eksa-kong reads at most that much`);
  }
}

function formatLimit(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/** The file's bytes, at most `limit` of them; TooLargeError past that, never reading more than limit + 1. */
export async function readFileLimited(path: string, limit: number, what: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1));
    for (;;) {
      const {bytesRead} = await handle.read(chunk, 0, Math.min(chunk.length, limit + 1 - total), null);
      if (bytesRead === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, bytesRead)));
      total += bytesRead;
      if (total > limit) throw new TooLargeError(path, limit, what);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}
