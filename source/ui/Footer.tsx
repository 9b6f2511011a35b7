import React from 'react';
import {Text} from 'ink';
import {footerText, type KeyBinding} from './keys.js';
import {useTheme} from './theme.js';

export function Footer({bindings, width}: {bindings: readonly KeyBinding[]; width: number}) {
  const theme = useTheme();
  return (
    <Text color={theme.color('muted')} wrap="truncate-end">
      {footerText(bindings, width)}
    </Text>
  );
}
