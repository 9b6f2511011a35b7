// Preflight checks as a list: one line per check with its mark, and the fix under every warning or
// failure. The fix wraps onto further lines when there is room (an admin must be able to read it
// whole); when there is not, fixes take one line, then the passing checks fold into one line.
import React from 'react';
import {Box, Text} from 'ink';
import type {PreflightCheck} from '../../source/cluster/preflight.js';
import {useTheme} from '../../source/ui/theme.js';
import {cut, wrapText} from './autoplay.js';

const MARK = {pass: '✔', warn: '!', fail: '✘'} as const;

type Row = {status: PreflightCheck['status'] | 'fix'; text: string};

export function checklistRows(checks: readonly PreflightCheck[], height: number, width = Infinity): Row[] {
  if (Number.isFinite(width)) {
    // Lines to spare beyond one line per check and per fix go to the fixes, in order, wrapped.
    let spare = height - checks.length - checks.filter(c => c.status !== 'pass').length;
    if (spare >= 0) {
      return checks.flatMap((c): Row[] => {
        const head: Row = {status: c.status, text: `${MARK[c.status]} ${c.title}: ${c.detail}`};
        if (c.status === 'pass') return [head];
        const lines = wrapText(c.fix, width - 6, 1 + Math.min(2, spare));
        spare -= lines.length - 1;
        return [
          head,
          ...lines.map((line, i) => ({status: 'fix' as const, text: `${i === 0 ? '    → ' : '      '}${line}`})),
        ];
      });
    }
  }
  const full = checks.flatMap(c => [
    {status: c.status, text: `${MARK[c.status]} ${c.title}: ${c.detail}`},
    ...(c.status === 'pass' ? [] : [{status: 'fix' as const, text: `    → ${c.fix}`}]),
  ]);
  if (full.length <= height) return full;
  const passed = checks.filter(c => c.status === 'pass');
  const folded = [
    ...(passed.length
      ? [{status: 'pass' as const, text: `✔ ${passed.length} passed: ${passed.map(c => c.title).join(', ')}`}]
      : []),
    ...checks
      .filter(c => c.status !== 'pass')
      .flatMap(c => [
        {status: c.status, text: `${MARK[c.status]} ${c.title}: ${c.detail}`},
        {status: 'fix' as const, text: `    → ${c.fix}`},
      ]),
  ];
  return folded.slice(0, Math.max(1, height));
}

export function Checklist({checks, width, height}: {checks: readonly PreflightCheck[]; width: number; height: number}) {
  const theme = useTheme();
  const color = (s: PreflightCheck['status'] | 'fix') =>
    s === 'pass'
      ? theme.color('ok')
      : s === 'warn'
        ? theme.color('warn')
        : s === 'fail'
          ? theme.color('error')
          : theme.color('muted');
  return (
    <Box flexDirection="column">
      {checklistRows(checks, height, width).map((row, i) => (
        <Text key={i} color={color(row.status)} wrap="truncate-end">
          {cut(row.text, width)}
        </Text>
      ))}
    </Box>
  );
}
