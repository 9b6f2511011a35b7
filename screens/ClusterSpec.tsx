// The cluster-spec screen: a form over the cluster answers, checked as you type (each problem names
// its field and what is expected; what you typed stays), then the endpoint and tinkerbellIP probed
// and the OS image URL tried, a YAML preview, and cluster.yaml written.
import React, {useEffect, useMemo, useState} from 'react';
import {homedir} from 'node:os';
import {Box, Text} from 'ink';
import type {ScreenProps} from './types.js';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import {actionsFor, inkKey, type Keypress} from '../source/ui/keymap.js';
import {useTheme} from '../source/ui/theme.js';
import {appendTyped} from '../source/ui/TextField.js';
import {listPublicKeys, type PublicKeyFile} from '../source/cluster/ssh-keys.js';
import {checkForm, initialValues, specFields, type FieldKey, type FormValues} from '../source/cluster/spec-form.js';
import {
  localAddresses,
  networkChecks,
  renderFromAnswers,
  specInputs,
  specSummary,
  writeSpecArtifact,
} from '../source/steps/cluster-spec/spec-step.js';
import type {SpecIssue} from '../source/cluster/spec.js';
import {cut, useAutoplay, wrapText} from './cluster/autoplay.js';

type Mode = 'form' | 'checking' | 'preview' | 'writing';

export function ClusterSpec({ctx, session, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const dryRun = ctx.ports.world === 'dry-run';
  const [keys, setSshKeys] = useState<PublicKeyFile[]>([]);
  const [stored] = useState(() => specInputs(ctx));
  const fields = useMemo(() => specFields(keys, stored.now), [keys, stored.now]);
  const [values, setValues] = useState<FormValues>(() => initialValues(session.answers));
  const [focus, setFocus] = useState(0);
  const [mode, setMode] = useState<Mode>('form');
  const [local, setLocal] = useState<string[] | undefined>(undefined);
  const [netIssues, setNetIssues] = useState<(SpecIssue & {value: string})[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [scroll, setScroll] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void listPublicKeys(ctx.ports.env['HOME'] ?? homedir()).then(setSshKeys, () => setSshKeys([]));
    if (!dryRun) void localAddresses(ctx.ports.runner).then(setLocal);
  }, [ctx, dryRun]);

  const form = checkForm(session.answers, values, {
    now: stored.now,
    ...(stored.licenseToken ? {licenseToken: stored.licenseToken} : {}),
    ...(local ? {localAddresses: local} : {}),
  });
  const inputs = {now: stored.now, licenseToken: form.patch.licenseToken ?? stored.licenseToken};
  for (const n of netIssues) {
    const key = n.key.slice('cluster.'.length) as FieldKey;
    if (values[key] === n.value) (form.issues[key] ??= []).push(n.message);
  }
  const ok = form.ok && Object.keys(form.issues).length === 0;
  const draft = {...session.answers, cluster: {...session.answers.cluster, ...form.patch}};
  const rendered = mode === 'preview' || mode === 'writing' ? renderFromAnswers(draft, inputs, local) : undefined;
  // The preview hides the licence token; only cluster.yaml (0600) holds it.
  const yamlLines = rendered?.preview.split('\n') ?? [];
  // The first warning is read whole (the image check); the rest are one line each.
  const warningLines = [
    ...(warnings[0] ? wrapText(`! ${warnings[0]}`, width, 2) : []),
    ...warnings.slice(1, 2).map(w => `! ${w}`),
    ...(warnings.length > 2 ? [`  and ${warnings.length - 2} more warning(s)`] : []),
  ];
  const previewHeight = Math.max(3, height - 3 - warningLines.length);

  const keyTable =
    mode === 'form'
      ? [
          {
            id: 'move',
            keys: ['Up', 'Down', 'Tab', 'Shift-Tab'],
            label: 'field',
            help: 'Move between the fields (Tab too).',
          },
          {
            id: 'choose',
            keys: ['Left', 'Right'],
            label: 'choose',
            help: 'Change a field with choices (Kubernetes version, SSH key).',
          },
          {
            id: 'confirm',
            keys: ['Enter'],
            label: 'check',
            help: 'Probe the addresses and the image URL, then show the YAML.',
          },
          {
            id: 'erase',
            keys: ['Backspace'],
            label: 'erase',
            help: 'Erase the last character of the field.',
            footer: false,
          },
        ]
      : mode === 'preview'
        ? [
            {
              id: 'confirm',
              keys: ['Enter'],
              label: 'write cluster.yaml',
              help: 'Write cluster.yaml into the session folder and go on.',
            },
            {id: 'edit', keys: ['e', 'Esc'], label: 'edit', help: 'Back to the form (Esc too).'},
            {id: 'scroll', keys: ['Up', 'Down', 'PgUp', 'PgDn'], label: 'scroll', help: 'Scroll the YAML.'},
          ]
        : [];

  const check = async () => {
    if (!ok) return;
    setMode('checking');
    setError(null);
    const r = renderFromAnswers(draft, inputs, local);
    if (!r.resolved) {
      setMode('form');
      return;
    }
    if (dryRun) {
      setWarnings([
        ...r.warnings.map(w => w.message),
        'dry run: the addresses were not probed and the image URL was not tried',
      ]);
      setMode('preview');
      return;
    }
    try {
      const net = await runWork(signal => networkChecks(r.resolved!, ctx.ports.runner, ctx.ports.net, signal));
      setNetIssues(net.errors.map(e => ({...e, value: values[e.key.slice('cluster.'.length) as FieldKey] ?? ''})));
      setWarnings([...net.warnings, ...r.warnings].map(w => `${w.key}: ${w.message}`));
      setScroll(0);
      setMode(net.errors.length > 0 ? 'form' : 'preview');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setMode('form');
    }
  };

  const write = async () => {
    if (!rendered?.resolved || !rendered.yaml) return;
    setMode('writing');
    try {
      ctx.dispatch({type: 'set-answers', patch: {cluster: form.patch}});
      const path = await writeSpecArtifact(ctx.ports.sessionDir, rendered.yaml);
      ctx.dispatch({type: 'record-artifact', key: 'clusterYaml', path});
      complete({summary: specSummary(rendered.resolved), data: {name: rendered.resolved.name, warnings}});
    } catch (err) {
      setError(`cannot write cluster.yaml: ${err instanceof Error ? err.message : String(err)}`);
      setMode('preview');
    }
  };

  // In the form every key that types goes into the focused field (Esc still goes back a step).
  const typeIntoField = (press: Keypress) => {
    if (mode !== 'form' || !press.text) return false;
    const field = fields[focus];
    if (field && field.kind !== 'choice') setValues(v => ({...v, [field.key]: appendTyped(v[field.key], press.text)}));
    return true;
  };
  useKeys(
    'screen',
    actionsFor(keyTable, press => {
      const {input, key} = inkKey(press);
      if (mode === 'preview') {
        const max = Math.max(0, yamlLines.length - previewHeight);
        if (key.return) void write();
        else if (input === 'e' || key.escape) setMode('form');
        else if (key.upArrow) setScroll(s => Math.max(0, s - 1));
        else if (key.downArrow) setScroll(s => Math.min(max, s + 1));
        else if (key.pageUp) setScroll(s => Math.max(0, s - previewHeight));
        else if (key.pageDown) setScroll(s => Math.min(max, s + previewHeight));
        return;
      }
      if (mode !== 'form') return;
      const field = fields[focus]!;
      if (key.upArrow || (key.shift && key.tab)) setFocus(f => (f + fields.length - 1) % fields.length);
      else if (key.downArrow || key.tab) setFocus(f => (f + 1) % fields.length);
      else if (key.return) void check();
      else if (field.kind === 'choice' && (key.leftArrow || key.rightArrow)) {
        const choices = field.choices ?? [];
        const at = Math.max(
          0,
          choices.findIndex(c => c.value === values[field.key]),
        );
        const next = choices[(at + (key.rightArrow ? 1 : choices.length - 1)) % choices.length];
        if (next) setValues(v => ({...v, [field.key]: next.value}));
      } else if (field.kind !== 'choice' && (key.backspace || key.delete))
        setValues(v => ({...v, [field.key]: v[field.key].slice(0, -1)}));
    }),
    {isActive, rest: typeIntoField},
  );

  useAutoplay(
    autoplay,
    mode === 'form' && ok && local !== undefined ? 'form' : mode === 'preview' ? 'preview' : undefined,
    () => {
      if (mode === 'form') void check();
      else if (mode === 'preview') void write();
    },
    ctx.ports,
  );

  const line = (k: string, text: string, color?: string, bold = false) => (
    <Text key={k} color={color} bold={bold} wrap="truncate-end">
      {cut(text, width)}
    </Text>
  );

  if (mode === 'preview' || mode === 'writing') {
    return (
      <Box flexDirection="column" height={height} overflow="hidden">
        {line('t', `Cluster spec · preview of cluster.yaml (${yamlLines.length} lines)`, theme.color('accent'), true)}
        <Box flexDirection="column" height={previewHeight} overflow="hidden">
          {yamlLines.slice(scroll, scroll + previewHeight).map((l, i) => line(`y${i}`, l || ' '))}
        </Box>
        {warningLines.map((w, i) => line(`w${i}`, w, theme.color('warn')))}
        {error ? line('e', `✘ ${error}`, theme.color('error')) : null}
        {line(
          'h',
          mode === 'writing' ? 'Writing cluster.yaml…' : 'Enter: write cluster.yaml and go on · e: edit · ↑↓ scroll',
          theme.color('muted'),
        )}
      </Box>
    );
  }

  const focused = fields[focus]!;
  const focusIssues = form.issues[focused.key] ?? [];
  const broken = fields.filter(f => form.issues[f.key]).map(f => f.label);
  const valueText = (k: FieldKey, kind: string, isFocused: boolean) => {
    if (kind === 'choice') {
      const f = fields.find(x => x.key === k)!;
      const label =
        f.choices?.find(c => c.value === values[k])?.label ?? (values[k] ? `${values[k].slice(0, 24)}…` : '');
      return isFocused ? `‹ ${label} ›` : label;
    }
    if (kind === 'secret') {
      const shown = values[k]
        ? '•'.repeat(Math.min(12, values[k].length))
        : k === 'licenseToken' && stored.licenseToken
          ? '(stored)'
          : '';
      return `${shown}${isFocused ? '█' : ''}`;
    }
    return `${values[k]}${isFocused ? '█' : ''}`;
  };
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {line(
        't',
        `Cluster spec${mode === 'checking' ? ' · probing the addresses and the image URL…' : ''}`,
        theme.color('accent'),
        true,
      )}
      {fields.map((f, i) => {
        const bad = Boolean(form.issues[f.key]);
        return line(
          f.key,
          `${i === focus ? '▸' : ' '} ${f.label.padEnd(15)} ${valueText(f.key, f.kind, i === focus)}${bad ? '  ✘' : ''}`,
          bad ? theme.color('error') : i === focus ? theme.color('accent') : undefined,
        );
      })}
      {line('gap', ' ')}
      {focusIssues.length > 0
        ? focusIssues
            .slice(0, 2)
            .flatMap((m, i) =>
              wrapText(`✘ ${focused.label}: ${m}`, width, 3).map((t, j) =>
                line(`fi${i}-${j}`, t, theme.color('error')),
              ),
            )
        : line('hint', `${focused.label}: ${focused.hint}`, theme.color('muted'))}
      {(form.issues.general ?? []).slice(0, 2).map((m, i) => line(`g${i}`, `✘ ${m}`, theme.color('error')))}
      {error ? line('err', `✘ ${error}`, theme.color('error')) : null}
      {line(
        's',
        ok
          ? 'All fields are valid: Enter probes the addresses and shows the YAML.'
          : `To fix: ${broken.join(', ') || 'see above'}`,
        ok ? theme.color('ok') : theme.color('warn'),
      )}
    </Box>
  );
}
