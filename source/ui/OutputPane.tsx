// The tail of one running or finished command, in a box of fixed size. It reads the bounded output
// buffer directly and redraws on a timer (at most ~15 times a second) however fast lines arrive, and
// every line is cut to the width so the pane never grows past its box (Ink repaints the whole screen
// once the output is taller than the terminal).
import React, {useContext, useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from './KeyDispatcher.js';
import {ellipsize, formatCount, formatDuration} from '../run/format.js';
import {displayLogPath} from '../run/summary.js';
import type {CommandResult, RunningCommand} from '../run/types.js';
import {OpenLogContext} from './open-log.js';

export interface PaneKey {
  keys: readonly string[];
  description: string;
}

/** The pane's keys, for the footer and help screen. */
export const PANE_KEYS: readonly PaneKey[] = [
  {keys: ['↑', '↓'], description: 'scroll a line'},
  {keys: ['PgUp', 'PgDn'], description: 'scroll a page'},
  {keys: ['Home'], description: 'oldest line held'},
  {keys: ['End'], description: 'follow the output'},
  {keys: ['o'], description: 'open the full log (finished command)'},
];

export /** More new lines than this between two frames is a flood. */
const FLOOD_LINES_PER_FRAME = 1000;
const DEFAULT_REFRESH_MS = 66;

export interface OutputPaneProps {
  command: RunningCommand | null;
  /** The outcome, when the caller already has it; otherwise the pane waits for command.done. */
  result?: CommandResult;
  height: number;
  width: number;
  focused: boolean;
  title?: string;
  /** Called with the log path when `o` is pressed on a finished command (default: the shell's pager). */
  onOpenLog?: (path: string) => void;
  /** Log paths are shown relative to it. */
  sessionDir?: string;
  /** Shortest time between redraws caused by new output. */
  refreshMs?: number;
  /** Shown when there is no command. */
  placeholder?: string;
  now?: () => number;
}

export interface PaneLayout {
  border: boolean;
  innerWidth: number;
  headerLines: number;
  bodyLines: number;
}

/** How a box of this size is split; exported so callers can size things around panes. */
export function paneLayout(height: number, width: number): PaneLayout {
  const border = height >= 5 && width >= 10;
  const innerHeight = Math.max(0, height - (border ? 2 : 0));
  const innerWidth = Math.max(0, width - (border ? 2 : 0));
  const headerLines = innerHeight >= 3 ? 2 : Math.min(1, innerHeight);
  return {border, innerWidth, headerLines, bodyLines: innerHeight - headerLines};
}

/** Which lines to show: null top means following the tail. Absolute line indexes (0-based). */
export function visibleWindow(
  total: number,
  first: number,
  bodyLines: number,
  top: number | null,
): {start: number; end: number; following: boolean} {
  const maxTop = Math.max(first, total - bodyLines);
  if (top === null || top >= maxTop) return {start: maxTop, end: total, following: true};
  const start = Math.max(first, top);
  return {start, end: Math.min(total, start + bodyLines), following: false};
}

// Enough characters for Ink to see that the line is longer than the width and end it with "…".
function fit(line: string, width: number): string {
  const cut = line.length > width + 1 ? line.slice(0, width + 1) : line;
  return /[\r\n]/.test(cut) ? cut.replace(/[\r\n]/g, ' ') : cut || ' ';
}

export function OutputPane(props: OutputPaneProps): React.JSX.Element {
  const {command, height, width, focused, title, sessionDir} = props;
  const shellOpenLog = useContext(OpenLogContext);
  const onOpenLog = props.onOpenLog ?? shellOpenLog;
  const refreshMs = props.refreshMs ?? DEFAULT_REFRESH_MS;
  const now = props.now ?? Date.now;
  const layout = paneLayout(height, width);
  const [, setRedraws] = useState(0);
  const [top, setTop] = useState<number | null>(null);
  const [settled, setSettled] = useState<{command: RunningCommand; result: CommandResult} | null>(null);
  const result = props.result ?? (settled?.command === command ? settled.result : undefined);
  const running = command !== null && result === undefined;

  // Coalesce buffer notifications: one redraw per refresh period, not one per line. In a flood (more
  // lines per period than anyone can read) frames come 4x less often: each costs Ink a full repaint,
  // and that time is better spent draining the command's pipe.
  useEffect(() => {
    if (!command) return;
    let timer: NodeJS.Timeout | undefined;
    let seen = command.output.total;
    let period = refreshMs;
    const unsubscribe = command.output.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        const total = command.output.total;
        period = total - seen > FLOOD_LINES_PER_FRAME ? refreshMs * 4 : refreshMs;
        seen = total;
        setRedraws(n => n + 1);
      }, period);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [command, refreshMs]);

  useEffect(() => {
    setTop(null);
    if (!command) return;
    let live = true;
    void command.done.then(r => {
      if (live) setSettled({command, result: r});
    });
    return () => {
      live = false;
    };
  }, [command]);

  // The elapsed time ticks while the command runs.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setRedraws(n => n + 1), 1000);
    return () => clearInterval(timer);
  }, [running]);

  const output = command?.output;
  const total = output?.total ?? 0;
  const first = total - (output?.size ?? 0);
  const window = visibleWindow(total, first, layout.bodyLines, top);

  const page = Math.max(1, layout.bodyLines - 1);
  const maxTop = Math.max(first, total - layout.bodyLines);
  const move = (to: number) => setTop(to >= maxTop ? null : Math.max(first, to));
  const canOpen = result !== undefined && Boolean(command?.logPath) && Boolean(onOpenLog);
  useKeys(
    'pane',
    command
      ? [
          {
            id: 'pane-up',
            keys: ['Up'],
            label: 'scroll',
            help: 'Scroll the focused output up a line.',
            footer: false,
            run: () => move(window.start - 1),
          },
          {
            id: 'pane-down',
            keys: ['Down'],
            label: 'scroll',
            help: 'Scroll the focused output down a line.',
            footer: false,
            run: () => move(window.start + 1),
          },
          {
            id: 'pane-page',
            keys: ['PgUp', 'PgDn'],
            label: 'scroll',
            help: 'Scroll the focused output a page.',
            run: p => move(window.start + (p.name === 'PgUp' ? -page : page)),
          },
          {
            id: 'pane-home',
            keys: ['Home'],
            label: 'oldest',
            help: 'The oldest line still held (the full output is in the log file).',
            footer: false,
            run: () => move(first),
          },
          {
            id: 'pane-end',
            keys: ['End'],
            label: 'follow',
            help: 'Back to the newest lines, following the output.',
            footer: false,
            run: () => setTop(null),
          },
          ...(canOpen
            ? [
                {
                  id: 'pane-open',
                  keys: ['o'],
                  label: 'open log',
                  help: "Open the finished command's full log in the pager; q in the pager comes back.",
                  run: () => onOpenLog!(command.logPath!),
                },
              ]
            : []),
        ]
      : [],
    {isActive: focused},
  );

  const lines = output ? output.slice(window.start - first, window.end - first) : [];
  const heading = command ? `${title ? `${title} · ` : ''}$ ${command.display}` : (title ?? '');

  const facts: string[] = [];
  let mark = '';
  let markColor: string | undefined;
  if (command) {
    const elapsed = result ? result.durationMs : now() - command.startedAt;
    if (result === undefined) mark = '… running';
    else if (result.recorded) mark = '○ recorded (dry run)';
    else if (result.ok) [mark, markColor] = ['✔ done', 'green'];
    else [mark, markColor] = [`✘ ${result.error ?? 'failed'}`, 'red'];
    facts.push(formatDuration(elapsed), `${formatCount(total)} ${total === 1 ? 'line' : 'lines'}`);
    if (window.following) facts.push('following');
    else {
      const older = window.start === first && first > 0 ? ', older lines in the log' : '';
      facts.push(
        `lines ${formatCount(window.start + 1)}–${formatCount(window.end)} of ${formatCount(total)} (scrolled${older})`,
      );
    }
    if (command.logPath) facts.push(`log ${displayLogPath(command.logPath, sessionDir)}`);
    if (focused && result !== undefined && command.logPath && onOpenLog) facts.push('o: open log');
  }
  const rest = facts.join(' · ');
  const restWidth = Math.max(0, layout.innerWidth - mark.length - 3);

  const body: React.JSX.Element[] = [];
  if (!command && layout.bodyLines > 0) {
    body.push(
      <Text key="placeholder" dimColor wrap="truncate-end">
        {fit(props.placeholder ?? 'No command has run yet.', layout.innerWidth)}
      </Text>,
    );
  }
  lines.forEach((line, i) =>
    body.push(
      <Text key={i} wrap="truncate-end">
        {fit(line, layout.innerWidth)}
      </Text>,
    ),
  );

  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      overflow="hidden"
      {...(layout.border ? {borderStyle: 'round' as const, borderColor: focused ? 'cyan' : 'gray'} : {})}
    >
      {layout.headerLines >= 2 && (
        <Text bold wrap="truncate-end">
          {fit(heading, layout.innerWidth)}
        </Text>
      )}
      {layout.headerLines >= 1 && (
        <Text wrap="truncate-end">
          {mark && <Text {...(markColor ? {color: markColor} : {dimColor: true})}>{fit(mark, layout.innerWidth)}</Text>}
          {mark && rest && <Text dimColor> · </Text>}
          {rest && <Text dimColor>{ellipsize(rest, restWidth + 1)}</Text>}
        </Text>
      )}
      {layout.bodyLines > 0 && (
        <Box flexDirection="column" height={layout.bodyLines} overflow="hidden">
          {body}
        </Box>
      )}
    </Box>
  );
}
