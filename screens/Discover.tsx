// The discover step's screen: switch the sources on (PXE listener or capture, Redfish sweep, neighbour
// table, hardware.csv import), start them, and watch the merged machine table fill in; trust BMC
// certificates as they are met, power one machine on through IPMI to learn its boot MAC, and pick the
// machines that become nodes with their roles.
import React, {useCallback, useEffect, useMemo, useReducer, useRef} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import type {KeyAction} from '../source/ui/keymap.js';
import type {ScreenProps} from './types.js';
import {useTheme} from '../source/ui/theme.js';
import type {DiscoverySettings} from '../source/discovery/plan.js';
import type {DiscoverySession, DiscoverySnapshot} from '../source/discovery/session.js';
import {sweepCandidates, trustBmc} from '../source/steps/discover/step.js';
import {
  autoplayNext,
  initialDiscoverState,
  isRunning,
  machinesOf,
  pendingTrust as pendingTrustOf,
  reduceDiscover,
  rowsOf,
} from '../source/steps/discover/state.js';
import {finishDiscover, keepFoundOnLeave, openDiscovery} from '../source/steps/discover/flow.js';
import {ipmiHostOf, powerOnAndAttribute, powerOnRefusal} from '../source/steps/discover/power-on.js';
import {DETAIL_LINES, MachineTable} from './discover/MachineTable.js';
import {SourcesForm} from './discover/SourcesForm.js';
import {autoplayDelay} from './discover/autoplay.js';

const IDLE: DiscoverySnapshot['sources'] = {
  pxe: {state: 'off'},
  redfish: {state: 'off'},
  ipmi: {state: 'off'},
  neighbours: {state: 'off'},
  csv: {state: 'off'},
};

export function Discover({ctx, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const [state, dispatch] = useReducer(reduceDiscover, ctx.session, initialDiscoverState);
  const {phase, settings, password, focus, editing, snap, roles, cursor, confirmPower, message} = state;
  const passwordStored = useMemo(() => ctx.secret('redfish') !== undefined, [ctx]);
  const discovery = useRef<DiscoverySession | null>(null);
  const stopped = useRef<(() => void) | null>(null);

  const rows = rowsOf(state);
  const machines = machinesOf(state);
  const sources = snap?.sources ?? IDLE;
  const pendingTrust = pendingTrustOf(state);
  const running = isRunning(state);
  const say = (text: string, error = false) => dispatch({type: 'message', text, error});

  // Leaving the screen (Esc back, another step) keeps what was found in the session: coming back shows it.
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  }, [state]);
  useEffect(
    () => () => {
      keepFoundOnLeave(ctx, latest.current);
      void discovery.current?.stop();
      stopped.current?.();
    },
    [ctx],
  );

  const start = useCallback(
    async (override?: DiscoverySettings) => {
      say('Starting…');
      const opened = await openDiscovery(ctx, override ?? settings, password);
      if (!opened.ok) return say(opened.message, true);
      const session = opened.session;
      discovery.current = session;
      session.subscribe(next => dispatch({type: 'snapshot', snap: next}));
      dispatch({
        type: 'started',
        snap: session.snapshot(),
        at: ctx.ports.clock.now(),
        ...(opened.note ? {note: opened.note} : {}),
      });
      const untilStopped = new Promise<void>(resolve => (stopped.current = resolve));
      runWork(async signal => {
        signal.addEventListener('abort', () => stopped.current?.(), {once: true});
        await session.start(signal);
        await untilStopped;
      }).catch(error => say(error instanceof Error ? error.message : String(error), true));
    },
    [ctx, settings, password, runWork],
  );

  const stop = useCallback(async () => {
    await discovery.current?.stop();
    stopped.current?.();
  }, []);

  const trust = useCallback(
    (key: string, fingerprint: string) => {
      const s = discovery.current;
      if (!s) return;
      dispatch({type: 'message', text: `Trusted ${key}; reading its inventory…`});
      void trustBmc(ctx, s, key, fingerprint);
    },
    [ctx],
  );

  useEffect(() => {
    if (pendingTrust && ctx.ports.assumeYes) trust(pendingTrust.key, pendingTrust.fingerprint);
  }, [pendingTrust, ctx, trust]);

  const powerOn = async (address: string) => {
    const s = discovery.current;
    const pw = password || ctx.secret('redfish');
    const refused = powerOnRefusal(s, settings, pw);
    if (refused || !s || !pw) return say(refused ?? '', true);
    say(`IPMI: one-time PXE boot and power on of ${address}; waiting for its PXE request…`);
    const host = ipmiHostOf(address);
    const r = await runWork(() => powerOnAndAttribute(s, {host, username: settings.redfish.username, password: pw}));
    say(r.text, !r.ok);
  };

  const finish = useCallback(async () => {
    const r = finishDiscover(ctx, state);
    if (!r.ok) return dispatch({type: 'message', text: r.message, error: true});
    await stop();
    complete(r.outcome);
  }, [ctx, state, stop, complete]);

  const setupKeys: KeyAction[] = [
    {
      id: 'up',
      keys: ['Up'],
      label: 'move',
      help: 'Highlight the source above.',
      footer: false,
      run: () => dispatch({type: 'focus', by: -1}),
    },
    {
      id: 'down',
      keys: ['Down', 'Tab'],
      label: 'move',
      help: 'Highlight the source below.',
      footer: false,
      run: () => dispatch({type: 'focus', by: 1}),
    },
    {
      id: 'toggle',
      keys: ['Space'],
      label: 'on/off',
      help: 'Switch the highlighted source on or off.',
      run: () => (rows[focus]?.toggle ? dispatch({type: 'toggle'}) : false),
    },
    {
      id: 'edit',
      keys: ['Enter'],
      label: 'edit',
      help: 'Edit the highlighted value (port, BMC addresses, credentials, CSV path); Enter keeps it, Esc leaves it as it was.',
      run: () => dispatch({type: 'edit-open'}),
    },
    {
      id: 'start',
      keys: ['s'],
      label: 'start',
      help: 'Start discovery with the sources switched on.',
      run: () => void start(),
    },
  ];
  const tableKeys: KeyAction[] = [
    {
      id: 'up',
      keys: ['Up'],
      label: 'move',
      help: 'Highlight the machine above.',
      footer: false,
      run: () => dispatch({type: 'cursor', by: -1}),
    },
    {
      id: 'down',
      keys: ['Down'],
      label: 'move',
      help: 'Highlight the machine below.',
      footer: false,
      run: () => dispatch({type: 'cursor', by: 1}),
    },
    {
      id: 'pick',
      keys: ['Space'],
      label: 'pick',
      help: 'Pick or drop the highlighted machine as a node.',
      run: () => dispatch({type: 'pick'}),
    },
    {
      id: 'role-cp',
      keys: ['c'],
      label: 'cp',
      help: 'Make the highlighted machine a control-plane node.',
      run: () => dispatch({type: 'pick', role: 'cp'}),
    },
    {
      id: 'role-worker',
      keys: ['w'],
      label: 'worker',
      help: 'Make the highlighted machine a worker node.',
      run: () => dispatch({type: 'pick', role: 'worker'}),
    },
    {
      id: 'all',
      keys: ['a'],
      label: 'pick all',
      help: 'Pick every machine that has a MAC, the first as cp.',
      run: () => dispatch({type: 'pick-all'}),
    },
    {
      id: 'power',
      keys: ['p'],
      label: 'power on',
      help: 'IPMI: boot the highlighted machine from the network once and power it on; its PXE request tells its boot MAC.',
      run: () => dispatch({type: 'power-ask'}),
    },
    ...(snap?.bmcCandidates.length
      ? [
          {
            id: 'sweep',
            keys: ['b'],
            label: 'sweep neighbours',
            help: 'Add the neighbour-table addresses that may be BMCs to the Redfish targets and discover again with them.',
            run: () => {
              const next = sweepCandidates(
                settings,
                snap.bmcCandidates.map(c => c.ip),
              );
              dispatch({type: 'settings', settings: next});
              void stop().then(() => start(next));
            },
          },
        ]
      : []),
    {
      id: 'stop',
      keys: ['x'],
      label: 'stop',
      help: 'Stop the running sources; the machines found so far stay.',
      run: () => void stop(),
    },
    {
      id: 'sources',
      keys: ['e'],
      label: 'sources',
      help: 'Stop and change the sources.',
      run: () => {
        void stop();
        dispatch({type: 'sources'});
      },
    },
    {
      id: 'confirm',
      keys: ['Enter'],
      label: 'continue',
      help: 'Keep the picked machines and go on to hardware.csv.',
      run: () => void finish(),
    },
  ];
  useKeys('screen', phase === 'setup' ? setupKeys : tableKeys, {isActive: isActive && editing === null});

  // A question on screen takes the keys until it is answered; Esc answers no and stays on the step.
  const promptKeys: KeyAction[] = pendingTrust
    ? [
        {
          id: 'trust-yes',
          keys: ['y'],
          label: 'trust',
          help: 'Trust this certificate and read the BMC.',
          run: () => trust(pendingTrust.key, pendingTrust.fingerprint),
        },
        {
          id: 'trust-no',
          keys: ['n', 'Esc'],
          label: 'do not trust',
          help: 'Do not trust it: this BMC is left out; the step stays open.',
          run: () => dispatch({type: 'decline', key: pendingTrust.key}),
        },
      ]
    : confirmPower
      ? [
          {
            id: 'power-yes',
            keys: ['y'],
            label: 'power on',
            help: 'Set the one-time PXE boot and power the machine on.',
            run: () => (dispatch({type: 'power-cancel'}), void powerOn(confirmPower)),
          },
          {
            id: 'power-no',
            keys: ['n', 'Esc'],
            label: 'cancel',
            help: 'Leave the machine as it is.',
            run: () => dispatch({type: 'power-cancel'}),
          },
        ]
      : [];
  useKeys('prompt', promptKeys, {isActive: isActive && phase === 'live' && promptKeys.length > 0, modal: true});

  // Autoplay: the pure sequence (autoplayNext) paced by the demo speed.
  useEffect(() => {
    if (!autoplay) return undefined;
    const cue = autoplayNext(state, ctx.ports.clock.now(), autoplayDelay(ctx.ports.speed, 15_000));
    if (!cue) return undefined;
    const t = setTimeout(
      () => {
        if (cue.do === 'start') void start();
        else if (cue.do === 'finish') void finish();
        else if (cue.do === 'trust') trust(cue.key, cue.fingerprint);
        else if (cue.do === 'pick-all') dispatch({type: 'pick-all', auto: true});
        else dispatch({type: 'tick'});
      },
      autoplayDelay(ctx.ports.speed, cue.ms),
    );
    return () => clearTimeout(t);
  }, [autoplay, state, ctx, start, finish, trust]);

  const activeSources = Object.entries(sources).filter(([, s]) => s.state !== 'off');
  const prompt = pendingTrust
    ? `BMC ${pendingTrust.key} presents a certificate first seen now, SHA-256 ${pendingTrust.fingerprint}. Trust it? y/n`
    : confirmPower
      ? `Set a one-time PXE boot on ${confirmPower} and power the machine on? y/n`
      : null;
  const problems = snap?.problems ?? [];
  const fixed =
    1 +
    activeSources.length +
    1 +
    DETAIL_LINES +
    (prompt ? Math.ceil(prompt.length / Math.max(1, width)) : 0) +
    Math.min(2, problems.length) +
    1 +
    (snap?.bmcCandidates.length ? 1 : 0);
  const tableRows = Math.max(1, height - fixed);
  const picked = machines.filter(m => roles.has(m.id)).length;

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={theme.color('accent')} wrap="truncate-end">
        {phase === 'setup'
          ? 'Discover machines · choose the sources'
          : `Discover machines · ${machines.length} found · ${picked} picked${running ? ' · running' : ''}`}
      </Text>
      {phase === 'setup' ? (
        <>
          <Text color={theme.color('muted')} wrap="truncate-end">
            Space switches a source on or off, Enter edits its value, s starts.
          </Text>
          <SourcesForm
            rows={rows}
            settings={settings}
            password={password}
            passwordStored={passwordStored}
            focus={focus}
            editing={editing}
            width={width}
            onChange={value => dispatch({type: 'edit-change', value})}
            onSubmit={value => dispatch({type: 'edit-commit', value})}
            onCancel={() => dispatch({type: 'edit-cancel'})}
          />
        </>
      ) : (
        <>
          {activeSources.map(([name, s]) => (
            <Text
              key={name}
              wrap="truncate-end"
              color={s.state === 'failed' ? theme.color('error') : theme.color('muted')}
            >
              {`${s.state === 'running' ? '●' : s.state === 'failed' ? '✖' : '✔'} ${name}: ${s.state}${s.message ? ` · ${s.message}` : ''}${name === 'pxe' && snap?.pxeStats ? ` · ${snap.pxeStats.requests} requests` : ''}`}
            </Text>
          ))}
          {snap?.bmcCandidates.length ? (
            <Text wrap="truncate-end" color={theme.color('muted')}>
              {`Neighbours that may be BMCs: ${snap.bmcCandidates.map(c => c.ip).join(', ')} (b: sweep them with Redfish)`}
            </Text>
          ) : null}
          <MachineTable machines={machines} roles={roles} cursor={cursor} rows={tableRows} width={width} />
          {problems.slice(-2).map(p => (
            <Text key={p.key + p.kind} color={theme.color('warn')} wrap="truncate-end">
              {`! ${p.message}`}
            </Text>
          ))}
          {prompt ? (
            <Text bold color={theme.color('warn')} wrap="wrap">
              {prompt}
            </Text>
          ) : null}
        </>
      )}
      <Text color={message?.error ? theme.color('error') : theme.color('muted')} wrap="truncate-end">
        {message ? `${message.error ? '✖ ' : ''}${message.text}` : ' '}
      </Text>
    </Box>
  );
}
