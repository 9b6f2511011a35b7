// The done screen: what now exists, where the files and logs are, and what to do next. Opening it
// finishes the session; it stays on screen (autoplay stops here).
import React, {useEffect} from 'react';
import {Box, Text} from 'ink';
import type {ScreenProps} from './types.js';
import {useTheme} from '../source/ui/theme.js';
import {cut, wrapWhole} from './cluster/autoplay.js';
import {doneSections} from '../source/steps/done/step.js';
import {isExistingClusterFlow} from '../source/lifecycle/existing-cluster-flow.js';

export function Done({ctx, session, width, height}: ScreenProps) {
  const theme = useTheme();
  const record = session.steps.done;

  // Reaching this screen is the end of the flow: record it once.
  useEffect(() => {
    if (ctx.session.steps.done.state === 'done') return;
    const at = new Date().toISOString();
    ctx.dispatch({type: 'step-started', step: 'done', at});
    ctx.dispatch({type: 'step-finished', step: 'done', at, summary: 'finished'});
  }, [ctx]);

  const s = doneSections(session, ctx.ports.sessionDir);
  const sections: Array<{title: string; lines: string[]; color?: string}> = [
    {title: 'What now exists', lines: s.exists, color: theme.color('ok')},
    {title: 'Files', lines: s.files},
    {title: 'Next', lines: s.next, color: theme.color('accent')},
  ];
  // Every line is wrapped whole (an endpoint, a URL or a command must be copyable, never "…"). Fit: the
  // least useful lines go first (file paths are also in the session folder), the route and runbook
  // commands and the verified data plane last.
  const room = height - 1 - sections.length;
  const shown = sections.map(x => ({...x, lines: [...x.lines]}));
  const dropOrder = [
    'Kubeconfig',
    'Secret manifests',
    'Data-plane values',
    'Cluster spec',
    'hardware.csv',
    'Session folder',
    'kubectl',
    'Nodes',
    'Control plane',
    'Cluster ',
    'Logs',
    'Verified',
    'Data plane',
    'eksa-kong runbook',
    'curl',
  ];
  const rowsOf = (l: string) => wrapWhole(`  ${l}`, width).length;
  const total = () => shown.reduce((n, x) => n + x.lines.reduce((m, l) => m + rowsOf(l), 0), 0);
  for (const prefix of dropOrder) {
    if (total() <= room) break;
    for (const x of shown) x.lines = x.lines.filter(l => !l.startsWith(prefix));
  }
  return (
    <Box flexDirection="column">
      <Text bold color={theme.color('ok')}>
        {cut(
          record.state !== 'done'
            ? 'Done'
            : isExistingClusterFlow(session.answers)
              ? '✔ Done: a connected Kong data plane on the existing cluster'
              : '✔ Done: bare metal to a connected Kong data plane',
          width,
        )}
      </Text>
      {shown.map(section => (
        <Box key={section.title} flexDirection="column">
          <Text bold>{cut(section.title, width)}</Text>
          {section.lines.flatMap((l, i) =>
            wrapWhole(`  ${l}`, width).map((row, j) => (
              <Text key={`${i}.${j}`} color={section.color}>
                {row}
              </Text>
            )),
          )}
        </Box>
      ))}
    </Box>
  );
}
