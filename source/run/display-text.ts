// Turns one decoded output line into something safe to draw in a pane: no escape sequences, no
// control characters (they would move Ink's cursor), tabs expanded so widths add up.

// CSI, OSC (to BEL/ST or end of line), DCS/SOS/PM/APC strings, other two-byte escapes, 8-bit CSI.
const ANSI =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[ -/]*[0-~]|\u009b[0-?]*[ -/]*[@-~]/g;
const NEEDS_CLEANING = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const TAB_WIDTH = 8;

export function cleanForDisplay(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text;
  let out = text.replace(ANSI, '').replace(CONTROL, '');
  if (out.includes('\t')) out = expandTabs(out);
  return out;
}

function expandTabs(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '\t') out += ' '.repeat(TAB_WIDTH - (out.length % TAB_WIDTH));
    else out += ch;
  }
  return out;
}

/**
 * A message that may hold user values, made safe for a terminal: control characters (ESC, BEL, CR,
 * newline...) shown as \xNN escapes instead of acting on the terminal. For one-line messages.
 */
export function escapeControls(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** escapeControls for a text of several lines: each line escaped, the line breaks kept. */
export function escapeControlsByLine(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}
