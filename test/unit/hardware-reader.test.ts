// The CSV reader follows Go's encoding/csv defaults, and remembers the line of every field.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {countLines, readCsvRecords} from '../../source/hardware/csv-reader.js';

const fields = (text: string) => readCsvRecords(text).records.map(r => r.fields);

test('plain records, with or without a final newline', () => {
  assert.deepEqual(fields('a,b\nc,d\n'), [
    ['a', 'b'],
    ['c', 'd'],
  ]);
  assert.deepEqual(fields('a,b\nc,d'), [
    ['a', 'b'],
    ['c', 'd'],
  ]);
  assert.deepEqual(fields('a,\n,'), [
    ['a', ''],
    ['', ''],
  ]);
});

test('CRLF ends lines; a lone CR is data; a CR right before EOF is dropped', () => {
  assert.deepEqual(fields('a,b\r\nc,d\r\n'), [
    ['a', 'b'],
    ['c', 'd'],
  ]);
  assert.deepEqual(fields('a\rb,c\n'), [['a\rb', 'c']]);
  assert.deepEqual(fields('a,b\r'), [['a', 'b']]);
});

test('blank lines are skipped; a line of spaces is a record', () => {
  const r = readCsvRecords('\n\na\n\r\n\nb\n  \n');
  assert.deepEqual(
    r.records.map(x => [x.line, x.fields]),
    [
      [3, ['a']],
      [6, ['b']],
      [7, ['  ']],
    ],
  );
});

test('quoted fields: commas, doubled quotes, newlines (CRLF inside becomes LF)', () => {
  assert.deepEqual(fields('"a,b","c""d",""\n'), [['a,b', 'c"d', '']]);
  assert.deepEqual(fields('"a\r\nb",c\n'), [['a\nb', 'c']]);
});

test('field lines follow multi-line quoted fields', () => {
  const r = readCsvRecords('h1,h2,h3\n"x\ny\nz",b,c\nd,e,f\n');
  assert.deepEqual(
    r.records.map(x => [x.line, x.fieldLines]),
    [
      [1, [1, 1, 1]],
      [2, [2, 4, 4]],
      [5, [5, 5, 5]],
    ],
  );
});

test('a quote inside an unquoted field is a bare-quote error at its line and field', () => {
  const r = readCsvRecords('a,b\nc,d"e\n');
  // column: Go's csv.ParseError column, 1-based in bytes.
  assert.deepEqual(r.error, {line: 2, field: 1, kind: 'bare-quote', column: 4, recordLine: 2});
  assert.deepEqual(
    r.records.map(x => x.fields),
    [['a', 'b']],
  );
  assert.equal(readCsvRecords(' "a",b\n').error?.kind, 'bare-quote');
});

test('text after a closing quote, and an unclosed quote, are quote errors', () => {
  assert.deepEqual(readCsvRecords('"a"b,c\n').error, {line: 1, field: 0, kind: 'quote', column: 3, recordLine: 1});
  assert.deepEqual(readCsvRecords('x,"a\nb\n').error, {line: 2, field: 1, kind: 'quote', column: 3, recordLine: 1});
  assert.deepEqual(readCsvRecords('x,"').error, {line: 1, field: 1, kind: 'quote', column: 4, recordLine: 1});
  assert.deepEqual(readCsvRecords('é,"é"x\n').error, {line: 1, field: 1, kind: 'quote', column: 7, recordLine: 1});
});

test('countLines counts a last line without newline, not an empty one after it', () => {
  assert.equal(countLines(''), 0);
  assert.equal(countLines('a'), 1);
  assert.equal(countLines('a\n'), 1);
  assert.equal(countLines('a\n\nb'), 3);
});
