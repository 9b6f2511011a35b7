// The API form's model without Ink: answers → form → the same answers, references told apart, and each
// problem mapped to its row with the answers file's words.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  answersFromForm,
  formFromAnswers,
  formIssues,
  formRows,
  referenceOf,
} from '../../source/steps/verify/api-form.js';
import type {ApiAnswers} from '../../source/session/api-answers.js';

const full: ApiAnswers = {
  service: {name: 'orders', url: 'http://orders.shop.svc:8080'},
  route: {name: 'orders', paths: ['/orders', '/o'], hosts: ['shop.lab'], methods: ['GET', 'POST']},
  plugins: [
    {preset: 'key-auth', consumer: 'shop', keyFile: '/run/keys/shop'},
    {preset: 'rate-limiting', minute: 20},
    {preset: 'proxy-cache', ttl: 30},
    {preset: 'openid-connect', issuer: 'https://idp.lab/realms/shop', clientId: 'shop', clientSecretEnv: 'OIDC_SECRET'},
    {preset: 'http-log', endpoint: 'https://logs.lab/kong/_doc'},
  ],
};

test('answers → form → answers is the identity for every preset', () => {
  const form = formFromAnswers(full);
  assert.deepEqual(answersFromForm(form), full);
  assert.deepEqual(formIssues(form), []);
  assert.equal(formRows(form).length, 6 + 5 + 8, 'each preset on shows its fields');
  assert.equal(formRows(formFromAnswers(undefined)).length, 6 + 5);
});

test('a secret reference is an upper-case variable name or a path; anything else is refused, never stored', () => {
  assert.deepEqual(referenceOf('ORDERS_KEY'), {env: 'ORDERS_KEY'});
  assert.deepEqual(referenceOf('~/keys/orders'), {file: '~/keys/orders'});
  assert.deepEqual(referenceOf('3f9a0c1b2d'), {bad: true});
  const form = formFromAnswers(full);
  form.values['openid-connect.secret'] = 'hunter2';
  const issue = formIssues(form)[0]!;
  assert.equal(issue.row, 'openid-connect.secret');
  assert.match(issue.message, /^api\.plugins\[3\]\.clientSecretEnv: the client secret by reference/);
  assert.ok(!JSON.stringify(answersFromForm(form)).includes('hunter2'));
});

test('each problem names its key as an answers file would and points at its row', () => {
  // The shape first (as for an answers file, Kong's rules are checked once the shape holds).
  const shape = formFromAnswers(full);
  shape.values['rate-limiting.minute'] = 'lots';
  assert.deepEqual(
    formIssues(shape).map(i => [i.row, i.message]),
    [['rate-limiting.minute', 'api.plugins[1].minute: expected a number, got a string']],
  );
  const form = formFromAnswers(full);
  form.values['http-log.endpoint'] = 'nope';
  form.values['route.methods'] = 'get';
  form.values['rate-limiting.minute'] = '0';
  const byRow = Object.fromEntries(formIssues(form).map(i => [i.row, i.message]));
  assert.match(byRow['route.methods']!, /^api\.route\.methods\[0\]: invalid value: get/);
  assert.match(byRow['rate-limiting.minute']!, /^api\.plugins\[1\]\.minute: value must be greater than 0/);
  assert.match(byRow['http-log.endpoint']!, /^api\.plugins\[4\]\.endpoint: "nope" is not a URL/);
});
