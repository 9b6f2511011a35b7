// The app shell: title bar, step rail, the current step's screen, footer; the help overlay and the
// Ctrl-C contract (ask; abort running work; save as interrupted; exit 130).
import React, {useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore} from 'react';
import {Box, Text} from 'ink';
import type {SessionController} from './wizard/controller.js';
import {getStep, type StepOutcome} from './wizard/registry.js';
import {stepContext} from './steps/context.js';
import type {Ports} from './ports.js';
import {GLOBAL_KEYS, type KeyBinding} from './ui/keys.js';
import {KeyProvider, useKeyBindings, useKeys} from './ui/KeyDispatcher.js';
import type {KeyAction} from './ui/keymap.js';
import {StepRail} from './ui/StepRail.js';
import {Footer} from './ui/Footer.js';
import {HelpOverlay} from './ui/HelpOverlay.js';
import {QuitDialog} from './ui/QuitDialog.js';
import {useTheme} from './ui/theme.js';
import {useTerminalSize} from './ui/useTerminalSize.js';
import {screenFor, screenWantsWidth} from '../screens/index.js';
import {canGoBack} from './wizard/reducer.js';
import {stepIndex} from './wizard/step-ids.js';
import {Narration, narrationHeight} from './ui/Narration.js';
import {OpenLogContext} from './ui/open-log.js';
import {narrationFor} from './demo/narration.js';

export interface AppProps {
  controller: SessionController;
  ports: Ports;
  secret(key: string): string | undefined;
  autoplay?: boolean;
  /** Lines shown once above the screen, e.g. what resume found. */
  notices?: string[];
  /** Shows a finished command's log in the pager (the terminal is handed over and taken back). */
  openLog?: (path: string) => Promise<{ok: boolean; error?: string}>;
  onExit(code: number): void;
}

const RAIL_WIDTH = 24;
/** The rail as numbers and marks only ("✔ >10"), when the screen needs the width. */
const COMPACT_RAIL_WIDTH = 5;
/** --autoplay: how long a finished step stays on screen before the demo moves on, and Done before it exits. */
export const AUTOPLAY_NEXT_MS = 1500;
export const AUTOPLAY_DONE_MS = 4000;

/** One key dispatcher for the whole app: the shell, the screens, panes, prompts and dialogs. */
export function App(props: AppProps) {
  return (
    <KeyProvider>
      <Shell {...props} />
    </KeyProvider>
  );
}

const globalKey = (id: string, run: KeyAction['run']): KeyAction => ({...GLOBAL_KEYS.find(k => k.id === id)!, run});

function Shell({controller, ports, secret, autoplay = false, notices = [], openLog, onExit}: AppProps) {
  const session = useSyncExternalStore(controller.subscribe, controller.get);
  const theme = useTheme();
  const {columns, rows} = useTerminalSize();
  // Overlay state is mirrored in refs for the autoplay timer, which must not move on under a dialog.
  const [help, setHelpState] = useState<KeyBinding[] | null>(null);
  const [quitting, setQuittingState] = useState<'ask' | 'stopping' | null>(null);
  const helpRef = useRef<KeyBinding[] | null>(null);
  const quittingRef = useRef<'ask' | 'stopping' | null>(null);
  const setHelp = (v: KeyBinding[] | null) => {
    helpRef.current = v;
    setHelpState(v);
  };
  const setQuitting = (v: 'ask' | 'stopping' | null) => {
    quittingRef.current = v;
    setQuittingState(v);
  };
  const [status, setStatus] = useState<string>(notices.join(' '));
  // An answer the session cannot hold is not saved; say which and why, and keep the screen as it is.
  useEffect(() => controller.onRefused(problem => setStatus(`✖ Not saved: ${problem}`)), [controller]);
  const work = useRef(
    new Set<{controller: AbortController; done: Promise<unknown>; leaves?: () => string | undefined}>(),
  );

  const step = getStep(session.currentStep);

  const ctx = useMemo(
    () => stepContext(controller, ports, secret, line => setStatus(line)),
    [controller, ports, secret],
  );

  const runWork = useCallback(
    <T,>(fn: (signal: AbortSignal) => Promise<T>, opts?: {leaves?: () => string | undefined}): Promise<T> => {
      const abort = new AbortController();
      const done = fn(abort.signal);
      const entry = {controller: abort, done, ...(opts?.leaves ? {leaves: opts.leaves} : {})};
      work.current.add(entry);
      const forget = () => work.current.delete(entry);
      done.then(forget, forget);
      return done;
    },
    [],
  );

  const complete = useCallback(
    (outcome: StepOutcome) => {
      const at = new Date().toISOString();
      const id = controller.get().currentStep;
      if (controller.get().steps[id].state !== 'running') controller.dispatch({type: 'step-started', step: id, at});
      controller.dispatch({type: 'step-finished', step: id, at, summary: outcome.summary, data: outcome.data});
      controller.dispatch({type: 'next'});
      // The finished step leaves its one-line summary under the next screen.
      setStatus(`✔ ${getStep(id).title}: ${outcome.summary}`);
    },
    [controller],
  );

  // --autoplay: a step already done (a resumed demo) moves on by itself; Done ends the demo with 0.
  const currentState = session.steps[session.currentStep].state;
  useEffect(() => {
    if (!autoplay || currentState !== 'done') return;
    const last = session.currentStep === 'done';
    const t = setTimeout(
      () => {
        if (quittingRef.current || helpRef.current) return;
        if (last) onExit(0);
        else controller.dispatch({type: 'next'});
      },
      last ? AUTOPLAY_DONE_MS : AUTOPLAY_NEXT_MS,
    );
    return () => clearTimeout(t);
  }, [autoplay, currentState, session.currentStep, controller, onExit, help, quitting]);

  const pagerBusy = useRef(false);
  const openLogInShell = useCallback(
    (path: string) => {
      if (!openLog || pagerBusy.current) return;
      pagerBusy.current = true;
      void openLog(path)
        .then(
          r =>
            setStatus(
              r.ok
                ? 'Back from the log viewer.'
                : `Could not open the log: ${r.error ?? 'unknown error'}. It is at ${path}`,
            ),
          () => setStatus(`Could not open the log; it is at ${path}`),
        )
        .finally(() => {
          pagerBusy.current = false;
        });
    },
    [openLog],
  );

  const quit = useCallback(async () => {
    setQuitting('stopping');
    const pending = [...work.current];
    for (const w of pending) w.controller.abort(new Error('cancelled by Ctrl-C'));
    // The runner escalates to SIGKILL after 5 s; do not wait forever for anything else.
    await Promise.race([Promise.allSettled(pending.map(w => w.done)), new Promise(r => setTimeout(r, 7000))]);
    controller.dispatch({type: 'quit', at: new Date().toISOString()});
    onExit(130);
  }, [controller, onExit]);

  // Ctrl-C belongs to the quit dialog, the innermost scope: it works whatever else has the keyboard.
  useKeys(
    'dialog',
    quitting === 'ask'
      ? [
          {
            id: 'quit-yes',
            keys: ['y', 'Y', 'Ctrl-C'],
            label: 'quit',
            help: 'Quit now: running work is stopped and the session saved.',
            run: () => void quit(),
          },
          {
            id: 'quit-no',
            keys: ['n', 'N', 'Esc'],
            label: 'stay',
            help: 'Stay in the wizard.',
            run: () => setQuitting(null),
          },
        ]
      : [globalKey('quit', () => void (quitting ? undefined : setQuitting('ask')))],
    {modal: quitting !== null, first: true},
  );
  // Help lists what acted when it was opened; while it is up it takes every key.
  const reachable = useKeyBindings(false);
  useKeys(
    'dialog',
    [
      {
        id: 'help-close',
        keys: ['?', 'Esc', 'Enter'],
        label: 'close help',
        help: 'Close this help.',
        run: () => setHelp(null),
      },
    ],
    {isActive: help !== null, modal: true},
  );
  useKeys('shell', [
    globalKey('back', () => {
      if (!canGoBack(controller.get())) return false;
      controller.dispatch({type: 'back'});
      setStatus('');
      return true;
    }),
    globalKey('help', () => setHelp(reachable)),
  ]);

  const Screen = screenFor(session.currentStep);
  const footerKeys = useKeyBindings(true);
  // Keep the live area shorter than the terminal: Ink clears the whole screen otherwise.
  const height = Math.max(8, rows - 1);
  const demo = session.world === 'demo';
  const narratorRows = demo ? narrationHeight(rows) : 0;
  const bodyHeight = height - 3 - (demo ? 1 : 0) - narratorRows;
  // Titles in the rail when there is room; numbers and marks when the screen's content needs the width.
  const compactRail = screenWantsWidth(session.currentStep) && columns < 150;
  const railWidth = columns < 70 ? 0 : compactRail ? COMPACT_RAIL_WIDTH : RAIL_WIDTH;
  const screenWidth = Math.max(20, columns - railWidth - 2);

  return (
    <OpenLogContext.Provider value={openLog ? openLogInShell : undefined}>
      <Box flexDirection="column" width={columns} height={height}>
        {session.world === 'demo' ? (
          <Text inverse bold color={theme.color('demo')} wrap="truncate-end">
            {' DEMO · simulated data center: nothing here touches real machines '.padEnd(columns - 1)}
          </Text>
        ) : null}
        <Box>
          <Text bold color={theme.color('accent')}>
            eksa-kong
          </Text>
          <Text wrap="truncate-end">
            {` · session ${session.name}`}
            {railWidth === RAIL_WIDTH ? '' : ` · step ${stepIndex(session.currentStep) + 1}/10 ${step.title}`}
            {session.world === 'dry-run' ? ' · DRY RUN (commands are recorded, not run)' : ''}
          </Text>
        </Box>
        <Box height={bodyHeight}>
          {railWidth ? (
            <StepRail session={session} width={railWidth} compact={railWidth === COMPACT_RAIL_WIDTH} />
          ) : null}
          <Box
            flexDirection="column"
            width={screenWidth}
            marginLeft={railWidth ? 2 : 0}
            height={bodyHeight}
            overflow="hidden"
          >
            {quitting ? (
              <QuitDialog
                running={work.current.size > 0 || session.steps[session.currentStep].state === 'running'}
                leaves={[...work.current].map(w => w.leaves?.()).filter((t): t is string => Boolean(t))}
                stopping={quitting === 'stopping'}
                width={screenWidth}
              />
            ) : help ? (
              <HelpOverlay
                title={step.title}
                purpose={step.purpose}
                bindings={help}
                width={screenWidth}
                height={bodyHeight}
              />
            ) : null}
            {/* The screen stays mounted under a dialog: what it found and what it runs go on. */}
            <Box
              display={quitting || help ? 'none' : 'flex'}
              flexDirection="column"
              width={screenWidth}
              height={bodyHeight}
              overflow="hidden"
            >
              <Screen
                key={session.currentStep}
                session={session}
                step={step}
                ctx={ctx}
                width={screenWidth}
                height={bodyHeight}
                isActive={!help && !quitting}
                runWork={runWork}
                complete={complete}
                autoplay={autoplay}
              />
            </Box>
          </Box>
        </Box>
        {narratorRows > 0 ? (
          <Narration text={narrationFor(session.currentStep)} width={columns - 1} height={narratorRows} />
        ) : null}
        <Text color={theme.color('muted')} wrap="truncate-end">
          {status || ' '}
        </Text>
        <Footer bindings={footerKeys} width={columns - 1} />
      </Box>
    </OpenLogContext.Provider>
  );
}
