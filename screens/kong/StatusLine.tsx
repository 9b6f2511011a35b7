// The last line(s) of a Kong screen: what is happening or what to press. A failure gets more than one
// line so that its fix is readable; everything else is cut to one line.
import React from 'react';
import {Box, Text} from 'ink';
import {cut} from '../cluster/autoplay.js';

export function StatusLine({text, color, lines, width}: {text: string; color?: string; lines: number; width: number}) {
  return (
    <Box height={lines} overflow="hidden">
      <Text color={color} wrap={lines > 1 ? 'wrap' : 'truncate-end'}>
        {lines > 1 ? text : cut(text, width)}
      </Text>
    </Box>
  );
}
