// The screen of a step that has no dedicated screen: it states what the step does and, when this
// build implements the step, runs its logic from the answers with progress lines. A step this build
// does not implement says so and cannot be completed.
import React, {useCallback, useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import type {ScreenProps} from './types.js';
import {useTheme} from '../source/ui/theme.js';
import {MissingAnswerError} from '../source/wizard/registry.js';

export function GenericStep({step, session, ctx, isActive, runWork, complete, autoplay, height}: ScreenProps) {
  const theme = useTheme();
  const record = session.steps[step.id];
  const [lines, setLines] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);


  const run = useCallback(async () => {
    if (!step.runHeadless || busy) return;
    setBusy(true);
    setError(null);
    setLines([]);
    const at = () => new Date().toISOString();
    ctx.dispatch({type: 'step-started', step: step.id, at: at()});
    const say = (line: string) => setLines(prev => [...prev.slice(-200), line]);
    try {
      const outcome = await runWork(signal => step.runHeadless!({...ctx, session: ctx.session, say}, signal));
      complete(outcome);
    } catch (err) {
      const message = err instanceof MissingAnswerError ? err.message : err instanceof Error ? err.message : String(err);
      if (ctx.session.steps[step.id].state === 'running') ctx.dispatch({type: 'step-failed', step: step.id, at: at(), error: message});
      setError(message);
    } finally {
      setBusy(false);
    }
  }, [busy, complete, ctx, runWork, step]);

  useKeys(
    'screen',
    step.implemented
      ? [
          {
            id: 'confirm',
            keys: ['Enter'],
            label: record.state === 'done' ? 'next' : 'run',
            help: 'Run this step, or go on when it is done.',
            run: () => {
              if (record.state === 'done' || record.state === 'skipped') ctx.dispatch({type: 'next'});
              else void run();
            },
          },
        ]
      : [],
    {isActive},
  );

  useEffect(() => {
    if (autoplay && step.implemented && record.state !== 'done' && !busy && !error) {
      const t = setTimeout(() => void run(), 1500);
      return () => clearTimeout(t);
    }
    return undefined;
  }, [autoplay, step.implemented, record.state, busy, error, run]);

  const shown = lines.slice(-Math.max(1, height - step.purpose.length - 5));
  return (
    <Box flexDirection="column">
      <Text bold color={theme.color('accent')}>
        {step.title}
      </Text>
      {step.purpose.map((line, i) => (
        <Text key={i} wrap="wrap">
          {line}
        </Text>
      ))}
      <Text> </Text>
      {!step.implemented ? (
        <Text color={theme.color('warn')} wrap="wrap">
          Not available yet in this build: this step's logic has not been built, so nothing was done and the step cannot be completed.
        </Text>
      ) : record.state === 'done' ? (
        <Text color={theme.color('ok')} wrap="truncate-end">{`✔ ${record.summary ?? 'done'} — Enter to go on`}</Text>
      ) : (
        <>
          {shown.map((line, i) => (
            <Text key={i} wrap="truncate-end">
              {line}
            </Text>
          ))}
          {error ? (
            <Text color={theme.color('error')} wrap="wrap">{`✖ ${error} — Enter to retry`}</Text>
          ) : busy ? (
            <Text color={theme.color('running')}>Running…</Text>
          ) : (
            <Text>
              Press <Text bold>Enter</Text> to run this step.
            </Text>
          )}
        </>
      )}
    </Box>
  );
}
