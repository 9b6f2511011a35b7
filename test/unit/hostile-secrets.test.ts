// Secrets in recorded commands are replaced only as whole values: a short token that happens to be part
// of a URL or a word must not rewrite the command stored in session.json (and so reveal itself).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {toCommandRecord, tokenOccurrences} from '../../source/run/command-record.js';
import {renderRunbook} from '../../source/run/runbook.js';

const at = new Date('2026-12-06T10:00:00Z');

test('a token that is part of a word or URL leaves the command as it is', () => {
  const r = toCommandRecord(
    {command: 'helm', args: ['repo', 'add', 'kong-charts', 'https://charts.konghq.com'], step: 'data-plane'},
    ['kong'],
    at,
  )!;
  assert.deepEqual(
    r.args,
    ['repo', 'add', 'kong-charts', 'https://charts.konghq.com'].map(a =>
      a === 'kong-charts' ? '${REDACTED_SECRET_1}-charts' : a,
    ),
  );
  assert.equal(r.args[3], 'https://charts.konghq.com');
});

test('whole values are replaced wherever they stand as a token, and the runbook quotes the reference', () => {
  const token = 'kpat_Zx9';
  const r = toCommandRecord(
    {
      command: 'curl',
      args: ['-H', `Kong-Admin-Token: ${token}`, `--data=token=${token}&x=1`, token, `${token}abc`],
      step: 'control-plane',
    },
    [token],
    at,
  )!;
  assert.deepEqual(r.args, [
    '-H',
    'Kong-Admin-Token: ${REDACTED_SECRET_1}',
    '--data=token=${REDACTED_SECRET_1}&x=1',
    '${REDACTED_SECRET_1}',
    `${token}abc`,
  ]);
  const book = renderRunbook('lab1', [r]);
  assert.match(book, /'Kong-Admin-Token: '"\$\{REDACTED_SECRET_1\}" /);
  assert.match(book, / "\$\{REDACTED_SECRET_1\}" /);
  assert.ok(!book.includes(`${token} `) && !book.includes(`'${token}'`));
});

test('property: a secret standing alone between separators is never left in the record', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z0-9_]{4,12}$/),
      fc.constantFrom(' ', '=', ':', '/', '"', ','),
      fc.string({maxLength: 6}),
      (secret, sep, tail) => {
        const word = `x${sep}${secret}${sep}${tail}`;
        const r = toCommandRecord({command: 'tool', args: [word], step: 'data-plane'}, [secret], at)!;
        assert.ok(tokenOccurrences(r.args[0]!, secret).length === 0, r.args[0]);
      },
    ),
    {numRuns: 300},
  );
});
