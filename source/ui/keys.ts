// The one key table. The footer and the help overlay are generated from it, so what the screen says
// and what the keys do cannot drift apart.
export interface KeyBinding {
  id: string;
  keys: string[];
  label: string;
  /** Longer text for the help overlay. */
  help: string;
}

export const GLOBAL_KEYS: KeyBinding[] = [
  {id: 'confirm', keys: ['Enter'], label: 'continue', help: 'Confirm the current choice or move to the next step.'},
  {id: 'back', keys: ['Esc'], label: 'back', help: 'Go back one step; your answers are kept.'},
  {id: 'help', keys: ['?'], label: 'help', help: 'Show or hide this help.'},
  {
    id: 'quit',
    keys: ['Ctrl-C'],
    label: 'quit',
    help: 'Quit: asks first, stops running work, saves the session as interrupted (resume it later).',
  },
];

/** One footer line: "Enter continue · Esc back · ? help", cut to fit the width. */
export function footerText(bindings: readonly KeyBinding[], width: number): string {
  const parts = bindings.map(b => `${b.keys.join('/')} ${b.label}`);
  let out = '';
  for (const part of parts) {
    const candidate = out ? `${out} · ${part}` : part;
    if (candidate.length > width) break;
    out = candidate;
  }
  return out;
}
