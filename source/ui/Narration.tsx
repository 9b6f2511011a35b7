// The guided demo's narrator: a framed box of word-wrapped text below the step's screen. It never
// grows past its height (the text is cut with "…"), so the app still fits 80x24.
import React from 'react';
import {Box, Text} from 'ink';
import {wrapNarration} from '../demo/narration.js';
import {useTheme} from './theme.js';

export interface NarrationProps {
  text: string;
  width: number;
  /** Rows including the frame; below 3 nothing is drawn. */
  height: number;
}

/** Rows to give the narrator for a terminal of this many rows (0 = none: the screen needs them). */
const LABEL = 'Narrator: ';

export function narrationHeight(rows: number): number {
  if (rows >= 30) return 6;
  if (rows >= 22) return 5;
  if (rows >= 17) return 3;
  return 0;
}

export function Narration({text, width, height}: NarrationProps) {
  const theme = useTheme();
  if (height < 3 || width < 12) return null;
  const lines = wrapNarration(`${LABEL}${text}`, width - 4, height - 2);
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="round"
      borderColor={theme.color('demo')}
      paddingX={1}
      overflow="hidden"
    >
      {lines.map((line, i) =>
        i === 0 && line.startsWith(LABEL) ? (
          <Text key={i} wrap="truncate-end">
            <Text bold color={theme.color('demo')}>
              {LABEL}
            </Text>
            {line.slice(LABEL.length)}
          </Text>
        ) : (
          <Text key={i} wrap="truncate-end">
            {line}
          </Text>
        ),
      )}
    </Box>
  );
}
