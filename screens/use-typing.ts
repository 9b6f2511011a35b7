// While a screen has a text field open, the shell must not read its keys as shortcuts (q, ?, Esc).
import {useEffect} from 'react';
import type {ScreenProps} from './types.js';

/** Typing while `typing` holds; stops when the screen goes away, so the shell's keys come back. */
export function useTyping(typing: boolean, setTyping: ScreenProps['setTyping']): void {
  useEffect(() => setTyping(typing), [typing, setTyping]);
  useEffect(() => () => setTyping(false), [setTyping]);
}
