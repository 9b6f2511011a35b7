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

/**
 * One footer line: "Enter continue · Esc back · ? help", cut to fit the width. When not every key
 * fits, the line ends with "? help" (which lists them all) instead of losing it off the edge.
 */
export function footerText(bindings: readonly KeyBinding[], width: number): string {
  const part = (b: KeyBinding) => `${b.keys.join('/')} ${b.label}`;
  const all = bindings.map(part).join(' · ');
  if (all.length <= width) return all;
  const help = bindings.find(b => b.id === 'help');
  const tail = help ? ` · ${part(help)}` : '';
  let out = '';
  for (const b of bindings) {
    if (b === help) continue;
    const candidate = out ? `${out} · ${part(b)}` : part(b);
    if (candidate.length + tail.length > width) break;
    out = candidate;
  }
  return out ? out + tail : tail.slice(3);
}
