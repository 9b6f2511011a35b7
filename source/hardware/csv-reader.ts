// Reads CSV records the way Go's encoding/csv does with its defaults (which EKS Anywhere uses), and
// remembers the file line of every field. csv-parse differs in details that change what EKS Anywhere
// accepts (a lone \r is data in Go, CRLF inside quotes becomes \n, any " in an unquoted field is an
// error), so this small reader follows Go's algorithm instead.

export interface CsvRecord {
  /** Line where the record starts (1-based). */
  line: number;
  fields: string[];
  /** Line where each field starts; differs from `line` after a quoted field that spans lines. */
  fieldLines: number[];
}

export interface CsvSyntaxError {
  line: number;
  /** Index of the field the error is in (0-based). */
  field: number;
  kind: 'bare-quote' | 'quote';
  /** Where Go's csv.ParseError puts it: 1-based byte column on `line` (after CR LF became LF). */
  column: number;
  /** Line where the record holding the error starts (differs from `line` inside a multi-line quoted field). */
  recordLine: number;
}

export interface CsvReadResult {
  records: CsvRecord[];
  /** Reading stops at the first syntax error, as Go's does: what follows cannot be split reliably. */
  error?: CsvSyntaxError;
  /** Number of lines in the text (a final newline does not start another line). */
  lineCount: number;
}

export function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  if (text.length > 0 && !text.endsWith('\n')) n++;
  return n;
}

/** Go counts columns in bytes of UTF-8. */
const goColumn = (line: string, index: number) => Buffer.byteLength(line.slice(0, index)) + 1;

export function readCsvRecords(text: string): CsvReadResult {
  let pos = 0;
  let lineNo = 0;

  // One physical line including its "\n"; CRLF is normalised to "\n" and a "\r" right before EOF is dropped.
  const readLine = (): string | null => {
    if (pos >= text.length) return null;
    const nl = text.indexOf('\n', pos);
    let line: string;
    if (nl === -1) {
      line = text.slice(pos);
      pos = text.length;
      if (line.endsWith('\r')) line = line.slice(0, -1);
    } else {
      line = text.slice(pos, nl + 1);
      pos = nl + 1;
      if (line.endsWith('\r\n')) line = line.slice(0, -2) + '\n';
    }
    lineNo++;
    return line;
  };

  const records: CsvRecord[] = [];
  for (;;) {
    let line = readLine();
    // Blank lines are skipped between records.
    while (line !== null && (line === '\n' || line === '')) line = readLine();
    if (line === null) return {records, lineCount: countLines(text)};

    const recordLine = lineNo;
    const fields: string[] = [];
    const fieldLines: number[] = [];
    let p = 0; // read position inside `line`
    for (;;) {
      const fieldLine = lineNo;
      if (line[p] !== '"') {
        const comma = line.indexOf(',', p);
        const end = comma === -1 ? (line.endsWith('\n') ? line.length - 1 : line.length) : comma;
        const field = line.slice(p, end);
        if (field.includes('"')) {
          return {
            records,
            error: {
              line: lineNo,
              field: fields.length,
              kind: 'bare-quote',
              column: goColumn(line, p + field.indexOf('"')),
              recordLine,
            },
            lineCount: countLines(text),
          };
        }
        fields.push(field);
        fieldLines.push(fieldLine);
        if (comma === -1) break;
        p = comma + 1;
        continue;
      }
      // Quoted field: may span lines; "" is a quote; the closing quote must be followed by , or the line end.
      p++;
      let value = '';
      let closed = false;
      let next: 'field' | 'record' = 'record';
      while (!closed) {
        const q = line.indexOf('"', p);
        if (q !== -1) {
          value += line.slice(p, q);
          p = q + 1;
          const c = line[p];
          if (c === '"') {
            value += '"';
            p++;
          } else if (c === ',') {
            p++;
            closed = true;
            next = 'field';
          } else if (c === undefined || c === '\n') {
            closed = true;
            next = 'record';
          } else {
            // Go points at the closing quote that text follows.
            const error = {
              line: lineNo,
              field: fields.length,
              kind: 'quote' as const,
              column: goColumn(line, q),
              recordLine,
            };
            return {records, error, lineCount: countLines(text)};
          }
        } else if (p < line.length) {
          value += line.slice(p);
          const more = readLine();
          if (more === null) {
            // Go points just past the end of the last line read.
            const error = {
              line: lineNo,
              field: fields.length,
              kind: 'quote' as const,
              column: goColumn(line, line.length),
              recordLine,
            };
            return {records, error, lineCount: countLines(text)};
          }
          line = more;
          p = 0;
        } else {
          const error = {
            line: lineNo,
            field: fields.length,
            kind: 'quote' as const,
            column: goColumn(line, line.length),
            recordLine,
          };
          return {records, error, lineCount: countLines(text)};
        }
      }
      fields.push(value);
      fieldLines.push(fieldLine);
      if (next === 'record') break;
    }
    records.push({line: recordLine, fields, fieldLines});
  }
}
