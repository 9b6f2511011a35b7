// One labelled value of a form: shown (masked for passwords), or edited in place with a text input.
// The error of the value is shown on the same line, so a wrong value stays visible with its reason.
import React from 'react';
import {Box, Text} from 'ink';
import {TextField} from '../../source/ui/TextField.js';
import {useTheme} from '../../source/ui/theme.js';

export interface FieldRowProps {
  label: string;
  value: string;
  labelWidth: number;
  width: number;
  focused: boolean;
  editing?: boolean;
  /** Passwords: every character shown as *. */
  mask?: boolean;
  error?: string | null;
  /** Text after the value when not editing (e.g. a checkbox hint). */
  hint?: string;
  placeholder?: string;
  onChange?(value: string): void;
  onSubmit?(value: string): void;
}

export function FieldRow({
  label,
  value,
  labelWidth,
  width,
  focused,
  editing,
  mask,
  error,
  hint,
  placeholder,
  onChange,
  onSubmit,
}: FieldRowProps) {
  const theme = useTheme();
  const head = `${focused ? '›' : ' '} ${label.padEnd(labelWidth)} `;
  const room = Math.max(4, width - head.length);
  if (editing && onChange) {
    return (
      <Box width={width} height={1} overflow="hidden">
        <Text bold>{head}</Text>
        {/* One line, like every other row: a long value is clipped rather than pushing the form down. */}
        <Box width={room} height={1} overflow="hidden">
          <TextField
            value={value}
            onChange={onChange}
            {...(onSubmit ? {onSubmit} : {})}
            {...(mask ? {mask: '*'} : {})}
            focus
          />
        </Box>
      </Box>
    );
  }
  const shown = mask ? '*'.repeat(Math.min(value.length, 12)) : value;
  const body = shown === '' ? (placeholder ?? '') : shown;
  const tail = error ? `  ✖ ${error}` : hint ? `  ${hint}` : '';
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        <Text
          bold={focused}
          inverse={focused && !theme.color('accent')}
          color={focused ? theme.color('accent') : undefined}
        >
          {head}
        </Text>
        <Text color={shown === '' ? theme.color('muted') : undefined}>{body.slice(0, room)}</Text>
        <Text color={error ? theme.color('error') : theme.color('muted')}>{tail}</Text>
      </Text>
    </Box>
  );
}
