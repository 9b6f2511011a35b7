// The topology picture, with the tunnel marks coloured by state.
import React from 'react';
import {Box, Text} from 'ink';
import {useTheme} from '../../source/ui/theme.js';
import {topologyLines, type TopologyModel} from './tunnel-picture.js';

export function Topology({model, width}: {model: TopologyModel; width: number}) {
  const theme = useTheme();
  const lines = topologyLines(model, width);
  const paint = (line: string, i: number) => {
    const mark = i === 1 ? model.cluster : i === 2 ? model.telemetry : undefined;
    const at = mark ? line.indexOf(` ${mark} `) : -1;
    if (!mark || at < 0)
      return (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      );
    const color = mark === '✔' ? theme.color('ok') : mark === '✖' ? theme.color('error') : theme.color('running');
    return (
      <Text key={i} wrap="truncate-end">
        {line.slice(0, at + 1)}
        <Text color={color} bold>
          {mark}
        </Text>
        {line.slice(at + 2)}
      </Text>
    );
  };
  return <Box flexDirection="column">{lines.map(paint)}</Box>;
}
