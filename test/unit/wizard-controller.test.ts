import {test} from 'node:test';
import assert from 'node:assert/strict';
import {SessionController} from '../../source/wizard/controller.js';
import {newSession} from '../../source/session/schema.js';
import {InvalidSessionError} from '../../source/session/errors.js';

const refusing = () =>
  new SessionController(newSession('lab1', 'real'), () => {
    throw new InvalidSessionError('refusing to write', 'session.json', 'answers.discovery.pxe.port: Too big');
  });

test('a refused transition keeps the session and tells the listeners why', () => {
  const c = refusing();
  const heard: string[] = [];
  c.onRefused(m => heard.push(m));
  const before = c.get();
  assert.equal(c.dispatch({type: 'set-answers', patch: {discovery: {pxe: {port: 99999}}}}), before);
  assert.deepEqual(heard, ['answers.discovery.pxe.port: Too big']);
});

test('without a listener (headless) the refusal reaches the step as an error', () => {
  assert.throws(
    () => refusing().dispatch({type: 'set-answers', patch: {network: {gateway: 'x'}}}),
    InvalidSessionError,
  );
});
