// Two output panes (e.g. the command and a watcher of what it creates), side by side when the
// terminal is wide enough, else stacked. Tab moves the focus; the focused pane takes scroll keys.
import React, {useState} from 'react';
import {Box} from 'ink';
import {useKeys} from './KeyDispatcher.js';
import type {CommandResult, RunningCommand} from '../run/types.js';
import {OutputPane, type PaneKey} from './OutputPane.js';

export const PANE_PAIR_KEYS: readonly PaneKey[] = [{keys: ['Tab', 'Shift-Tab'], description: 'switch pane'}];

/** Two panes of at least 70 columns each fit side by side. */
export const SIDE_BY_SIDE_MIN_WIDTH = 140;

export interface PaneContent {
  command: RunningCommand | null;
  result?: CommandResult;
  title?: string;
  placeholder?: string;
}

export interface PanePairProps {
  panes: readonly [PaneContent, PaneContent];
  width: number;
  height: number;
  /** Whether the pair takes keys at all (false while a dialog is open). Default true. */
  focused?: boolean;
  initialFocus?: 0 | 1;
  layout?: 'auto' | 'stacked' | 'side-by-side';
  onFocusChange?: (index: 0 | 1) => void;
  onOpenLog?: (path: string) => void;
  sessionDir?: string;
  refreshMs?: number;
  now?: () => number;
}

export function pairArrangement(width: number, layout: PanePairProps['layout'] = 'auto'): 'stacked' | 'side-by-side' {
  if (layout !== 'auto') return layout;
  return width >= SIDE_BY_SIDE_MIN_WIDTH ? 'side-by-side' : 'stacked';
}

export function PanePair(props: PanePairProps): React.JSX.Element {
  const {panes, width, height, onFocusChange} = props;
  const active = props.focused ?? true;
  const [focus, setFocus] = useState<0 | 1>(props.initialFocus ?? 0);
  const arrangement = pairArrangement(width, props.layout);

  useKeys(
    'pane',
    [
      {
        id: 'pane-switch',
        keys: ['Tab', 'Shift-Tab'],
        label: 'switch pane',
        help: 'Move the focus to the other output pane; the arrows scroll the focused one.',
        run: () => {
          const next: 0 | 1 = focus === 0 ? 1 : 0; // with two panes Shift-Tab lands on the same one
          setFocus(next);
          onFocusChange?.(next);
        },
      },
    ],
    {isActive: active},
  );

  const sideBySide = arrangement === 'side-by-side';
  const firstWidth = sideBySide ? Math.floor(width / 2) : width;
  const firstHeight = sideBySide ? height : Math.floor(height / 2);
  const sizes = [
    {width: firstWidth, height: firstHeight},
    {width: sideBySide ? width - firstWidth : width, height: sideBySide ? height : height - firstHeight},
  ] as const;

  return (
    <Box flexDirection={sideBySide ? 'row' : 'column'} width={width} height={height}>
      {panes.map((pane, i) => (
        <OutputPane
          key={i}
          command={pane.command}
          {...(pane.result ? {result: pane.result} : {})}
          {...(pane.title !== undefined ? {title: pane.title} : {})}
          {...(pane.placeholder !== undefined ? {placeholder: pane.placeholder} : {})}
          width={sizes[i]!.width}
          height={sizes[i]!.height}
          focused={active && focus === i}
          {...(props.onOpenLog ? {onOpenLog: props.onOpenLog} : {})}
          {...(props.sessionDir !== undefined ? {sessionDir: props.sessionDir} : {})}
          {...(props.refreshMs !== undefined ? {refreshMs: props.refreshMs} : {})}
          {...(props.now ? {now: props.now} : {})}
        />
      ))}
    </Box>
  );
}
