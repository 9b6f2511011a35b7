// Follows a file another process appends to, as `tail -f` does: what was appended since the last look
// is read in bounded chunks and handed on, until stop() reads to the end once more. The file is opened
// read-only and never through a link; one that does not exist yet is looked for again on the next poll.
// Memory stays bounded: one scratch buffer, each chunk copied at its own size, and the next read waits
// for the consumer (onData may return a promise, e.g. until a log file drained).
import {constants, promises as fsp, type promises} from 'node:fs';

export interface FollowFileOptions {
  /** How often to look for new bytes. Default 100 ms. */
  intervalMs?: number;
  /** The largest read. Default 64 KiB. */
  chunkBytes?: number;
  /** The first read error (other than "not there yet"); following stops after it. */
  onError?(error: Error): void;
}

export interface FileFollower {
  /** Bytes handed on so far. */
  readonly offset: number;
  /** Reads to the current end of the file once more, then stops and closes it. */
  stop(): Promise<void>;
}

export function followFile(
  path: string,
  onData: (chunk: Buffer) => void | Promise<void>,
  options: FollowFileOptions = {},
): FileFollower {
  const intervalMs = options.intervalMs ?? 100;
  const scratch = Buffer.allocUnsafe(options.chunkBytes ?? 64 * 1024);
  let file: promises.FileHandle | undefined;
  let offset = 0;
  let stopped = false;
  let failed = false;
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> = Promise.resolve();

  const readToEnd = async (): Promise<void> => {
    if (failed) return;
    try {
      if (!file) {
        try {
          file = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw error;
        }
      }
      for (;;) {
        const {bytesRead} = await file.read(scratch, 0, scratch.length, offset);
        if (bytesRead === 0) {
          // Truncated under us (a writer started over): follow it again from its start.
          if ((await file.stat()).size < offset) {
            offset = 0;
            continue;
          }
          return;
        }
        offset += bytesRead;
        await onData(Buffer.from(scratch.subarray(0, bytesRead)));
      }
    } catch (error) {
      failed = true;
      options.onError?.(error as Error);
    }
  };

  const poll = (): void => {
    reading = readToEnd().then(() => {
      if (!stopped) timer = setTimeout(poll, intervalMs);
    });
  };
  poll();

  return {
    get offset() {
      return offset;
    },
    async stop() {
      if (stopped) return reading;
      stopped = true;
      clearTimeout(timer);
      await reading;
      reading = readToEnd().finally(async () => {
        await file?.close().catch(() => undefined);
        file = undefined;
      });
      return reading;
    },
  };
}
