import React from 'react';
import {Box, Text} from 'ink';
import {useTheme} from './theme.js';

export function QuitDialog({
  running,
  leaves = [],
  stopping,
  width,
}: {
  running: boolean;
  /** What stopping the running work leaves behind (a deploy's EKS cluster in AWS...), one line each. */
  leaves?: readonly string[];
  stopping: boolean;
  width: number;
}) {
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      borderStyle="double"
      borderColor={theme.color('warn')}
      paddingX={1}
      width={Math.min(width, 64)}
    >
      <Text bold>Quit eksa-kong?</Text>
      {running ? (
        <Text wrap="wrap">Work is running: it will be stopped and this step saved as interrupted.</Text>
      ) : (
        <Text wrap="wrap">The session is saved; resume it later where you stopped.</Text>
      )}
      {leaves.map(line => (
        <Text key={line} wrap="wrap" color={theme.color('warn')}>
          {line}
        </Text>
      ))}
      {stopping ? (
        <Text color={theme.color('warn')}>Stopping running work…</Text>
      ) : (
        <Text>
          <Text bold>y</Text> quit · <Text bold>n</Text>/Esc stay
        </Text>
      )}
    </Box>
  );
}
