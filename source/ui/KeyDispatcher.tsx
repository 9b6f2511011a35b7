// The one stdin reader for keys. Every screen, pane, prompt and dialog declares its keys with useKeys;
// the provider splits each read into keys and offers them, one at a time and in order, down the chain of
// scopes (see keymap.ts). Between two keys of one read React commits, so the second key meets the
// screen the first one left (a prompt the first key opened takes the second).
import React, {
  createContext,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import {useInput} from 'ink';
import {
  dispatchKey,
  splitRead,
  visibleBindings,
  type KeyAction,
  type KeyScope,
  type Keypress,
  type Registration,
} from './keymap.js';
import type {KeyBinding} from './keys.js';
import {TerminalFitsContext} from './FitsTerminal.js';

class KeyRegistry {
  #regs = new Set<Registration>();
  #order = 0;
  #listeners = new Set<() => void>();
  #signature = '';
  #version = 0;
  #queue: Keypress[] = [];
  #draining = false;

  add(reg: Omit<Registration, 'order'>): Registration {
    const r: Registration = Object.assign(reg, {order: ++this.#order});
    this.#regs.add(r);
    this.changed();
    return r;
  }

  remove(r: Registration): void {
    this.#regs.delete(r);
    this.changed();
  }

  /** Called when a registration's actions may have changed: only a visible change redraws the footer. */
  changed(): void {
    const sig = JSON.stringify(visibleBindings(this.#regs, {footer: false}).map(b => [b.id, b.keys, b.label]));
    if (sig === this.#signature) return;
    this.#signature = sig;
    this.#version++;
    for (const l of this.#listeners) l();
  }

  subscribe = (l: () => void) => {
    this.#listeners.add(l);
    return () => void this.#listeners.delete(l);
  };

  version = () => this.#version;

  bindings(footer: boolean): KeyBinding[] {
    return visibleBindings(this.#regs, {footer});
  }

  /** Set by the provider: asks React for a commit, after which next() offers the following key. */
  kick: () => void = () => undefined;

  /** The first key acts now; each following one after React has committed what the one before did. */
  feed(keys: Keypress[]): void {
    this.#queue.push(...keys);
    if (this.#draining) return;
    this.next();
  }

  next(): void {
    const press = this.#queue.shift();
    if (!press) {
      this.#draining = false;
      return;
    }
    this.#draining = true;
    dispatchKey([...this.#regs], press);
    this.kick();
  }

  /** Dispatches one key now (tests and the dispatcher itself). */
  dispatch(press: Keypress): boolean {
    return dispatchKey([...this.#regs], press);
  }
}

const KeyContext = createContext<KeyRegistry | null>(null);

export function KeyProvider({children}: {children: React.ReactNode}) {
  const registry = useMemo(() => new KeyRegistry(), []);
  // Each key bumps this; the effect below runs once React has committed what the key did (children's
  // effects, and so their newest handlers, come first), and offers the next key of the same read.
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    registry.kick = () => setTurn(t => t + 1);
  }, [registry]);
  useEffect(() => {
    if (turn > 0) registry.next();
  }, [registry, turn]);
  // A terminal too small to show the screen passes on Ctrl-C only (see FitsTerminal).
  const fits = useContext(TerminalFitsContext);
  useInput((input, key) => registry.feed(splitRead(input, key).filter(press => fits || press.name === 'Ctrl-C')));
  return <KeyContext.Provider value={registry}>{children}</KeyContext.Provider>;
}

function useRegistry(): KeyRegistry {
  const r = useContext(KeyContext);
  if (!r) throw new Error('useKeys needs a <KeyProvider> above it');
  return r;
}

export interface UseKeysOptions {
  /** false: the handler is off (its keys leave the footer too). */
  isActive?: boolean;
  modal?: boolean;
  /** Before the others of the scope, whenever registered. */
  first?: boolean;
  rest?: (press: Keypress) => boolean;
}

/**
 * Declares the keys a component takes in a scope. The actions are read at the time a key arrives, so
 * handlers always see the latest render; registration happens in a layout effect, before the next key.
 */
export function useKeys(scope: KeyScope, actions: readonly KeyAction[], options: UseKeysOptions = {}): void {
  const registry = useRegistry();
  const {isActive = true, modal = false, first = false} = options;
  const reg = useRef<Registration | null>(null);
  const rest = options.rest;

  // Every render hands the registration its newest handlers (and the footer its newest labels).
  useLayoutEffect(() => {
    const r = reg.current;
    if (!r) return;
    r.actions = actions;
    if (rest) r.rest = rest;
    else delete r.rest;
    registry.changed();
  });

  useLayoutEffect(() => {
    if (!isActive) return undefined;
    const r = registry.add({scope, modal, first, actions, ...(rest ? {rest} : {})});
    reg.current = r;
    return () => {
      reg.current = null;
      registry.remove(r);
    };
    // actions and rest are refreshed by the effect above on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [registry, scope, modal, first, isActive]);
}

/** The keys that act now, for the footer (footer: true) or the help overlay. */
export function useKeyBindings(footer: boolean): KeyBinding[] {
  const registry = useRegistry();
  const version = useSyncExternalStore(registry.subscribe, registry.version);
  // version is the registry's change counter: the bindings are recomputed when it moves.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => registry.bindings(footer), [registry, footer, version]);
}
