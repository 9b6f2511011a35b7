// The ? overlay, generated from the same key tables as the footer.
import React from 'react';
import {Box, Text} from 'ink';
import {keyLabel, type KeyBinding} from './keys.js';
import {useTheme} from './theme.js';

export function HelpOverlay({
  title,
  purpose,
  bindings,
  width,
  height,
}: {
  title: string;
  purpose: readonly string[];
  bindings: readonly KeyBinding[];
  width: number;
  height: number;
}) {
  const theme = useTheme();
  const keyWidth = Math.min(16, Math.max(...bindings.map(b => keyLabel(b.keys).length)) + 2);
  const lines = Math.max(0, height - 4 - purpose.length);
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="round"
      borderColor={theme.color('accent')}
      paddingX={1}
    >
      <Text bold>{`Help: ${title}`}</Text>
      {purpose.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
      {bindings.slice(0, lines).map(b => (
        <Box key={b.id}>
          <Box width={keyWidth} flexShrink={0}>
            <Text color={theme.color('accent')}>{keyLabel(b.keys)}</Text>
          </Box>
          <Text wrap="truncate-end">{b.help}</Text>
        </Box>
      ))}
    </Box>
  );
}
