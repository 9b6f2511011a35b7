import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {LineSplitter} from '../../source/run/line-splitter.js';
import {RingBuffer} from '../../source/run/ring-buffer.js';
import {cleanForDisplay} from '../../source/run/display-text.js';

function split(chunks: (string | Buffer)[], options = {}, capacity = 1000): {ring: RingBuffer; splitter: LineSplitter} {
  const ring = new RingBuffer(capacity);
  const splitter = new LineSplitter(ring, options);
  for (const c of chunks) splitter.write(typeof c === 'string' ? Buffer.from(c) : c);
  splitter.end();
  return {ring, splitter};
}

test('splits on \\n and \\r\\n, keeps empty lines, counts an unterminated last line', () => {
  const {ring, splitter} = split(['one\ntwo\r\n\nthree']);
  assert.deepEqual(ring.tail(10), ['one', 'two', '', 'three']);
  assert.equal(splitter.lines, 4);
});

test('a carriage return redraw replaces the line; only the last redraw is shown', () => {
  const {ring, splitter} = split(['progress 10%\rprogress 50%\rprogress 100%\ndone\n']);
  assert.deepEqual(ring.tail(10), ['progress 100%', 'done']);
  assert.equal(splitter.lines, 2);
});

test('a redraw is visible before its newline arrives, then replaced in place', () => {
  const ring = new RingBuffer(10);
  const splitter = new LineSplitter(ring);
  splitter.write(Buffer.from('start\n 10%\r 20%\r'));
  assert.deepEqual(ring.tail(10), ['start', ' 20%']);
  splitter.write(Buffer.from(' 30%\r\n'));
  splitter.end();
  assert.deepEqual(ring.tail(10), ['start', ' 30%']);
  assert.equal(ring.total, 2);
});

test('\\r and \\n split across chunks are still one CRLF', () => {
  const {ring} = split(['a\r', '\nb\r', '', 'c\n']);
  assert.deepEqual(ring.tail(10), ['a', 'c']);
});

test('chunk boundaries never change the result (property)', () => {
  const alphabet = fc.constantFrom('a', 'é', '\n', '\r', '\t', '\u001b[31m', '€', 'x');
  fc.assert(
    fc.property(fc.array(alphabet, {maxLength: 60}), fc.array(fc.nat(200), {maxLength: 6}), (pieces, cuts) => {
      const bytes = Buffer.from(pieces.join(''));
      const whole = split([bytes]).ring.tail(1000);
      const points = [...new Set(cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let last = 0;
      for (const p of points) {
        chunks.push(bytes.subarray(last, p));
        last = p;
      }
      chunks.push(bytes.subarray(last));
      assert.deepEqual(split(chunks).ring.tail(1000), whole);
    }),
  );
});

test('a multi-byte character split across chunks stays whole; invalid UTF-8 becomes U+FFFD', () => {
  const euro = Buffer.from('€');
  const {ring} = split([
    Buffer.from('price '),
    euro.subarray(0, 1),
    Buffer.concat([euro.subarray(1), Buffer.from('\n')]),
    Buffer.from([0xff, 0xfe, 0x41, 0x0a]),
  ]);
  assert.deepEqual(ring.tail(2), ['price €', '\uFFFD\uFFFDA']);
});

test('binary output never throws and never yields control characters', () => {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
  const {ring} = split([bytes]);
  for (const line of ring.tail(1000)) assert.doesNotMatch(line, /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
});

test('ANSI colours, cursor moves and OSC titles are stripped; tabs expanded', () => {
  const {ring} = split(['\u001b[1;32mOK\u001b[0m \u001b]0;title\u0007done\u001b[2K\n', 'a\tb\n']);
  assert.deepEqual(ring.tail(2), ['OK done', 'a       b']);
  assert.equal(cleanForDisplay('plain'), 'plain');
});

test('a line longer than the cap is cut with a marker giving its full size', () => {
  const big = 'x'.repeat(1024 * 1024);
  const {ring, splitter} = split([big.slice(0, 300_000), big.slice(300_000), '\nnext\n'], {maxLineBytes: 4096});
  const [line, next] = ring.tail(2);
  assert.ok(line!.startsWith('x'.repeat(4096) + ' … [line cut, 1,048,576 bytes'), line!.slice(4000, 4200));
  assert.ok(line!.length < 4200);
  assert.equal(next, 'next');
  assert.equal(splitter.lines, 2);
});

test('a cut through a multi-byte character leaves no replacement character', () => {
  const {ring} = split(['€'.repeat(5000) + '\n'], {maxLineBytes: 100});
  assert.doesNotMatch(ring.tail(1)[0]!, /\uFFFD/);
  assert.match(ring.tail(1)[0]!, /line cut, 15,000 bytes/);
});

test('redact is applied to whole lines, before the cut', () => {
  const {ring} = split(['tok', 'en=abc', 'def\n', 'y'.repeat(95) + 'abcdef' + 'z'.repeat(100) + '\n'], {
    maxLineBytes: 100,
    slackBytes: 6,
    redact: (l: string) => l.replaceAll('abcdef', '***'),
  });
  assert.equal(ring.tail(2)[0], 'token=***');
  assert.doesNotMatch(ring.tail(1)[0]!, /abc/);
});

test('a million short lines: counted right, memory bounded by the ring', () => {
  const ring = new RingBuffer(5000);
  const splitter = new LineSplitter(ring);
  const block = Buffer.from(Array.from({length: 10_000}, (_, i) => `line ${i}`).join('\n') + '\n');
  for (let i = 0; i < 100; i++) ring.batch(() => splitter.write(block));
  splitter.end();
  assert.equal(splitter.lines, 1_000_000);
  assert.equal(ring.total, 1_000_000);
  assert.equal(ring.size, 5000);
  assert.equal(ring.tail(1)[0], 'line 9999');
});

test('a flood chunk keeps its lines undecoded; a sparse chunk is decoded at once so it pins no bytes', () => {
  const held: Array<string | {lines: {text(nth: number): string}; nth: number}> = [];
  const sink = {
    push: (line: string) => held.push(line) - 1,
    pushLazy: (lines: {text(nth: number): string}, nth: number) => held.push({lines, nth}) - 1,
    replace: (index: number, line: string) => {
      held[index] = line;
      return true;
    },
  };
  const splitter = new LineSplitter(sink);
  // 1,000 short lines in one chunk: a flood, where most lines are never shown.
  splitter.write(Buffer.from(Array.from({length: 1000}, (_, i) => `line ${i}`).join('\n') + '\n'));
  assert.ok(
    held.slice(0, 1000).every(l => typeof l !== 'string'),
    'flood lines stay lazy',
  );
  const last = held[999] as {lines: {text(nth: number): string}; nth: number};
  assert.equal(last.lines.text(last.nth), 'line 999');
  assert.equal(
    new Set(held.slice(0, 1000).map(l => (l as {lines: unknown}).lines)).size,
    1,
    'one object for the whole chunk',
  );
  // One short line riding on a large chunk (a long line cut for display): decoded now.
  const before = held.length;
  splitter.write(Buffer.from(`short\n${'x'.repeat(8000)}\n`));
  assert.equal(typeof held[before], 'string');
  assert.equal(held[before], 'short');
});
