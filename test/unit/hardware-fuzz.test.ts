// Property-based fuzzing of the reader and validator: arbitrary text and mutated valid files never make
// them throw, and every finding is placed at a real line of the file or is explicitly file-level.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {countLines, readCsvRecords} from '../../source/hardware/csv-reader.js';
import {validateHardwareCsv} from '../../source/hardware/validate.js';
import {makeSyntheticCsv} from '../../source/hardware/synthetic.js';
import type {ValidationResult} from '../../source/hardware/types.js';

const CSV_CHARS = ['a', 'Z', '0', '9', ',', '"', '\n', '\r', '|', '=', ':', '-', '.', '/', ' ', '\ufeff', 'é', '\t'];
const csvish = fc.string({unit: fc.constantFrom(...CSV_CHARS), maxLength: 300});
const header = 'hostname,bmc_ip,bmc_username,bmc_password,mac,ip_address,netmask,gateway,nameservers,labels,disk';

function assertWellPlaced(text: string, r: ValidationResult) {
  const lines = countLines(text);
  assert.equal(r.valid, r.errors.length === 0);
  assert.equal(r.machines, r.rows.length);
  for (const f of [...r.errors, ...r.warnings]) {
    if (f.line === null) {
      assert.equal(f.column, null, `a finding without a line must be file-level: ${JSON.stringify(f)}`);
    } else {
      assert.ok(
        Number.isInteger(f.line) && f.line >= 1 && f.line <= lines,
        `line ${f.line} of ${lines}: ${JSON.stringify(f)}`,
      );
    }
    assert.equal(typeof f.message, 'string');
    assert.ok(f.message.length > 0);
    if (f.column === 'bmc_password') assert.ok(f.value === null || f.value === '(hidden)');
  }
  if (text.length > 0 && r.machines === 0) assert.equal(r.valid, false, 'a file without machines is never valid');
}

test('reader: arbitrary text never throws; records and errors sit inside the file', () => {
  fc.assert(
    fc.property(fc.oneof(csvish, fc.string({maxLength: 200}), fc.string({unit: 'binary', maxLength: 200})), text => {
      const r = readCsvRecords(text);
      const lines = countLines(text);
      assert.equal(r.lineCount, lines);
      let previous = 0;
      for (const record of r.records) {
        assert.ok(record.line > previous && record.line <= lines);
        assert.equal(record.fieldLines.length, record.fields.length);
        for (const l of record.fieldLines) assert.ok(l >= record.line && l <= lines);
        previous = record.line;
      }
      if (r.error) assert.ok(r.error.line >= 1 && r.error.line <= lines);
    }),
    {numRuns: 1000},
  );
});

test('validator: arbitrary text never throws and places every finding', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        csvish,
        csvish.map(s => `${header}\n${s}`),
        fc.string({unit: 'binary', maxLength: 200}),
      ),
      text => {
        assertWellPlaced(text, validateHardwareCsv(text));
        assertWellPlaced(text, validateHardwareCsv(text, {mode: 'eksa'}));
      },
    ),
    {numRuns: 1000},
  );
});

type Mutation =
  | {kind: 'insert'; at: number; text: string}
  | {kind: 'delete'; at: number; length: number}
  | {kind: 'duplicate-line'; line: number}
  | {kind: 'swap-lines'; a: number; b: number};

function mutate(text: string, mutations: Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    if (m.kind === 'insert') {
      const at = m.at % (out.length + 1);
      out = out.slice(0, at) + m.text + out.slice(at);
    } else if (m.kind === 'delete') {
      const at = m.at % (out.length + 1);
      out = out.slice(0, at) + out.slice(at + m.length);
    } else {
      const lines = out.split('\n');
      if (lines.length === 0) continue;
      if (m.kind === 'duplicate-line') {
        const i = m.line % lines.length;
        lines.splice(i, 0, lines[i]!);
      } else {
        const a = m.a % lines.length;
        const b = m.b % lines.length;
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      }
      out = lines.join('\n');
    }
  }
  return out;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({unit: fc.constantFrom(...CSV_CHARS), minLength: 1, maxLength: 4}),
  }),
  fc.record({kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({min: 1, max: 20})}),
  fc.record({kind: fc.constant('duplicate-line' as const), line: fc.nat()}),
  fc.record({kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat()}),
);

test('validator: mutated valid files never throw and place every finding', () => {
  const base = makeSyntheticCsv(4);
  assert.equal(validateHardwareCsv(base).valid, true);
  fc.assert(
    fc.property(fc.array(mutation, {minLength: 1, maxLength: 5}), mutations => {
      const text = mutate(base, mutations);
      assertWellPlaced(text, validateHardwareCsv(text));
    }),
    {numRuns: 1500},
  );
});

test('a duplicated data line is always caught', () => {
  const base = makeSyntheticCsv(4);
  fc.assert(
    fc.property(fc.integer({min: 1, max: 4}), line => {
      const r = validateHardwareCsv(mutate(base, [{kind: 'duplicate-line', line}]));
      assert.equal(r.valid, false);
      assert.ok(r.errors.some(e => e.message.startsWith('duplicate hostname')));
    }),
  );
});
