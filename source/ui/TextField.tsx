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
}

// C0 controls and DEL, except that \r and \n are handled as Enter.
const CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g;

export function cleanTyped(raw: string): {value: string; submitted: boolean} {
  const submitted = /[\r\n]/.test(raw);
  return {value: raw.replace(/[\r\n]/g, '').replace(CONTROL, ''), submitted};
}

export function TextField({value, onChange, onSubmit, mask, placeholder, focus = true}: TextFieldProps) {
  const change = (raw: string) => {
    const {value: clean, submitted} = cleanTyped(raw);
    onChange(clean);
    if (submitted) onSubmit?.(clean);
  };
  return (
    <TextInput
      value={value}
      onChange={change}
      {...(onSubmit ? {onSubmit: (v: string) => onSubmit(cleanTyped(v).value)} : {})}
      {...(mask ? {mask} : {})}
      {...(placeholder ? {placeholder} : {})}
      focus={focus}
    />
  );
}
