import {test} from 'node:test';
import assert from 'node:assert/strict';
import {dispatchKey, splitRead, visibleBindings, type KeyAction, type Registration} from '../../source/ui/keymap.js';
import {footerText} from '../../source/ui/keys.js';

const act = (id: string, keys: string[], log: string[], take = true): KeyAction => ({
  id,
  keys,
  label: id,
  help: id,
  run: () => (log.push(id), take),
});

test('a run of characters in one read is one key each; Enter, Tab and Backspace inside it are named', () => {
  assert.deepEqual(
    splitRead(' c', {}).map(k => k.name),
    ['Space', 'c'],
  );
  assert.deepEqual(
    splitRead('lab1\r', {}).map(k => k.name),
    ['l', 'a', 'b', '1', 'Enter'],
  );
  assert.deepEqual(
    splitRead('a\tb\u007f', {}).map(k => k.name),
    ['a', 'Tab', 'b', 'Backspace'],
  );
  assert.deepEqual(splitRead('', {downArrow: true}), [{name: 'Down', text: ''}]);
  assert.deepEqual(splitRead('c', {ctrl: true}), [{name: 'Ctrl-C', text: ''}]);
});

test('scopes are tried innermost first and the first handler that takes a key consumes it', () => {
  const log: string[] = [];
  const regs: Registration[] = [
    {scope: 'shell', order: 1, actions: [act('shell-back', ['Esc'], log)]},
    {scope: 'screen', order: 2, actions: [act('screen-esc', ['Esc'], log, false)]},
    {scope: 'prompt', order: 3, actions: [act('prompt-no', ['Esc', 'n'], log)]},
  ];
  assert.equal(dispatchKey(regs, {name: 'Esc', text: ''}), true);
  assert.deepEqual(log, ['prompt-no']);
  // Without the prompt: the screen passes (returns false), the shell takes it.
  log.length = 0;
  dispatchKey(regs.slice(0, 2), {name: 'Esc', text: ''});
  assert.deepEqual(log, ['screen-esc', 'shell-back']);
});

test('a modal handler swallows what it does not take and hides the keys below it; a "first" dialog still comes before it', () => {
  const log: string[] = [];
  const regs: Registration[] = [
    {scope: 'dialog', order: 1, first: true, actions: [act('quit', ['Ctrl-C'], log)]},
    {scope: 'screen', order: 2, actions: [act('pick', ['Space'], log)]},
    {scope: 'dialog', order: 3, modal: true, actions: [act('close', ['?'], log)]},
  ];
  assert.equal(dispatchKey(regs, {name: 'Space', text: ' '}), true);
  dispatchKey(regs, {name: 'Ctrl-C', text: ''});
  assert.deepEqual(log, ['quit']);
  assert.deepEqual(
    visibleBindings(regs, {footer: true}).map(b => b.id),
    ['close', 'quit'],
  );
});

test('the footer lists each key once, under the handler that takes it, and leaves out help-only keys', () => {
  const log: string[] = [];
  const regs: Registration[] = [
    {scope: 'dialog', order: 1, first: true, actions: [act('quit', ['Ctrl-C'], log)]},
    {scope: 'shell', order: 2, actions: [act('back', ['Esc'], log), act('help', ['?'], log)]},
    {
      scope: 'screen',
      order: 3,
      actions: [{...act('move', ['Up', 'Down'], log), footer: false}, act('cancel', ['Esc'], log)],
    },
  ];
  const footer = visibleBindings(regs, {footer: true});
  assert.deepEqual(
    footer.map(b => b.id),
    ['cancel', 'help', 'quit'],
  );
  assert.equal(footerText(footer, 80), 'Esc cancel · ? help · Ctrl-C quit');
  assert.deepEqual(
    visibleBindings(regs, {footer: false}).map(b => b.id),
    ['move', 'cancel', 'help', 'quit'],
  );
});
