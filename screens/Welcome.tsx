import React, {useEffect} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import type {ScreenProps} from './types.js';
import {useTheme} from '../source/ui/theme.js';

const STAGES = [
  'Discover the machines (PXE, Redfish, IPMI, neighbour table, or a CSV)',
  'Build and validate hardware.csv',
  'Generate the cluster spec and run eksctl anywhere create cluster',
  'Connect to the Kong control plane (cluster 8005, telemetry 8006)',
  'Deploy the data plane with Helm and prove it is connected',
];

export function Welcome({step, isActive, complete, autoplay, session}: ScreenProps) {
  const theme = useTheme();
  useKeys(
    'screen',
    [
      {
        id: 'confirm',
        keys: ['Enter'],
        label: 'begin',
        help: 'Start with the preflight checks.',
        run: () => complete({summary: 'started'}),
      },
    ],
    {isActive},
  );
  useEffect(() => {
    if (!autoplay) return;
    const t = setTimeout(() => complete({summary: 'started'}), 2500);
    return () => clearTimeout(t);
  }, [autoplay, complete]);
  return (
    <Box flexDirection="column">
      <Text bold color={theme.color('accent')}>
        Bare metal to a connected Kong data plane
      </Text>
      {step.purpose.map((line, i) => (
        <Text key={i} wrap="wrap">
          {line}
        </Text>
      ))}
      <Text> </Text>
      {STAGES.map((stage, i) => (
        <Text key={i} wrap="truncate-end">{`  ${i + 1}. ${stage}`}</Text>
      ))}
      <Text> </Text>
      <Text color={theme.color('muted')} wrap="truncate-end">
        {`Session files: sessions/${session.name}/ under the eksa-kong home.`}
      </Text>
      <Text>
        Press <Text bold>Enter</Text> to begin.
      </Text>
    </Box>
  );
}
