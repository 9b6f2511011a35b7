// Checks as one line each: a mark (a spinner and the waiting time while running or pending) and, for a
// warning or failure, its fix underneath. When the room is short, passed checks fold into one line.
import React, {useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import {useTheme} from '../../source/ui/theme.js';
import {formatDuration} from '../../source/run/format.js';
import {cut} from '../cluster/autoplay.js';
import type {CheckStatus} from '../../source/steps/control-plane/cp-step.js';

export interface CheckRow {
  id: string;
  status: CheckStatus;
  title: string;
  fix?: string;
  since?: number;
}

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK: Record<'ok' | 'warn' | 'fail', string> = {ok: '✔', warn: '!', fail: '✖'};

/** A frame counter that ticks while active (spinners, timers). */
export function useTicker(active: boolean, ms = 120): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    const t = setInterval(() => setN(x => x + 1), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return n;
}

type Line = {status: CheckStatus | 'fix'; text: string};

export function checkLines(checks: readonly CheckRow[], height: number, frame: number, now: number): Line[] {
  const line = (c: CheckRow): Line => {
    const busy = c.status === 'running' || c.status === 'pending';
    const mark = busy ? SPIN[frame % SPIN.length]! : MARK[c.status as 'ok' | 'warn' | 'fail'];
    // The timer goes first: a long title is cut at the width.
    const timer =
      c.status === 'pending' && c.since !== undefined ? `[${formatDuration(Math.max(0, now - c.since))}] ` : '';
    return {status: c.status, text: `${mark} ${timer}${c.title}`};
  };
  const withFix = (c: CheckRow): Line[] => [
    line(c),
    ...(c.fix && (c.status === 'fail' || c.status === 'warn' || c.status === 'pending')
      ? [{status: 'fix' as const, text: `  → ${c.fix}`}]
      : []),
  ];
  const full = checks.flatMap(withFix);
  if (full.length <= height) return full;
  const passed = checks.filter(c => c.status === 'ok');
  const rest = checks.filter(c => c.status !== 'ok');
  const folded = [
    ...(passed.length
      ? [{status: 'ok' as const, text: `✔ ${passed.length} passed: ${passed.map(c => c.title).join(' · ')}`}]
      : []),
    ...rest.flatMap(withFix),
  ];
  if (folded.length <= height) return folded;
  // Still too tall: the failures' titles first, fixes only for the first.
  return [...folded.slice(0, 1), ...rest.map(line)].slice(0, Math.max(1, height));
}

export function CheckRows({
  checks,
  width,
  height,
  now,
}: {
  checks: readonly CheckRow[];
  width: number;
  height: number;
  now: () => number;
}) {
  const theme = useTheme();
  const busy = checks.some(c => c.status === 'running' || c.status === 'pending');
  const frame = useTicker(busy);
  const color = (s: Line['status']) =>
    s === 'ok'
      ? theme.color('ok')
      : s === 'warn'
        ? theme.color('warn')
        : s === 'fail'
          ? theme.color('error')
          : s === 'fix'
            ? theme.color('muted')
            : theme.color('running');
  return (
    <Box flexDirection="column">
      {checkLines(checks, height, frame, now()).map((l, i) => (
        <Text key={i} color={color(l.status)} wrap="truncate-end">
          {cut(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
