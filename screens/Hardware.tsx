// The hardware step's screen: the shared network, then each machine's hostname, IP, role, disk, boot MAC
// and BMC, checked as you type with the file validator's rules; a preview of hardware.csv (passwords as
// ***); w writes it 0600 into the session folder and goes on.
import React, {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import type {ScreenProps} from './types.js';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import {actionsFor, inkKey} from '../source/ui/keymap.js';
import {useTheme} from '../source/ui/theme.js';
import {
  answersFromDrafts,
  draftErrors,
  draftFromMachine,
  machineFieldError,
  networkDraft,
  networkFieldError,
  withSuggestions,
  type MachineDraft,
  type NetworkDraft,
} from '../source/hardware/drafts.js';
import {previewHardwareCsv} from '../source/hardware/step.js';
import {buildHardwareCsv, defaultPassword, draftsForPicked} from '../source/steps/hardware/step.js';
import {discoverData, pickedMachines} from '../source/steps/discover/step.js';
import {FieldRow} from './hardware/FieldRow.js';
import {FORM_FIELDS, setMachineField, valueOf, type FormField} from './hardware/form.js';
import {MachineList} from './hardware/MachineList.js';
import {autoplayDelay} from './discover/autoplay.js';

function initialDrafts(ctx: ScreenProps['ctx']): MachineDraft[] {
  if (pickedMachines(discoverData(ctx.session)).length > 0) return draftsForPicked(ctx);
  return (ctx.session.answers.machines ?? []).map(m => {
    const d = draftFromMachine(m);
    return {...d, bmcPassword: d.bmcPassword || defaultPassword(ctx, d, false)};
  });
}

function fieldError(f: FormField, drafts: MachineDraft[], i: number, network: NetworkDraft): string | null {
  if (f.kind === 'network') return networkFieldError(drafts, f.field, network);
  if (f.field === 'role' || !drafts[i]) return null;
  return machineFieldError(drafts, i, f.field, network);
}

export function Hardware({ctx, session, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const [drafts, setDrafts] = useState<MachineDraft[]>(() => initialDrafts(ctx));
  const [network, setNetwork] = useState<NetworkDraft>(() => networkDraft(ctx.session.answers));
  const [focus, setFocus] = useState(0);
  const [current, setCurrent] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [preview, setPreview] = useState(false);
  const [message, setMessage] = useState<{text: string; error: boolean} | null>(null);
  const [busy, setBusy] = useState(false);
  const state = useRef({drafts, network});
  state.current = {drafts, network};
  // Keys can arrive faster than React re-renders: the input handler reads and moves these directly.
  const live = useRef({focus, current, editing});
  live.current = {focus, current, editing};
  const moveFocus = (delta: number) => {
    const next = (live.current.focus + delta + FORM_FIELDS.length) % FORM_FIELDS.length;
    live.current.focus = next;
    setFocus(next);
  };
  const moveMachine = (delta: number) => {
    const next = Math.min(Math.max(0, drafts.length - 1), Math.max(0, live.current.current + delta));
    live.current.current = next;
    setCurrent(next);
  };
  const startEdit = (value: string | null) => {
    live.current.editing = value;
    setEditing(value);
  };

  const field = FORM_FIELDS[focus]!;
  const machine = drafts[current];
  const done = session.steps.hardware.state === 'done';

  const keys = [
    {
      id: 'edit',
      keys: ['Enter'],
      label: 'edit',
      help: 'Edit the highlighted value; Enter keeps it, Esc cancels the edit. On role, Enter or Space switches cp/worker.',
    },
    {id: 'move', keys: ['Up', 'Down'], label: 'field', help: 'Move between the fields.'},
    {id: 'next-field', keys: ['Tab'], label: 'next field', help: 'The next field.', footer: false},
    {id: 'role', keys: ['Space'], label: 'switch role', help: 'On role: switch cp/worker.', footer: false},
    {id: 'machine', keys: ['Left', 'Right'], label: 'machine', help: 'Show the previous or next machine.'},
    {
      id: 'suggest',
      keys: ['s'],
      label: 'suggest',
      help: 'Fill empty hostnames (eksa-cp01, eksa-wk01, ...), IP addresses in sequence and disks.',
    },
    {id: 'preview', keys: ['v'], label: 'preview', help: 'Show hardware.csv as it will be written (passwords as ***).'},
    {
      id: 'write',
      keys: ['w'],
      label: 'write',
      help: 'Check every value, write hardware.csv (0600) into the session folder and go on.',
    },
    ...(editing !== null
      ? [{id: 'cancel', keys: ['Esc'], label: 'cancel edit', help: 'Leave the field as it was.'}]
      : []),
  ];

  const key = (f: FormField, i: number) => (f.kind === 'network' ? f.field : `${i}.${f.field}`);

  const commit = useCallback(
    (value: string) => {
      const f = FORM_FIELDS[focus]!;
      if (f.kind === 'network') setNetwork(n => ({...n, [f.field]: value}));
      else if (f.field !== 'role')
        setDrafts(ds => setMachineField(ds, current, f.field as Exclude<typeof f.field, 'role'>, value));
      setTouched(t => new Set(t).add(key(f, current)));
      // Not live.current: the Enter that submits must still read as "editing" in the screen's handler.
      setEditing(null);
    },
    [focus, current],
  );

  // After a value is kept, say which field is wrong and what it expects (the value itself stays).
  useEffect(() => {
    if (!touched.has(key(field, current))) return;
    const e = fieldError(field, drafts, current, network);
    setMessage(
      e
        ? {text: `${field.kind === 'network' ? '' : `machine ${current + 1} `}${field.label}: ${e}`, error: true}
        : null,
    );
    // Only when a value changes, not when the cursor moves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [drafts, network, touched]);

  const suggest = useCallback(() => {
    setDrafts(ds => withSuggestions(ds, state.current.network, ctx.session.answers));
    setMessage({text: 'Suggestions filled the empty hostnames, addresses and disks.', error: false});
  }, [ctx]);

  const write = useCallback(async () => {
    if (busy) return;
    const {drafts: ds, network: net} = state.current;
    if (ds.length === 0) {
      setMessage({
        text: 'No machines: go back to Discover and pick some, or list them under machines in the answers.',
        error: true,
      });
      return;
    }
    const errors = draftErrors(ds, net);
    if (errors.length > 0) {
      setShowAll(true);
      setPreview(false);
      const e = errors[0]!;
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      setMessage({
        text: `${e.machine === null ? '' : `machine ${e.machine + 1} `}${e.column}: ${e.message}${more}`,
        error: true,
      });
      if (e.machine !== null) setCurrent(e.machine);
      const at = FORM_FIELDS.findIndex(f => f.field === e.field);
      if (at >= 0) setFocus(at);
      return;
    }
    if (!ds.some(d => d.role === 'cp')) {
      setMessage({text: 'role: at least one machine must be cp (the control plane)', error: true});
      return;
    }
    setBusy(true);
    setMessage({text: 'Writing hardware.csv…', error: false});
    const passwords = new Map(ds.map(d => [d.hostname, d.bmcPassword] as const));
    try {
      ctx.dispatch({type: 'set-answers', patch: answersFromDrafts(ds, net)});
      const outcome = await runWork(() =>
        buildHardwareCsv(ctx, {bmcPassword: m => passwords.get(m.hostname) || undefined}),
      );
      complete(outcome);
    } catch (error) {
      setMessage({text: error instanceof Error ? error.message.replace(/\n/g, ' · ') : String(error), error: true});
      setBusy(false);
    }
  }, [busy, complete, ctx, runWork]);

  useKeys(
    'screen',
    actionsFor(keys, press => {
      const {input, key: k} = inkKey(press);
      if (live.current.editing !== null) {
        if (k.escape) startEdit(null);
        return;
      }
      if (busy) return;
      const f = FORM_FIELDS[live.current.focus]!;
      const i = live.current.current;
      const m = drafts[i];
      if (k.upArrow) moveFocus(-1);
      else if (k.downArrow || k.tab) moveFocus(1);
      else if (k.leftArrow) moveMachine(-1);
      else if (k.rightArrow) moveMachine(1);
      else if (input === 's') suggest();
      else if (input === 'v') setPreview(p => !p);
      else if (input === 'w') void write();
      else if (k.return || input === ' ') {
        if (f.kind === 'machine' && f.field === 'role') {
          if (m) setDrafts(ds => ds.map((d, j) => (j === i ? {...d, role: d.role === 'cp' ? 'worker' : 'cp'} : d)));
        } else if (k.return && (f.kind === 'network' || m)) {
          startEdit(valueOf(f, network, m));
        }
      }
    }),
    {isActive},
  );

  // Autoplay: accept the suggestions, show the preview, write.
  const stage = useRef(0);
  useEffect(() => {
    if (!autoplay || busy || done) return undefined;
    const steps = [() => suggest(), () => setPreview(true), () => void write()];
    if (stage.current >= steps.length) return undefined;
    const t = setTimeout(
      () => {
        steps[stage.current++]!();
      },
      autoplayDelay(ctx.ports.speed, stage.current === 2 ? 3000 : 2000),
    );
    return () => clearTimeout(t);
  }, [autoplay, busy, done, preview, drafts, suggest, write, ctx]);

  const labelWidth = 12;
  const csv = useMemo(() => {
    if (!preview) return [];
    const a = answersFromDrafts(drafts, network);
    return previewHardwareCsv({...ctx.session.answers, ...a}, i => (drafts[i]?.bmcPassword ?? '') !== '')
      .trimEnd()
      .split('\n');
  }, [preview, drafts, network, ctx]);

  const listRows = Math.max(0, height - FORM_FIELDS.length - 5);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={theme.color('accent')} wrap="truncate-end">
        {`Hardware · hardware.csv for ${drafts.length} machine${drafts.length === 1 ? '' : 's'}${done ? ' · ✔ written' : ''}`}
      </Text>
      {preview ? (
        <Box flexDirection="column" height={height - 2} overflow="hidden">
          <Text color={theme.color('muted')} wrap="truncate-end">
            hardware.csv preview (passwords shown as ***) — v to edit again
          </Text>
          {csv.slice(0, height - 3).map((line, i) => (
            <Text key={i} wrap="truncate-end">
              {line}
            </Text>
          ))}
        </Box>
      ) : (
        <>
          {FORM_FIELDS.map((f, i) => {
            const header =
              f.field === 'hostname' ? (
                <Text key="mh" bold wrap="truncate-end">
                  {machine
                    ? `Machine ${current + 1}/${drafts.length} ‹ ›  ${[machine.vendor, machine.model].filter(Boolean).join(' ') || 'machine'}`
                    : 'No machines: go back to Discover (Esc) and pick some'}
                </Text>
              ) : null;
            const k = key(f, current);
            const shownError = showAll || touched.has(k) ? fieldError(f, drafts, current, network) : null;
            const isEditing = editing !== null && focus === i;
            return (
              <React.Fragment key={f.label}>
                {header}
                <FieldRow
                  label={f.label}
                  value={isEditing ? editing : valueOf(f, network, machine)}
                  labelWidth={labelWidth}
                  width={width}
                  focused={focus === i}
                  editing={isEditing}
                  mask={f.field === 'bmcPassword'}
                  error={shownError}
                  {...(f.field === 'role' ? {hint: 'Enter switches cp/worker'} : {})}
                  {...(f.field === 'nameservers' ? {placeholder: 'e.g. 10.20.0.2, 1.1.1.1'} : {})}
                  onChange={setEditing}
                  onSubmit={commit}
                />
              </React.Fragment>
            );
          })}
          <MachineList drafts={drafts} network={network} current={current} width={width} rows={listRows} />
        </>
      )}
      <Text color={message?.error ? theme.color('error') : theme.color('muted')} wrap="truncate-end">
        {message ? `${message.error ? '✖ ' : ''}${message.text}` : busy ? 'Writing…' : ' '}
      </Text>
    </Box>
  );
}
