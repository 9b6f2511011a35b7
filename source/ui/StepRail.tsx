// The step rail: n/10, titles and state marks. Marks are symbols, so the rail reads without colour.
import React from 'react';
import {Box, Text} from 'ink';
import type {Session, StepState} from '../session/schema.js';
import {STEP_IDS, STEP_TITLES, stepIndex} from '../wizard/step-ids.js';
import {useTheme, type Role} from './theme.js';

const MARKS: Record<StepState, {mark: string; role: Role}> = {
  pending: {mark: '·', role: 'muted'},
  running: {mark: '»', role: 'running'},
  done: {mark: '✔', role: 'ok'},
  failed: {mark: '✖', role: 'error'},
  interrupted: {mark: '!', role: 'warn'},
  skipped: {mark: '-', role: 'muted'},
};

export function StepRail({session, width, compact = false}: {session: Session; width: number; compact?: boolean}) {
  const theme = useTheme();
  const current = stepIndex(session.currentStep);
  // Why steps were skipped, once per reason: the rail says what did not apply, not only that it did not run.
  const skipReasons = compact
    ? []
    : [...new Set(STEP_IDS.flatMap(id => (session.steps[id].state === 'skipped' ? [session.steps[id].summary] : [])))];
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      <Text bold>{compact ? `${current + 1}/${STEP_IDS.length}` : `Step ${current + 1}/${STEP_IDS.length}`}</Text>
      {STEP_IDS.map((id, i) => {
        const {mark, role} = MARKS[session.steps[id].state];
        const isCurrent = id === session.currentStep;
        const label = compact ? `${i + 1}`.padStart(2) : `${i + 1}`.padStart(2) + ' ' + STEP_TITLES[id];
        return (
          <Box key={id}>
            <Text color={theme.color(role)}>{mark} </Text>
            <Text
              bold={isCurrent}
              inverse={isCurrent && theme.monochrome}
              color={isCurrent ? theme.color('accent') : undefined}
              wrap="truncate-end"
            >
              {(isCurrent ? '>' : ' ') + label}
            </Text>
          </Box>
        );
      })}
      {skipReasons.map(reason => (
        <Text key={reason ?? ''} color={theme.color('muted')}>
          - skipped{reason ? `: ${reason}` : ''}
        </Text>
      ))}
    </Box>
  );
}
