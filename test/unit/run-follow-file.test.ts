// Following a file another process appends to (eksctl's output file): partial lines, a file that grows
// after a pause or appears late, bounded reads, a link refused, and the final read at stop.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {appendFileSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {followFile} from '../../source/run/follow-file.js';
import {LineSplitter} from '../../source/run/line-splitter.js';
import {RingBuffer} from '../../source/run/ring-buffer.js';
import {until} from '../helpers/wait.js';

function tempDir(t: {after(fn: () => void): void}): string {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-follow-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

/** A follower feeding lines the way the runner does: a splitter into a ring buffer. */
function lines(path: string, chunkBytes?: number) {
  const output = new RingBuffer(100);
  const splitter = new LineSplitter(output);
  const chunks: number[] = [];
  const follower = followFile(
    path,
    chunk => {
      chunks.push(chunk.length);
      splitter.write(chunk);
    },
    {intervalMs: 10, chunkBytes},
  );
  return {output, follower, chunks, end: () => splitter.end()};
}

test('follows partial lines, a pause and more lines, then reads to the end on stop', async t => {
  const file = join(tempDir(t), 'out.log');
  const first = 'Setting up some\nPerforming setup and valid';
  writeFileSync(file, first);
  const f = lines(file);
  await until(() => f.follower.offset === Buffer.byteLength(first), 'the first bytes');
  assert.deepEqual(f.output.tail(10), ['Setting up some'], 'a partial line is held, not shown as a line');
  // A pause, then the rest of the line and a new one.
  await new Promise(resolve => setTimeout(resolve, 50));
  appendFileSync(file, 'ations\nCreating new bootstrap cluster\n');
  await until(() => f.output.total === 3, 'the lines written after the pause');
  assert.deepEqual(f.output.tail(10), [
    'Setting up some',
    'Performing setup and validations',
    'Creating new bootstrap cluster',
  ]);
  // The last lines written right before the end are read by stop(), without waiting for a poll.
  appendFileSync(file, '🎉 Cluster created!\nno newline at the end');
  await f.follower.stop();
  f.end();
  assert.deepEqual(f.output.tail(2), ['🎉 Cluster created!', 'no newline at the end']);
  // Stopped: nothing more is read.
  appendFileSync(file, 'later\n');
  await new Promise(resolve => setTimeout(resolve, 50));
  assert.equal(f.output.tail(1)[0], 'no newline at the end');
});

test('a file that is not there yet is looked for again; reads never exceed the chunk size', async t => {
  const file = join(tempDir(t), 'late.log');
  const f = lines(file, 16);
  await new Promise(resolve => setTimeout(resolve, 40));
  assert.equal(f.output.total, 0);
  writeFileSync(file, `${'x'.repeat(100)}\nshort\n`);
  await until(() => f.output.total === 2, 'the lines of the late file');
  await f.follower.stop();
  assert.ok(
    f.chunks.every(n => n <= 16),
    `reads stay bounded: ${f.chunks.join(',')}`,
  );
  assert.equal(f.output.tail(2)[0], 'x'.repeat(100));
});

test('a file emptied under it (a writer starting over) is followed again from its start', async t => {
  const file = join(tempDir(t), 'out.log');
  writeFileSync(file, 'first run line\n');
  const f = lines(file);
  await until(() => f.output.total === 1, 'the first line');
  truncateSync(file, 0);
  writeFileSync(file, 'again\n');
  await until(() => f.output.tail(1)[0] === 'again', 'the line after the truncation');
  await f.follower.stop();
});

test('a link in place of the file is refused (never read through), and reported once', async t => {
  const dir = tempDir(t);
  const target = join(dir, 'secret.txt');
  writeFileSync(target, 'not for the pane\n');
  const link = join(dir, 'out.log');
  symlinkSync(target, link);
  const errors: Error[] = [];
  const seen: Buffer[] = [];
  const follower = followFile(link, chunk => void seen.push(chunk), {intervalMs: 10, onError: e => errors.push(e)});
  await until(() => errors.length > 0, 'the refusal');
  await follower.stop();
  assert.equal((errors[0] as NodeJS.ErrnoException).code, 'ELOOP');
  assert.equal(errors.length, 1);
  assert.equal(seen.length, 0);
});
