// What the Kong screens share around one run of their step: the outcome and error it leaves, the
// running and result modes, the status line it ends with, and moving between the form's fields.
import {useCallback, useState} from 'react';
import type {Key} from 'ink';
import type {Theme} from '../../source/ui/theme.js';
import type {StepOutcome} from '../../source/wizard/registry.js';
import type {StepId} from '../../source/wizard/step-ids.js';
import type {ScreenProps} from '../types.js';
import {attemptStep} from './step-run.js';

export function useStepAttempt(
  ctx: ScreenProps['ctx'],
  step: StepId,
  runWork: ScreenProps['runWork'],
  setMode: (mode: 'running' | 'result') => void,
) {
  const [outcome, setOutcome] = useState<StepOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Clears the last result, shows the running view, and the result view once the step has ended. */
  const attempt = useCallback(
    async (work: (signal: AbortSignal) => Promise<StepOutcome>) => {
      setOutcome(null);
      setError(null);
      setMode('running');
      const a = await attemptStep(ctx, step, runWork, work);
      setOutcome(a.outcome ?? null);
      setError(a.error ?? null);
      setMode('result');
    },
    [ctx, step, runWork, setMode],
  );
  return {outcome, error, setError, attempt};
}

/** The status line of the done, running and result views. */
export function stepStatus(
  theme: Theme,
  mode: string,
  s: {
    summary: string | undefined;
    outcome: StepOutcome | null;
    error: string | null;
    done: string;
    running: string;
    failed: string;
  },
): {text: string; color?: string} {
  if (mode === 'done') return {text: `✔ ${s.summary ?? 'done'} — ${s.done}`, color: theme.color('ok')};
  if (mode === 'running') return {text: s.running, color: theme.color('running')};
  if (s.outcome) return {text: `✔ Enter to continue · ${s.outcome.summary}`, color: theme.color('ok')};
  return {text: `✖ ${s.error ?? 'failed'} — ${s.failed}`, color: theme.color('error')};
}

/** ↑/Shift-Tab and ↓/Tab move round the form's fields; null when the key is not one of them. */
export function nextFocus(
  key: Pick<Key, 'upArrow' | 'downArrow' | 'tab' | 'shift'>,
  fields: number,
): ((focus: number) => number) | null {
  if (key.upArrow || (key.tab && key.shift)) return f => (f + fields - 1) % fields;
  if (key.downArrow || key.tab) return f => (f + 1) % fields;
  return null;
}
