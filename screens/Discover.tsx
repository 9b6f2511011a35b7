// The discover step's screen: switch the sources on (PXE listener or capture, Redfish sweep, neighbour
// table, hardware.csv import), start them, and watch the merged machine table fill in; trust BMC
// certificates as they are met, power one machine on through IPMI to learn its boot MAC, and pick the
// machines that become nodes with their roles.
import React, {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import type {KeyAction} from '../source/ui/keymap.js';
import type {ScreenProps} from './types.js';
import {useTheme} from '../source/ui/theme.js';
import {bootMacObserved, type DiscoveredMachine} from '../source/discovery/correlate.js';
import {anySource, settingsFromAnswers, settingsToAnswers, type DiscoverySettings} from '../source/discovery/plan.js';
import type {DiscoverySession, DiscoverySnapshot} from '../source/discovery/session.js';
import {
  dataOf,
  discoverData,
  prepareDiscovery,
  selectAll,
  suggestedRole,
  sweepCandidates,
  trustBmc,
  type Role,
} from '../source/steps/discover/step.js';
import type {Machine} from '../source/session/answers.js';
import {DETAIL_LINES, MachineTable} from './discover/MachineTable.js';
import {SourcesForm} from './discover/SourcesForm.js';
import {sourceRows} from './discover/sources.js';
import {autoplayDelay} from './discover/autoplay.js';

/** Machines already listed in the answers, shown like discovered ones. */
function fromAnswers(machines: readonly Machine[]): DiscoveredMachine[] {
  return machines.map(m => ({
    id: `answers:${m.hostname}`,
    sources: [],
    macs: [m.mac.toLowerCase()],
    bootMac: m.mac.toLowerCase(),
    pxe: false,
    hostname: m.hostname,
    ip: m.ip,
    disk: {device: m.disk, reason: 'from the answers'},
    ...(m.bmc ? {bmc: {address: m.bmc.ip}} : {}),
    ...(m.vendor ? {vendor: m.vendor} : {}),
    ...(m.model ? {model: m.model} : {}),
    ...(m.uuid ? {uuid: m.uuid} : {}),
    labels: {type: m.role},
    conflicts: [],
  }));
}

interface Initial {
  phase: 'setup' | 'live';
  machines: DiscoveredMachine[];
  roles: Map<string, Role>;
  note: string;
}

function initial(ctx: ScreenProps['ctx']): Initial {
  const data = discoverData(ctx.session);
  if (data && data.machines.length > 0) {
    return {
      phase: 'live',
      machines: data.machines,
      roles: new Map(data.selected.map(s => [s.id, s.role])),
      note: 'Results of the last discovery: e to discover again.',
    };
  }
  const given = ctx.session.answers.machines ?? [];
  if (given.length > 0) {
    const machines = fromAnswers(given);
    return {
      phase: 'live',
      machines,
      roles: new Map(given.map((m, i) => [machines[i]!.id, m.role])),
      note: 'The answers already list these machines: Enter to use them, e to discover.',
    };
  }
  return {phase: 'setup', machines: [], roles: new Map(), note: ''};
}

const IDLE: DiscoverySnapshot['sources'] = {
  pxe: {state: 'off'},
  redfish: {state: 'off'},
  ipmi: {state: 'off'},
  neighbours: {state: 'off'},
  csv: {state: 'off'},
};

export function Discover({ctx, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const start0 = useMemo(() => initial(ctx), [ctx]);
  const [phase, setPhase] = useState<'setup' | 'live'>(start0.phase);
  const [settings, setSettings] = useState<DiscoverySettings>(() => settingsFromAnswers(ctx.session.answers));
  const [password, setPassword] = useState('');
  const passwordStored = useMemo(() => ctx.secret('redfish') !== undefined, [ctx]);
  const [focus, setFocus] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const [snap, setSnap] = useState<DiscoverySnapshot | null>(null);
  const [staticMachines, setStaticMachines] = useState<DiscoveredMachine[]>(start0.machines);
  const [roles, setRoles] = useState<Map<string, Role>>(start0.roles);
  const [cursor, setCursor] = useState(0);
  const [declined, setDeclined] = useState<Set<string>>(new Set());
  const [confirmPower, setConfirmPower] = useState<string | null>(null);
  const [message, setMessage] = useState<{text: string; error: boolean} | null>(
    start0.note ? {text: start0.note, error: false} : null,
  );
  const discovery = useRef<DiscoverySession | null>(null);
  const stopped = useRef<(() => void) | null>(null);
  const startedAt = useRef(0);

  const rows = useMemo(
    () => sourceRows(ctx.session.answers.admin?.interface).filter(r => !r.visible || r.visible(settings)),
    [ctx, settings],
  );
  const machines = snap?.machines ?? staticMachines;
  const sources = snap?.sources ?? IDLE;
  const pendingTrust = snap?.needsTrust.find(t => !declined.has(t.key)) ?? null;
  const running = Object.values(sources).some(s => s.state === 'running');

  // Leaving the screen (Esc back, another step) keeps what was found in the session: coming back shows it.
  const found = useRef<{snap: DiscoverySnapshot | null; roles: Map<string, Role>}>({snap: null, roles: new Map()});
  useEffect(() => {
    found.current = {snap, roles};
  }, [snap, roles]);
  useEffect(
    () => () => {
      const {snap: last, roles: picked} = found.current;
      if (last && last.machines.length > 0 && ctx.session.steps.discover.state !== 'done') {
        const selected = last.machines.filter(m => picked.has(m.id)).map(m => ({id: m.id, role: picked.get(m.id)!}));
        ctx.dispatch({type: 'step-data', step: 'discover', data: {...dataOf(last, selected)}});
      }
      void discovery.current?.stop();
      stopped.current?.();
    },
    [ctx],
  );

  const start = useCallback(
    async (override?: DiscoverySettings) => {
      const use = override ?? settings;
      if (!anySource(use)) {
        setMessage({text: 'Switch on at least one source (Space).', error: true});
        return;
      }
      const patch = settingsToAnswers(use);
      if (password) patch.redfish = {...patch.redfish, password};
      ctx.dispatch({type: 'set-answers', patch: {discovery: patch}});
      setMessage({text: 'Starting…', error: false});
      const prepared = await prepareDiscovery(ctx, use, password);
      if (!prepared.ok) {
        setMessage({text: `${prepared.key}: ${prepared.message}`, error: true});
        return;
      }
      const session = prepared.session;
      discovery.current = session;
      session.subscribe(setSnap);
      setSnap(session.snapshot());
      setStaticMachines([]);
      setRoles(new Map());
      setPhase('live');
      startedAt.current = Date.now();
      setMessage(prepared.notes[0] ? {text: prepared.notes[0], error: false} : null);
      const untilStopped = new Promise<void>(resolve => (stopped.current = resolve));
      runWork(async signal => {
        signal.addEventListener('abort', () => stopped.current?.(), {once: true});
        await session.start(signal);
        await untilStopped;
      }).catch(error => setMessage({text: error instanceof Error ? error.message : String(error), error: true}));
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
      setMessage({text: `Trusted ${key}; reading its inventory…`, error: false});
      void trustBmc(ctx, s, key, fingerprint);
    },
    [ctx],
  );

  useEffect(() => {
    if (pendingTrust && ctx.ports.assumeYes) trust(pendingTrust.key, pendingTrust.fingerprint);
  }, [pendingTrust, ctx, trust]);

  const powerOn = useCallback(
    async (address: string) => {
      const s = discovery.current;
      const pw = password || ctx.secret('redfish');
      if (!s)
        return setMessage({text: 'Start discovery first (e, then s): the PXE listener must be running.', error: true});
      if (!settings.redfish.username || !pw)
        return setMessage({text: 'The BMC username and password (Redfish settings) are needed for IPMI.', error: true});
      setMessage({
        text: `IPMI: one-time PXE boot and power on of ${address}; waiting for its PXE request…`,
        error: false,
      });
      const host = address.replace(/:\d+$/, '');
      const r = await runWork(() => s.powerOnAndAttribute({host, username: settings.redfish.username, password: pw}));
      setMessage(r.ok ? {text: `${address} booted from ${r.value.mac}`, error: false} : {text: r.error, error: true});
    },
    [ctx, password, settings, runWork],
  );

  const finish = useCallback(async () => {
    const selected = machines.filter(m => roles.has(m.id)).map(m => ({id: m.id, role: roles.get(m.id)!}));
    if (selected.length === 0)
      return setMessage({text: 'Pick at least one machine (Space), or a for all.', error: true});
    if (!selected.some(s => s.role === 'cp'))
      return setMessage({text: 'Make at least one picked machine the control plane (c).', error: true});
    const noMac = machines.find(m => roles.has(m.id) && m.macs.length === 0);
    if (noMac)
      return setMessage({
        text: `${noMac.bmc?.address ?? noMac.id} has no MAC yet: power it on (p) or drop it.`,
        error: true,
      });
    const prev = discoverData(ctx.session);
    const data = snap ? dataOf(snap, selected) : {machines, selected, sources: prev?.sources ?? []};
    if (
      ctx.session.steps.hardware.state !== 'pending' &&
      JSON.stringify(prev?.selected ?? []) !== JSON.stringify(selected)
    ) {
      ctx.dispatch({type: 'step-invalidated', step: 'hardware', reason: 'the machines picked in Discover changed'});
    }
    await stop();
    const cp = selected.filter(s => s.role === 'cp').length;
    complete({
      summary: `${selected.length} of ${machines.length} machines picked (${cp} cp, ${selected.length - cp} worker)`,
      data: {...data},
    });
  }, [machines, roles, snap, ctx, stop, complete]);

  const pick = (m: DiscoveredMachine | undefined, role?: Role) => {
    if (!m) return;
    setRoles(prev => {
      const next = new Map(prev);
      if (role) next.set(m.id, role);
      else if (next.has(m.id)) next.delete(m.id);
      else next.set(m.id, suggestedRole(m, [...next.values()].includes('cp')));
      return next;
    });
  };

  const row = rows[focus];
  const m = machines[cursor];
  const setupKeys: KeyAction[] = [
    {
      id: 'up',
      keys: ['Up'],
      label: 'move',
      help: 'Highlight the source above.',
      footer: false,
      run: () => setFocus((focus + rows.length - 1) % rows.length),
    },
    {
      id: 'down',
      keys: ['Down', 'Tab'],
      label: 'move',
      help: 'Highlight the source below.',
      footer: false,
      run: () => setFocus((focus + 1) % rows.length),
    },
    {
      id: 'toggle',
      keys: ['Space'],
      label: 'on/off',
      help: 'Switch the highlighted source on or off.',
      run: () => (row?.toggle ? setSettings(row.toggle) : false),
    },
    {
      id: 'edit',
      keys: ['Enter'],
      label: 'edit',
      help: 'Edit the highlighted value (port, BMC addresses, credentials, CSV path); Enter keeps it, Esc leaves it as it was.',
      run: () => {
        if (row?.text) setEditing(row.mask ? password : row.text(settings, password));
        else if (row?.toggle) setSettings(row.toggle);
      },
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
      run: () => setCursor(Math.max(0, cursor - 1)),
    },
    {
      id: 'down',
      keys: ['Down'],
      label: 'move',
      help: 'Highlight the machine below.',
      footer: false,
      run: () => setCursor(Math.min(Math.max(0, machines.length - 1), cursor + 1)),
    },
    {
      id: 'pick',
      keys: ['Space'],
      label: 'pick',
      help: 'Pick or drop the highlighted machine as a node.',
      run: () => pick(m),
    },
    {
      id: 'role-cp',
      keys: ['c'],
      label: 'cp',
      help: 'Make the highlighted machine a control-plane node.',
      run: () => pick(m, 'cp'),
    },
    {
      id: 'role-worker',
      keys: ['w'],
      label: 'worker',
      help: 'Make the highlighted machine a worker node.',
      run: () => pick(m, 'worker'),
    },
    {
      id: 'all',
      keys: ['a'],
      label: 'pick all',
      help: 'Pick every machine that has a MAC, the first as cp.',
      run: () => setRoles(new Map(selectAll(machines).map(s => [s.id, s.role]))),
    },
    {
      id: 'power',
      keys: ['p'],
      label: 'power on',
      help: 'IPMI: boot the highlighted machine from the network once and power it on; its PXE request tells its boot MAC.',
      run: () => {
        if (m?.bmc) setConfirmPower(m.bmc.address);
        else setMessage({text: 'This machine has no known BMC address to power it on with.', error: true});
      },
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
              setSettings(next);
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
        setPhase('setup');
        setSnap(null);
        setMessage(null);
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
          run: () => setDeclined(d => new Set(d).add(pendingTrust.key)),
        },
      ]
    : confirmPower
      ? [
          {
            id: 'power-yes',
            keys: ['y'],
            label: 'power on',
            help: 'Set the one-time PXE boot and power the machine on.',
            run: () => (setConfirmPower(null), void powerOn(confirmPower)),
          },
          {
            id: 'power-no',
            keys: ['n', 'Esc'],
            label: 'cancel',
            help: 'Leave the machine as it is.',
            run: () => setConfirmPower(null),
          },
        ]
      : [];
  useKeys('prompt', promptKeys, {isActive: isActive && phase === 'live' && promptKeys.length > 0, modal: true});

  const commitEdit = useCallback(
    (value: string) => {
      const row = rows[focus];
      if (row?.mask) setPassword(value);
      else if (row?.set) setSettings(s => row.set!(s, value));
      setEditing(null);
    },
    [rows, focus],
  );

  // Autoplay: start the configured sources, trust each BMC, wait for the PXE requests, pick all, go on.
  const autoStage = useRef(0);
  useEffect(() => {
    if (!autoplay) return undefined;
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(fn, autoplayDelay(ctx.ports.speed, ms));
      return () => clearTimeout(t);
    };
    if (phase === 'setup') return later(2000, () => void start());
    if (!snap) return later(2000, () => void finish());
    if (pendingTrust) return later(1500, () => trust(pendingTrust.key, pendingTrust.fingerprint));
    const redfishBusy = snap.sources.redfish.state === 'running' || snap.needsTrust.length > 0;
    const waitedLong = Date.now() - startedAt.current > autoplayDelay(ctx.ports.speed, 15_000);
    const booted = snap.machines.filter(m => m.sources.includes('redfish')).every(m => m.bootMac && bootMacObserved(m));
    const pxeOn = snap.sources.pxe.state === 'running';
    if (redfishBusy || snap.machines.length === 0 || (pxeOn && !booted && !waitedLong)) {
      return pxeOn && !waitedLong ? later(1000, () => setSnap(s => (s ? {...s} : s))) : undefined;
    }
    if (autoStage.current === 0)
      return later(
        2000,
        () => ((autoStage.current = 1), setRoles(new Map(selectAll(snap.machines).map(s => [s.id, s.role])))),
      );
    return later(2500, () => void finish());
  }, [autoplay, phase, snap, pendingTrust, roles, ctx, start, finish, trust]);

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
            onChange={setEditing}
            onSubmit={commitEdit}
            onCancel={() => setEditing(null)}
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
