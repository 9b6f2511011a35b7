import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import React, {useState} from 'react';
import {TextField, appendTyped, cleanTyped} from '../../source/ui/TextField.js';
import {KeyProvider} from '../../source/ui/KeyDispatcher.js';
import {cleanupInk, renderInk, tick, until} from '../helpers/ink.js';

afterEach(() => cleanupInk());

function Harness({submitted}: {submitted: string[]}) {
  const [value, setValue] = useState('');
  return (
    <KeyProvider>
      <TextField value={value} onChange={setValue} onSubmit={v => void submitted.push(v)} />
    </KeyProvider>
  );
}

test('a paste ending in a newline submits the text without the newline', async () => {
  const submitted: string[] = [];
  const app = renderInk(<Harness submitted={submitted} />);
  await tick(20);
  app.stdin.write('lab1\r');
  await until(() => submitted.length > 0, 'the paste to be submitted');
  assert.deepEqual(submitted, ['lab1']);
  assert.doesNotMatch(app.lastFrame() ?? '', /\r/);
});

test('control characters never reach the value', () => {
  assert.deepEqual(cleanTyped('a\u0008b\u001bc\td'), {value: 'abcd', submitted: false});
  assert.deepEqual(cleanTyped('x\n'), {value: 'x', submitted: true});
});

test('pasted escape sequences are dropped whole, C1 controls too, and a paste is capped as it arrives', () => {
  assert.deepEqual(cleanTyped('a\u001b[31mred\u001b[0m\u009b1mb\u001b]0;title\u0007c'), {
    value: 'aredbc',
    submitted: false,
  });
  assert.deepEqual(cleanTyped('x'.repeat(10_000), 63), {value: 'x'.repeat(63), submitted: false});
  assert.equal(cleanTyped('y'.repeat(10_000)).value.length, 1024);
  assert.equal(appendTyped('ab', '\u001b[1;31mc\u0007', 3), 'abc');
});
