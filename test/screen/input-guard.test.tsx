// Pasted escape sequences reach Ink's real input pipeline: unguarded, Ink 6 throws on "\e[31m"; with
// the guard every hostile paste is dropped and real keys and text still arrive.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import React, {useState} from 'react';
import {Text, useInput} from 'ink';
import fc from 'fast-check';
import {renderInk, KEYS, tick} from '../helpers/ink.js';
import {guardInput, TerminalInputFilter} from '../../source/ui/input-guard.js';

const HOSTILE = [
  '\u001b[31m',
  '\u001b[1;31m',
  '\u001b[38;5;196m',
  '\u001b[0m',
  '\u001b[99;5~',
  '\u001b[1;5X',
  '\u001b[?1049h',
  '\u001b]0;title\u0007',
  '\u001b]8;;https://x\u001b\\',
  '\u001bP+q\u001b\\',
  '\u009b31m',
  '\u001b[97u',
];

function Keys({log}: {log: string[]}) {
  const [n, setN] = useState(0);
  useInput((input, key) => {
    log.push(key.upArrow ? '<up>' : key.leftArrow ? '<left>' : key.delete ? '<del>' : input);
    setN(v => v + 1);
  });
  return <Text>keys {n}</Text>;
}

test('unguarded, a pasted colour code throws inside Ink (the crash this guards against)', async () => {
  const r = renderInk(<Keys log={[]} />);
  await tick();
  assert.throws(() => r.stdin.write('\u001b[31m'), /startsWith/);
  r.unmount();
});

test('guarded, every hostile paste is dropped and keys and text still arrive', async () => {
  const log: string[] = [];
  const r = renderInk(<Keys log={log} />);
  guardInput(r.stdin);
  await tick();
  for (const seq of HOSTILE) {
    r.stdin.write(`a${seq}b`);
    await tick();
  }
  await r.press(KEYS.up, KEYS.left, KEYS.delete, 'z');
  assert.equal(log.filter(k => k.startsWith('<') || k === 'z').join(''), '<up><left><del>z');
  assert.ok(
    log
      .join('')
      .replace(/<[a-z]+>|z/g, '')
      .split('')
      .every(c => c === 'a' || c === 'b'),
    JSON.stringify(log),
  );
  r.unmount();
});

test('a sequence split across reads is still recognised or dropped as a whole', () => {
  const f = new TerminalInputFilter();
  assert.equal(f.push('x\u001b[3'), 'x');
  assert.equal(f.push('1my'), 'y');
  assert.equal(f.push('\u001b['), '');
  assert.equal(f.push('A'), '\u001b[A');
  assert.equal(f.push('\u001b]0;ti'), '');
  assert.equal(f.push('tle\u0007k'), 'k');
  assert.equal(f.push('\u001b'), '\u001b');
});

test('property: whatever is pasted, Ink does not throw', async () => {
  const log: string[] = [];
  const r = renderInk(<Keys log={log} />);
  guardInput(r.stdin);
  await tick();
  const piece = fc.oneof(
    fc.constantFrom(...HOSTILE, '\u001b', '\u001b[', ';', '5', '~', 'm', 'O', '['),
    fc.string({unit: 'binary', maxLength: 4}),
  );
  fc.assert(
    fc.property(fc.array(piece, {maxLength: 8}), parts => {
      r.stdin.write(parts.join(''));
    }),
    {numRuns: 400},
  );
  r.unmount();
});
