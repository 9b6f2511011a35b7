// ink-text-input with two fixes every form needs: a paste that ends in a newline ("lab1\r" arriving in
// one read) submits instead of putting the newline into the value, and control characters (which
// would move the terminal's cursor when the value is drawn) never reach the value.
import React from 'react';
import TextInput from 'ink-text-input';

export interface TextFieldProps {
  value: string;
  onChange(value: string): void;
  onSubmit?(value: string): void;
  mask?: string;
  placeholder?: string;
  focus?: boolean;
  /** Characters kept while typing; more is cut off as it arrives. */
  maxLength?: number;
}

// C0 controls, DEL and C1 controls, except that \r and \n are handled as Enter.
const CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;

// Whole CSI sequences (7- and 8-bit) and OSC/DCS/APC strings: a pasted "\e[31m" must not leave "[31m".
const SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?/g;

/** No field takes more than this unless it says so: a 10 KB paste is a mistake, not a value. */
export const DEFAULT_MAX_LENGTH = 1024;

/** A value as typed or pasted: whole escape sequences dropped (not just their ESC), controls dropped, capped. */
export function cleanTyped(raw: string, maxLength = DEFAULT_MAX_LENGTH): {value: string; submitted: boolean} {
  const submitted = /[\r\n]/.test(raw);
  const value = raw.replace(SEQUENCE, '').replace(/[\r\n]/g, '').replace(CONTROL, '');
  return {value: Array.from(value).slice(0, maxLength).join(''), submitted};
}

/** For fields that append keys by hand: the typed input cleaned, added, and the result capped. */
export function appendTyped(current: string, input: string, maxLength = DEFAULT_MAX_LENGTH): string {
  return cleanTyped(current + input, maxLength).value;
}

export function TextField({value, onChange, onSubmit, mask, placeholder, focus = true, maxLength = DEFAULT_MAX_LENGTH}: TextFieldProps) {
  const change = (raw: string) => {
    const {value: clean, submitted} = cleanTyped(raw, maxLength);
    onChange(clean);
    if (submitted) onSubmit?.(clean);
  };
  return (
    <TextInput
      value={value}
      onChange={change}
      {...(onSubmit ? {onSubmit: (v: string) => onSubmit(cleanTyped(v, maxLength).value)} : {})}
      {...(mask ? {mask} : {})}
      {...(placeholder ? {placeholder} : {})}
      focus={focus}
    />
  );
}
