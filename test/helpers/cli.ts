// Runs the CLI's main() in-process with captured output.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Writable} from 'node:stream';
import {main} from '../../source/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, {
    stdout,
    stderr,
    stdin: {isTTY: false},
    env: {PATH: process.env['PATH'], HOME: process.env['HOME'], ...env},
  });
  return {code, stdout: stdout.text, stderr: stderr.text};
}

export function tempHome(prefix = 'eksa-kong-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
