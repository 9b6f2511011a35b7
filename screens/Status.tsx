// `eksa-kong status --watch`: the status lines redrawn in place until q. Its keys go through the app's
// key dispatcher like every screen's.
import React, {useEffect, useState} from 'react';
import {Box, Text, render} from 'ink';
import {ThemeProvider, makeTheme, useTheme} from '../source/ui/theme.js';
import {KeyProvider, useKeys} from '../source/ui/KeyDispatcher.js';

export interface StatusWatchProps {
  /** Reads the status once; resolves with the lines to show. */
  refresh(signal: AbortSignal): Promise<string[]>;
  intervalMs: number;
  onQuit(): void;
}

export function StatusWatch({refresh, intervalMs, onQuit}: StatusWatchProps) {
  const theme = useTheme();
  const [lines, setLines] = useState<string[]>(['Reading the status…']);
  const [at, setAt] = useState<string>('');
  useEffect(() => {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      try {
        const next = await refresh(abort.signal);
        if (abort.signal.aborted) return;
        setLines(next);
        setAt(new Date().toISOString().slice(11, 19));
      } catch (error) {
        if (!abort.signal.aborted) setLines([`! ${(error as Error).message.split('\n')[0]}`]);
      }
      if (!abort.signal.aborted) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [refresh, intervalMs]);
  // The only keys of this view: q (or Ctrl-C) quits.
  useKeys('screen', [{id: 'quit', keys: ['q', 'Ctrl-C'], label: 'quit', help: 'Stop watching.', run: () => onQuit()}]);
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text
          key={i}
          color={
            line.startsWith('!') || /STALE|NOT reachable|FAILED|NotReady/.test(line) ? theme.color('error') : undefined
          }
        >
          {line}
        </Text>
      ))}
      <Text color={theme.color('muted')}>{at ? `updated ${at} UTC · ` : ''}q quit</Text>
    </Box>
  );
}

/** Renders the watch view until q. */
export async function runStatusWatch(props: Omit<StatusWatchProps, 'onQuit'>, monochrome: boolean): Promise<void> {
  const instance = render(
    <ThemeProvider theme={makeTheme(monochrome)}>
      <KeyProvider>
        <StatusWatch {...props} onQuit={() => instance.unmount()} />
      </KeyProvider>
    </ThemeProvider>,
    {exitOnCtrlC: false, patchConsole: false},
  );
  await instance.waitUntilExit();
}
