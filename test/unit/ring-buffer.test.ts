import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {RingBuffer} from '../../source/run/ring-buffer.js';

test('keeps the last capacity lines and counts all of them', () => {
  const ring = new RingBuffer(3);
  for (const line of ['a', 'b', 'c', 'd', 'e']) ring.push(line);
  assert.equal(ring.total, 5);
  assert.equal(ring.size, 3);
  assert.equal(ring.first, 2);
  assert.deepEqual(ring.slice(0, 3), ['c', 'd', 'e']);
  assert.deepEqual(ring.tail(2), ['d', 'e']);
  assert.deepEqual(ring.tail(10), ['c', 'd', 'e']);
  assert.deepEqual(ring.slice(-5, 1), ['c']);
  assert.deepEqual(ring.slice(2, 1), []);
});

test('replace changes a held line by absolute index and refuses an evicted one', () => {
  const ring = new RingBuffer(2);
  const a = ring.push('a');
  const b = ring.push('b');
  assert.equal(ring.replace(b, 'B'), true);
  ring.push('c');
  assert.equal(ring.replace(a, 'A'), false);
  assert.deepEqual(ring.tail(2), ['B', 'c']);
});

test('behaves like an array tail for any pushes (model check)', () => {
  fc.assert(
    fc.property(
      fc.integer({min: 1, max: 20}),
      fc.array(fc.string(), {maxLength: 80}),
      fc.nat(30),
      fc.nat(30),
      (cap, lines, from, to) => {
        const ring = new RingBuffer(cap);
        for (const l of lines) ring.push(l);
        const model = lines.slice(-cap);
        assert.equal(ring.total, lines.length);
        assert.equal(ring.size, model.length);
        assert.deepEqual(ring.slice(from, to), model.slice(from, Math.max(from, to)));
        assert.deepEqual(ring.tail(from), from === 0 ? [] : model.slice(-from));
      },
    ),
  );
});

test('subscribers hear each push, or once per batch', () => {
  const ring = new RingBuffer(10);
  let calls = 0;
  const off = ring.subscribe(() => calls++);
  ring.push('x');
  assert.equal(calls, 1);
  ring.batch(() => {
    for (let i = 0; i < 100; i++) ring.push(String(i));
  });
  assert.equal(calls, 2);
  ring.batch(() => {});
  assert.equal(calls, 2, 'an empty batch is silent');
  off();
  ring.push('y');
  assert.equal(calls, 2);
});

test('rejects a capacity that is not a positive integer', () => {
  assert.throws(() => new RingBuffer(0), RangeError);
  assert.throws(() => new RingBuffer(1.5), RangeError);
});
