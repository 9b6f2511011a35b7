// What a key binding says about itself. Handlers declare their keys as KeyActions (keymap.ts) and the
// footer and the help overlay are drawn from those same declarations, so they cannot drift apart.
export interface KeyBinding {
  id: string;
  keys: string[];
  label: string;
  /** Longer text for the help overlay. */
  help: string;
}

/** The shell's own keys (the quit dialog owns Ctrl-C; the shell takes Esc and ? when nothing inside does). */
export const GLOBAL_KEYS: KeyBinding[] = [
  {id: 'back', keys: ['Esc'], label: 'back', help: 'Go back one step; your answers are kept.'},
  {id: 'help', keys: ['?'], label: 'help', help: 'Show or hide this help.'},
  {
    id: 'quit',
    keys: ['Ctrl-C'],
    label: 'quit',
    help: 'Quit: asks first, stops running work, saves the session as interrupted (resume it later).',
  },
];

const GLYPH: Record<string, string> = {Up: '↑', Down: '↓', Left: '←', Right: '→'};

/** How keys are written for a reader: arrows as ↑↓←→ run together, the rest joined with '/'. */
export function keyLabel(keys: readonly string[]): string {
  let out = '';
  keys.forEach((k, i) => {
    const glyph = GLYPH[k];
    const prevArrow = i > 0 && GLYPH[keys[i - 1]!] !== undefined;
    out += (i > 0 && !(glyph && prevArrow) ? '/' : '') + (glyph ?? k);
  });
  return out;
}

/**
 * One footer line: "Enter continue · Esc back · ? help", cut to fit the width. When not every key
 * fits, the line ends with "? help" (which lists them all) instead of losing it off the edge.
 */
export function footerText(bindings: readonly KeyBinding[], width: number): string {
  const part = (b: KeyBinding) => `${keyLabel(b.keys)} ${b.label}`;
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
