// A one-line text field driven by the key dispatcher (prompt scope): while it has focus every key is
// its own, so ?, q or Esc never reach the screen or the shell behind it. A paste arrives as keys one by
// one: a paste that ends in a newline ("lab1\r" in one read) submits instead of putting the newline into
// the value, and control characters (which would move the terminal's cursor when drawn) never get in.
import React, {useState} from 'react';
import {Text} from 'ink';
import {useKeys} from './KeyDispatcher.js';
import type {KeyAction, Keypress} from './keymap.js';

export interface TextFieldProps {
  value: string;
  onChange(value: string): void;
  onSubmit?(value: string): void;
  /** Esc: leave the field without keeping what was typed (the screen restores the old value). */
  onCancel?(): void;
  mask?: string;
  placeholder?: string;
  focus?: boolean;
  /** Characters kept while typing; more is cut off as it arrives. */
  maxLength?: number;
}

// C0 controls, DEL and C1 controls, except that \r and \n are handled as Enter.
const CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;

// Whole CSI sequences (7- and 8-bit) and OSC/DCS/APC strings: a pasted "\e[31m" must not leave "[31m".
const SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?/g;

/** No field takes more than this unless it says so: a 10 KB paste is a mistake, not a value. */
export const DEFAULT_MAX_LENGTH = 1024;

/** A value as typed or pasted: whole escape sequences dropped (not just their ESC), controls dropped, capped. */
export function cleanTyped(raw: string, maxLength = DEFAULT_MAX_LENGTH): {value: string; submitted: boolean} {
  const submitted = /[\r\n]/.test(raw);
  const value = raw
    .replace(SEQUENCE, '')
    .replace(/[\r\n]/g, '')
    .replace(CONTROL, '');
  return {value: Array.from(value).slice(0, maxLength).join(''), submitted};
}

const PASSED = new Set(['Up', 'Down', 'Tab', 'Shift-Tab', 'Enter', 'Esc', 'PgUp', 'PgDn']);

/** For fields that append keys by hand: the typed input cleaned, added, and the result capped. */
export function appendTyped(current: string, input: string, maxLength = DEFAULT_MAX_LENGTH): string {
  return cleanTyped(current + input, maxLength).value;
}

export function TextField({
  value,
  onChange,
  onSubmit,
  onCancel,
  mask,
  placeholder,
  focus = true,
  maxLength = DEFAULT_MAX_LENGTH,
}: TextFieldProps) {
  // The cursor counts from the end, so a value changed from outside keeps it in range.
  const [fromEnd, setFromEnd] = useState(0);
  const cursor = Math.max(0, value.length - fromEnd);
  const edit = (next: string, nextCursor: number) => {
    setFromEnd(next.length - nextCursor);
    onChange(next);
  };
  const actions: KeyAction[] = [
    {
      id: 'field-keep',
      keys: ['Enter'],
      label: 'keep',
      help: 'Keep what is typed.',
      run: () => onSubmit?.(cleanTyped(value, maxLength).value),
    },
    ...(onCancel
      ? [
          {
            id: 'field-cancel',
            keys: ['Esc'],
            label: 'cancel',
            help: 'Leave the field; the value is not changed.',
            run: () => onCancel(),
          },
        ]
      : []),
    {
      id: 'field-left',
      keys: ['Left'],
      label: 'move',
      help: 'Move the cursor in the field.',
      footer: false,
      run: () => setFromEnd(Math.min(value.length, fromEnd + 1)),
    },
    {
      id: 'field-right',
      keys: ['Right'],
      label: 'move',
      help: 'Move the cursor in the field.',
      footer: false,
      run: () => setFromEnd(Math.max(0, fromEnd - 1)),
    },
    {
      id: 'field-home',
      keys: ['Home'],
      label: 'start',
      help: 'Cursor to the start.',
      footer: false,
      run: () => setFromEnd(value.length),
    },
    {id: 'field-end', keys: ['End'], label: 'end', help: 'Cursor to the end.', footer: false, run: () => setFromEnd(0)},
    {
      id: 'field-erase',
      keys: ['Backspace'],
      label: 'erase',
      help: 'Erase the character before the cursor.',
      footer: false,
      run: () => {
        if (cursor > 0) edit(value.slice(0, cursor - 1) + value.slice(cursor), cursor - 1);
      },
    },
  ];
  // Every other key that types goes into the value, so ?, q or s never reach the screen; keys a one-line
  // field has no use for (Up, Down, Tab, and Enter or Esc when the field has no use for them) go on to
  // the form around it.
  const type = (press: Keypress) => {
    if (PASSED.has(press.name) || press.name.startsWith('Ctrl-')) return false;
    // Whole escape sequences and controls are dropped, and the value stops growing at maxLength.
    const room = Math.max(0, maxLength - Array.from(value).length);
    const ch = Array.from(cleanTyped(press.text, maxLength).value).slice(0, room).join('');
    if (ch) edit(value.slice(0, cursor) + ch + value.slice(cursor), cursor + ch.length);
    return true;
  };
  useKeys('prompt', onSubmit ? actions : actions.filter(a => a.id !== 'field-keep'), {isActive: focus, rest: type});

  const shown = mask ? mask.repeat(value.length) : value;
  if (!focus) return <Text>{shown || (placeholder ? <Text dimColor>{placeholder}</Text> : '')}</Text>;
  if (!shown && placeholder) {
    return (
      <Text>
        <Text inverse>{placeholder[0]}</Text>
        <Text dimColor>{placeholder.slice(1)}</Text>
      </Text>
    );
  }
  return (
    <Text>
      {shown.slice(0, cursor)}
      <Text inverse>{shown[cursor] ?? ' '}</Text>
      {shown.slice(cursor + 1)}
    </Text>
  );
}
