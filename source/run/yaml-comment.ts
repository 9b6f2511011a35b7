// Comment lines for a generated YAML file. js-yaml cannot emit comments, so they are built here, and
// nothing in them can end the comment: every line break starts another "# " line and every other
// control character is shown escaped, so a value cannot add a key or a document to the file.

const CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/;

/** "# " before each line of `lines`, ending with a newline; empty input gives "". */
export function yamlComment(lines: readonly string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    for (const part of line.split(LINE_BREAK)) {
      const safe = part.replace(CONTROL, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
      out.push(safe === '' ? '#' : `# ${safe}`);
    }
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
