// Secrets in recorded commands are replaced only as whole values: a short token that happens to be part
// of a URL or a word must not rewrite the command stored in session.json (and so reveal itself).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {toCommandRecord, tokenOccurrences} from '../../source/run/command-record.js';
import {renderRunbook} from '../../source/run/runbook.js';

const at = new Date('2026-12-06T10:00:00Z');

test('a secret equal to a whole argument or inside a word leaves the stored command as it ran', () => {
  const args = ['repo', 'add', 'kong', 'https://charts.konghq.com', 'kong-charts', '--namespace', 'kong'];
  for (const secret of ['kong', 'ko']) {
    const r = toCommandRecord({command: 'helm', args, step: 'data-plane'}, [secret], at)!;
    assert.deepEqual(r.args, args, secret);
    assert.equal(r.envRefs, undefined);
    assert.match(
      renderRunbook('lab1', [r]),
      /\nhelm repo add kong https:\/\/charts\.konghq\.com kong-charts --namespace kong\n/,
    );
  }
});

test('a known secret in a secret-bearing slot becomes a quoted reference, however short', () => {
  const cases: [string[], string, string[]][] = [
    [['-H', '10.0.0.1', '-P', 'ab', 'power'], 'ab', ['-H', '10.0.0.1', '-P', '${REDACTED_SECRET_1}', 'power']],
    [['--password', 'x'], 'x', ['--password', '${REDACTED_SECRET_1}']],
    [['--admin-token=kpat_Zx9'], 'kpat_Zx9', ['--admin-token=${REDACTED_SECRET_1}']],
    [['-H', 'Kong-Admin-Token: kong'], 'kong', ['-H', 'Kong-Admin-Token: ${REDACTED_SECRET_1}']],
    [['-H', 'Authorization: Bearer k1'], 'k1', ['-H', 'Authorization: Bearer ${REDACTED_SECRET_1}']],
    [['--data=token=a&b&x=1'], 'a&b', ['--data=token=${REDACTED_SECRET_1}&x=1']],
    [['--set', 'env.pg_password=kong'], 'kong', ['--set', 'env.pg_password=${REDACTED_SECRET_1}']],
    [['https://admin:pw@10.0.0.1/redfish/v1'], 'pw', ['https://admin:${REDACTED_SECRET_1}@10.0.0.1/redfish/v1']],
  ];
  for (const [args, secret, want] of cases) {
    const r = toCommandRecord({command: 'tool', args, step: 'discover'}, [secret], at)!;
    assert.deepEqual(r.args, want, args.join(' '));
    const book = renderRunbook('lab1', [r]);
    assert.ok(!book.includes('***'), book);
    assert.match(book, /"\$\{REDACTED_SECRET_1\}"/);
  }
  // Not a slot: the same short value elsewhere stays.
  const r = toCommandRecord({command: 'tool', args: ['-P', 'ab', 'ab', 'tab'], step: 'discover'}, ['ab'], at)!;
  assert.deepEqual(r.args, ['-P', '${REDACTED_SECRET_1}', 'ab', 'tab']);
});

test('a declared secret (secretEnv) is replaced wherever it stands whole, by its name', () => {
  const token = 'kpat_Zx9';
  const r = toCommandRecord(
    {
      command: 'curl',
      args: ['-H', `Kong-Admin-Token: ${token}`, `--data=x=${token}&x=1`, token, `${token}abc`],
      step: 'control-plane',
      secretEnv: {KONG_ADMIN_TOKEN: token},
    },
    [],
    at,
  )!;
  assert.deepEqual(r.args, [
    '-H',
    'Kong-Admin-Token: ${KONG_ADMIN_TOKEN}',
    '--data=x=${KONG_ADMIN_TOKEN}&x=1',
    '${KONG_ADMIN_TOKEN}',
    `${token}abc`,
  ]);
  const book = renderRunbook('lab1', [r]);
  assert.match(book, /'Kong-Admin-Token: '"\$\{KONG_ADMIN_TOKEN\}" /);
  assert.match(book, / "\$\{KONG_ADMIN_TOKEN\}" /);
  assert.ok(!book.includes(`${token} `) && !book.includes(`'${token}'`));
});

test('property: a declared secret standing alone between separators is never left in the record', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z0-9_]{4,12}$/),
      fc.constantFrom(' ', '=', ':', '/', '"', ','),
      fc.string({maxLength: 6}),
      (secret, sep, tail) => {
        const word = `x${sep}${secret}${sep}${tail}`;
        const r = toCommandRecord({command: 'tool', args: [word], step: 'data-plane', secretEnv: {S: secret}}, [], at)!;
        assert.ok(tokenOccurrences(r.args[0]!, secret).length === 0, r.args[0]);
      },
    ),
    {numRuns: 300},
  );
});
