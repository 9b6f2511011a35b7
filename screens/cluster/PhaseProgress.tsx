// The create's phase bar: a bar of the six phases with the current one and its activity, then each
// phase with its time when there is room, else the times on one line.
import React, {useEffect, useMemo, useState} from 'react';
import {Box, Text} from 'ink';
import type {PhaseProgress as Phase, ProgressState} from '../../source/cluster/progress.js';
import {formatDuration} from '../../source/run/format.js';
import {useTheme} from '../../source/ui/theme.js';
import {cut} from './autoplay.js';

const MARK: Record<Phase['state'], string> = {pending: '·', running: '▶', done: '✔', failed: '✘'};

export function progressBar(state: ProgressState, width: number): string {
  const done = state.phases.filter(p => p.state === 'done').length;
  const cells = Math.max(6, Math.min(30, width - 20));
  const filled = Math.round((cells * done) / state.total);
  return `[${'■'.repeat(filled)}${'□'.repeat(cells - filled)}] ${done}/${state.total}`;
}

/** How many lines PhaseProgress takes for this height budget. */
export function phaseRows(state: ProgressState | null, room: number): number {
  if (!state) return 1;
  return room >= state.total + 2 ? state.total + 2 : 3;
}

/** The clock, ticking once a second while `active`: a running phase's time grows between output lines. */
function useTickingNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function PhaseProgress({state, width, room}: {state: ProgressState | null; width: number; room: number}) {
  const theme = useTheme();
  const running = state?.phases.some(p => p.state === 'running') ?? false;
  const now = useTickingNow(running);
  // The state's times were taken when its last line arrived; a running phase keeps counting from there.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- state is the trigger: a new state stamps a new time
  const receivedAt = useMemo(() => Date.now(), [state]);
  if (!state) return <Text color={theme.color('muted')}>Starting eksctl…</Text>;
  const current = state.phases[state.phaseIndex];
  const time = (p: Phase) => {
    if (p.durationMs === undefined) return '';
    return formatDuration(p.state === 'running' ? p.durationMs + Math.max(0, now - receivedAt) : p.durationMs);
  };
  const color = (p: Phase) =>
    p.state === 'done'
      ? theme.color('ok')
      : p.state === 'failed'
        ? theme.color('error')
        : p.state === 'running'
          ? theme.color('running')
          : theme.color('muted');
  const head = `${progressBar(state, width)} ${current ? `${current.title} ${time(current)}` : 'starting'}`;
  const activity = state.activity
    ? `  now: ${state.activity}`
    : state.outcome === 'succeeded'
      ? '  🎉 Cluster created!'
      : '  ';
  if (phaseRows(state, room) === 3) {
    const times = state.phases
      .filter(p => p.state !== 'pending')
      .map(p => `${MARK[p.state]} ${p.title.split(' ')[0]} ${time(p)}`)
      .join(' · ');
    return (
      <Box flexDirection="column">
        <Text bold wrap="truncate-end">
          {cut(head, width)}
        </Text>
        <Text color={theme.color('muted')} wrap="truncate-end">
          {cut(activity, width)}
        </Text>
        <Text wrap="truncate-end">{cut(times || ' ', width)}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {cut(head, width)}
      </Text>
      {state.phases.map((p, i) => (
        <Text key={i} color={color(p)} wrap="truncate-end">
          {cut(`${MARK[p.state]} ${p.title.padEnd(40)} ${time(p)}`, width)}
        </Text>
      ))}
      <Text color={theme.color('muted')} wrap="truncate-end">
        {cut(activity, width)}
      </Text>
    </Box>
  );
}
