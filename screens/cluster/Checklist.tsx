// Preflight checks as a list: one line per check with its mark, and the fix under every warning or
// failure. When the list is taller than the room, the passing checks fold into one line.
import React from 'react';
import {Box, Text} from 'ink';
import type {PreflightCheck} from '../../source/cluster/preflight.js';
import {useTheme} from '../../source/ui/theme.js';
import {cut} from './autoplay.js';

const MARK = {pass: '✔', warn: '!', fail: '✘'} as const;

export function checklistRows(checks: readonly PreflightCheck[], height: number): {status: PreflightCheck['status'] | 'fix'; text: string}[] {
  const full = checks.flatMap(c => [
    {status: c.status, text: `${MARK[c.status]} ${c.title}: ${c.detail}`},
    ...(c.status === 'pass' ? [] : [{status: 'fix' as const, text: `    → ${c.fix}`}]),
  ]);
  if (full.length <= height) return full;
  const passed = checks.filter(c => c.status === 'pass');
  const folded = [
    ...(passed.length ? [{status: 'pass' as const, text: `✔ ${passed.length} passed: ${passed.map(c => c.title).join(', ')}`}] : []),
    ...checks.filter(c => c.status !== 'pass').flatMap(c => [
      {status: c.status, text: `${MARK[c.status]} ${c.title}: ${c.detail}`},
      {status: 'fix' as const, text: `    → ${c.fix}`},
    ]),
  ];
  return folded.slice(0, Math.max(1, height));
}

export function Checklist({checks, width, height}: {checks: readonly PreflightCheck[]; width: number; height: number}) {
  const theme = useTheme();
  const color = (s: PreflightCheck['status'] | 'fix') => (s === 'pass' ? theme.color('ok') : s === 'warn' ? theme.color('warn') : s === 'fail' ? theme.color('error') : theme.color('muted'));
  return (
    <Box flexDirection="column">
      {checklistRows(checks, height).map((row, i) => (
        <Text key={i} color={color(row.status)} wrap="truncate-end">
          {cut(row.text, width)}
        </Text>
      ))}
    </Box>
  );
}
