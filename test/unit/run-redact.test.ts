import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {redactBuffer, redactText, SecretSet, StreamRedactor} from '../../source/run/redact.js';

test('masks every occurrence, the longer secret first', () => {
  const secrets = new SecretSet(['abcd', 'abcdef', '', 'abcd']).values();
  assert.deepEqual(secrets, ['abcdef', 'abcd']);
  assert.equal(redactText('x abcdef y abcd z', secrets), 'x *** y *** z');
  assert.equal(redactText('short a', ['a']), 'short ***', 'redactText masks whatever it is given');
});

test('values shorter than four characters are not collected as secrets: they would mangle every line', () => {
  assert.deepEqual(new SecretSet(['y', 'ab', 'abc', 'abcd']).values(), ['abcd']);
});

test('a secret split across chunks is masked in the stream, and nothing is lost', () => {
  const r = new StreamRedactor(['s3cr3t-token']);
  const out = Buffer.concat([
    r.push(Buffer.from('Authorization: s3cr')),
    r.push(Buffer.from('3t-tok')),
    r.push(Buffer.from('en\nok\n')),
    r.flush(),
  ]);
  assert.equal(out.toString(), 'Authorization: ***\nok\n');
});

test('a secret that is the prefix of a longer one does not leak the longer one', () => {
  const r = new StreamRedactor(['abcd', 'abcdefgh']);
  const out = Buffer.concat([r.push(Buffer.from('xxabcd')), r.push(Buffer.from('efgh yy abcd')), r.flush()]);
  assert.equal(out.toString(), 'xx*** yy ***');
});

test('stream redaction equals whole-buffer redaction for any chunking (property)', () => {
  const secretArb = fc.string({unit: fc.constantFrom('a', 'b', 'c', '\n'), minLength: 1, maxLength: 6});
  const textArb = fc.string({unit: fc.constantFrom('a', 'b', 'c', 'x', '\n'), maxLength: 80});
  fc.assert(
    fc.property(secretArb, textArb, fc.array(fc.nat(100), {maxLength: 8}), (secret, text, cuts) => {
      const bytes = Buffer.from(text);
      const expected = redactBuffer(bytes, [Buffer.from(secret)]).toString();
      const r = new StreamRedactor([secret]);
      const points = [...new Set(cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const out: Buffer[] = [];
      let last = 0;
      for (const p of [...points, bytes.length]) {
        out.push(r.push(bytes.subarray(last, p)));
        last = p;
      }
      out.push(r.flush());
      assert.equal(Buffer.concat(out).toString(), expected);
    }),
  );
});

test('without secrets the stream passes through untouched', () => {
  const r = new StreamRedactor([]);
  const chunk = Buffer.from('abc');
  assert.equal(r.push(chunk), chunk);
  assert.equal(r.flush().length, 0);
});
