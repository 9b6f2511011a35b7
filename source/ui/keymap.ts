// The key dispatcher's rules, without Ink: what a key is called, how one terminal read becomes keys,
// and which registered handler takes a key. Scopes are tried innermost first
// (dialog > prompt > pane > screen > shell); within a scope the handler registered last goes first; the
// first one that takes a key consumes it. The same registrations draw the footer and the help overlay.
import type {KeyBinding} from './keys.js';

export const SCOPES = ['dialog', 'prompt', 'pane', 'screen', 'shell'] as const;
export type KeyScope = (typeof SCOPES)[number];

/** The parts of Ink's Key that name a key. */
export interface KeyFlags {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** One key: its name as the key table spells it ('Enter', 'Esc', 'Up', 'Space', 'Ctrl-C', 'c'…) and the text it types. */
export interface Keypress {
  name: string;
  /** The printable character, or '' for a named key. */
  text: string;
}

export function keyName(input: string, key: KeyFlags): string {
  if (key.ctrl && input.length === 1) return `Ctrl-${input.toUpperCase()}`;
  if (key.upArrow) return 'Up';
  if (key.downArrow) return 'Down';
  if (key.leftArrow) return 'Left';
  if (key.rightArrow) return 'Right';
  if (key.pageUp) return 'PgUp';
  if (key.pageDown) return 'PgDn';
  if (key.home) return 'Home';
  if (key.end) return 'End';
  if (key.return) return 'Enter';
  if (key.escape) return 'Esc';
  if (key.tab) return key.shift ? 'Shift-Tab' : 'Tab';
  // Ink 6 reports the Backspace most terminals send (DEL) as delete.
  if (key.backspace || key.delete) return 'Backspace';
  if (input === ' ') return 'Space';
  return input;
}

/**
 * One read from the terminal as the keys it holds. Ink splits escape sequences off but hands a run of
 * plain characters over as one string ("` c`" for Space then c): each character is a key of its own,
 * and \r or \n inside a run is Enter.
 */
export function splitRead(input: string, key: KeyFlags): Keypress[] {
  const named = keyName(input, key);
  if (named !== input || input.length <= 1) {
    const text = named === 'Space' ? ' ' : named.length === 1 ? named : '';
    return [{name: named, text}];
  }
  const out: Keypress[] = [];
  for (const ch of Array.from(input)) {
    if (ch === '\r' || ch === '\n') out.push({name: 'Enter', text: ''});
    else if (ch === '\t') out.push({name: 'Tab', text: ''});
    else if (ch === '\u007f' || ch === '\b') out.push({name: 'Backspace', text: ''});
    else if (ch === ' ') out.push({name: 'Space', text: ' '});
    else if (ch.codePointAt(0)! < 0x20)
      continue; // other control characters are not keys a screen knows
    else out.push({name: ch, text: ch});
  }
  return out;
}

/** A key a handler takes: declared once, so the footer and the help overlay show exactly what acts. */
export interface KeyAction extends KeyBinding {
  /** Return false to pass the key on to the next handler. */
  run(press: Keypress): boolean | void;
  /** false: listed in the help overlay only (arrows, letters that need no reminder). */
  footer?: boolean;
}

export interface Registration {
  scope: KeyScope;
  /** Registration order: later ones go first within a scope. */
  order: number;
  actions: readonly KeyAction[];
  /** Keys no action declares: a text field types them; return true to consume. */
  rest?: (press: Keypress) => boolean;
  /** A modal handler swallows every key it does not take, and hides the keys of the scopes below. */
  modal?: boolean;
  /** Goes before others of its scope whatever their order (the quit dialog's Ctrl-C). */
  first?: boolean;
}

function rank(r: Registration): number {
  return SCOPES.indexOf(r.scope) * 1e12 - (r.first ? 1e9 : 0) - r.order;
}

/** The registrations in the order they are offered a key, cut after the first modal one. */
export function chain(registrations: Iterable<Registration>): Registration[] {
  const sorted = [...registrations].sort((a, b) => rank(a) - rank(b));
  const modal = sorted.findIndex(r => r.modal);
  return modal === -1 ? sorted : sorted.slice(0, modal + 1);
}

/** Offers one key down the chain; true when some handler took it. */
export function dispatchKey(registrations: Iterable<Registration>, press: Keypress): boolean {
  for (const r of chain(registrations)) {
    const action = r.actions.find(a => a.keys.includes(press.name));
    if (action && action.run(press) !== false) return true;
    if (r.rest?.(press)) return true;
    if (r.modal) return true;
  }
  return false;
}

/**
 * What the footer and help show: every reachable action, innermost first; a key shadowed by an inner
 * handler is listed once, under the handler that takes it.
 */
export function visibleBindings(registrations: Iterable<Registration>, {footer}: {footer: boolean}): KeyBinding[] {
  const seen = new Set<string>();
  const out: KeyBinding[] = [];
  const last: KeyBinding[] = [];
  for (const r of chain(registrations)) {
    // An always-on dialog key (Ctrl-C quit) is listed after the keys of the screen.
    const into = r.scope === 'dialog' && !r.modal ? last : out;
    for (const a of r.actions) {
      const fresh = a.keys.filter(k => !seen.has(k));
      a.keys.forEach(k => seen.add(k));
      if (fresh.length === 0 || (footer && a.footer === false)) continue;
      into.push({id: a.id, keys: fresh, label: a.label, help: a.help});
    }
  }
  return [...out, ...last];
}

/** Declared bindings that one handler serves (a screen's switch over press.name): a key acts only if declared. */
export function actionsFor(
  bindings: ReadonlyArray<KeyBinding & {footer?: boolean}>,
  handle: (press: Keypress) => boolean | void,
): KeyAction[] {
  return bindings.map(b => ({...b, run: handle}));
}

/** A key in the shape of Ink's (input, key) pair, for handlers written as a switch over key flags. */
export function inkKey(press: Keypress): {
  input: string;
  key: Required<
    Pick<
      KeyFlags,
      | 'upArrow'
      | 'downArrow'
      | 'leftArrow'
      | 'rightArrow'
      | 'pageUp'
      | 'pageDown'
      | 'home'
      | 'end'
      | 'return'
      | 'escape'
      | 'ctrl'
      | 'shift'
      | 'tab'
      | 'backspace'
      | 'delete'
      | 'meta'
    >
  >;
} {
  const n = press.name;
  const ctrl = n.startsWith('Ctrl-');
  return {
    input: ctrl ? n.slice(5).toLowerCase() : press.text,
    key: {
      upArrow: n === 'Up',
      downArrow: n === 'Down',
      leftArrow: n === 'Left',
      rightArrow: n === 'Right',
      pageUp: n === 'PgUp',
      pageDown: n === 'PgDn',
      home: n === 'Home',
      end: n === 'End',
      return: n === 'Enter',
      escape: n === 'Esc',
      ctrl,
      shift: n === 'Shift-Tab',
      tab: n === 'Tab' || n === 'Shift-Tab',
      backspace: n === 'Backspace',
      delete: false,
      meta: false,
    },
  };
}
