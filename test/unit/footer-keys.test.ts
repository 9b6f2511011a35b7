import {test} from 'node:test';
import assert from 'node:assert/strict';
import {GLOBAL_KEYS, footerText} from '../../source/ui/keys.js';

const screenKeys = [
  {id: 'pick', keys: ['Space'], label: 'pick', help: ''},
  {id: 'roles', keys: ['c/w'], label: 'cp/worker', help: ''},
  {id: 'all', keys: ['a'], label: 'pick all', help: ''},
  {id: 'power', keys: ['p'], label: 'power on', help: ''},
  {id: 'sources', keys: ['e'], label: 'sources', help: ''},
];

test('every key is listed when the line fits', () => {
  assert.equal(footerText(GLOBAL_KEYS, 200), 'Esc back · ? help · Ctrl-C quit');
});

test('a crowded footer keeps "? help" at its end instead of cutting it off', () => {
  const text = footerText([...screenKeys, ...GLOBAL_KEYS], 60);
  assert.ok(text.length <= 60, text);
  assert.match(text, /^Space pick/);
  assert.match(text, / · \? help$/);
});
