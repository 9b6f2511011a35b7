// The control-plane screen: kubeconfig, context (listed from the file), namespace and release, endpoints
// typed by hand or discovered, the Admin API URL and a masked token; then the checks live (a spinner and
// timer while AWS provisions the load balancers) under a picture of the two tunnels.
import React, {useCallback, useEffect, useMemo, useState} from 'react';
import {Box, Text} from 'ink';
import type {ScreenProps} from './types.js';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import {actionsFor, inkKey} from '../source/ui/keymap.js';
import {useTheme} from '../source/ui/theme.js';
import {FieldRow} from './hardware/FieldRow.js';
import {cut, useAutoplay} from './cluster/autoplay.js';
import {CheckRows} from './kong/CheckRows.js';
import {Topology} from './kong/Topology.js';
import type {TopologyModel} from './kong/tunnel-picture.js';
import {listKubeContexts, type KubeContextInfo} from '../source/kong/kubeconfig-contexts.js';
import {
  CP_CHECK_ORDER,
  cpInputFromAnswers,
  expandPath,
  tunnelMark,
  DEFAULT_KUBECONFIG,
  type CpCheck,
  type CpCheckId,
} from '../source/steps/control-plane/cp-step.js';
import {runControlPlaneStep, tokenSourceText} from '../source/steps/control-plane/step.js';
import {doneKeys, handleResultKey, resultKeys} from './kong/step-run.js';
import {nextFocus, stepStatus, useStepAttempt} from './kong/use-step-attempt.js';
import {StatusLine} from './kong/StatusLine.js';

type Mode = 'form' | 'running' | 'result' | 'done';
type FieldKey =
  | 'kubeconfig'
  | 'context'
  | 'namespace'
  | 'release'
  | 'clusterEndpoint'
  | 'telemetryEndpoint'
  | 'adminUrl'
  | 'adminToken';

const FIELDS: ReadonlyArray<{key: FieldKey; label: string; placeholder?: string}> = [
  {key: 'kubeconfig', label: 'Kubeconfig'},
  {key: 'context', label: 'Context'},
  {key: 'namespace', label: 'Namespace'},
  {key: 'release', label: 'Release'},
  {key: 'clusterEndpoint', label: 'Cluster :8005', placeholder: 'discover from the -cluster Service'},
  {key: 'telemetryEndpoint', label: 'Telemetry :8006', placeholder: 'discover'},
  {key: 'adminUrl', label: 'Admin API URL', placeholder: 'port-forward through Kubernetes'},
  {key: 'adminToken', label: 'Admin token'},
];

type ContextList =
  {status: 'loading'} | {status: 'ok'; contexts: KubeContextInfo[]} | {status: 'error'; message: string};

export function ControlPlane({ctx, session, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const record = session.steps['control-plane'];
  const [mode, setMode] = useState<Mode>(record.state === 'done' ? 'done' : 'form');
  const [form, setForm] = useState<Record<FieldKey, string>>(() => {
    const input = cpInputFromAnswers(session.answers);
    const discovered = record.data?.['endpointSource'] === 'discovered';
    return {
      kubeconfig: session.answers.controlPlane?.kubeconfig || DEFAULT_KUBECONFIG,
      context: input.context ?? '',
      namespace: input.namespace,
      release: input.release,
      clusterEndpoint: discovered ? '' : (input.clusterEndpoint ?? ''),
      telemetryEndpoint: discovered ? '' : (input.telemetryEndpoint ?? ''),
      adminUrl: input.adminUrl ?? '',
      adminToken: '',
    };
  });
  const [focus, setFocus] = useState(0);
  const [contexts, setContexts] = useState<ContextList>({status: 'loading'});
  const [checks, setChecks] = useState<Map<CpCheckId, CpCheck>>(new Map());
  const {outcome, error, attempt} = useStepAttempt(ctx, 'control-plane', runWork, setMode);

  const keys = {
    form: [
      {id: 'move', keys: ['Up', 'Down'], label: 'field', help: 'Move between the fields.'},
      {id: 'move-tab', keys: ['Tab', 'Shift-Tab'], label: 'field', help: 'Next or previous field.', footer: false},
      {
        id: 'context',
        keys: ['Left', 'Right'],
        label: 'context',
        help: 'On the context field: the next or previous context of the kubeconfig.',
      },
      {id: 'confirm', keys: ['Enter'], label: 'connect', help: 'Save the answers and check the control plane.'},
    ],
    running: [],
    result: resultKeys(Boolean(outcome), 'the data plane'),
    done: doneKeys('the data plane', {key: 'e', label: 'edit', help: 'Change the answers and check again.'}),
  }[mode];

  // The contexts of the file, read again when the path changes (pauses while typing).
  useEffect(() => {
    let live = true;
    setContexts({status: 'loading'});
    const timer = setTimeout(() => {
      void listKubeContexts(expandPath(form.kubeconfig, ctx.ports.env)).then(r => {
        if (!live) return;
        if (r.status === 'error') return setContexts({status: 'error', message: `${r.message} ${r.fix}`});
        setContexts({status: 'ok', contexts: r.contexts});
        setForm(f =>
          f.context && r.contexts.some(c => c.name === f.context)
            ? f
            : {...f, context: (r.contexts.find(c => c.current) ?? r.contexts[0])?.name ?? ''},
        );
      });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [form.kubeconfig, ctx.ports.env]);

  const run = useCallback(async () => {
    const cp = {
      kubeconfig: form.kubeconfig.trim(),
      context: form.context,
      namespace: form.namespace.trim(),
      release: form.release.trim(),
      clusterEndpoint: form.clusterEndpoint.trim(),
      telemetryEndpoint: form.telemetryEndpoint.trim(),
      adminUrl: form.adminUrl.trim(),
      ...(form.adminToken ? {adminToken: form.adminToken} : {}),
    };
    ctx.dispatch({type: 'set-answers', patch: {controlPlane: cp}});
    setForm(f => ({...f, adminToken: ''}));
    setChecks(new Map());
    await attempt(signal =>
      runControlPlaneStep(ctx, signal, cpInputFromAnswers(ctx.session.answers), c =>
        setChecks(m => new Map(m).set(c.id, c)),
      ),
    );
  }, [ctx, form, attempt]);

  const contextNames = contexts.status === 'ok' ? contexts.contexts.map(c => c.name) : [];
  useKeys(
    'screen',
    actionsFor(keys, press => {
      const {input, key} = inkKey(press);
      if (mode === 'form') {
        const field = FIELDS[focus]!.key;
        const move = nextFocus(key, FIELDS.length);
        if (move) setFocus(move);
        else if (field === 'context' && (key.leftArrow || key.rightArrow) && contextNames.length > 0) {
          const i = contextNames.indexOf(form.context);
          const next = (i + (key.rightArrow ? 1 : contextNames.length - 1)) % contextNames.length;
          setForm(f => ({...f, context: contextNames[next]!}));
        } else if (key.return) void run();
        return;
      }
      const edit = () => setMode('form');
      handleResultKey(mode, input, key.return, {
        outcome,
        complete,
        edit,
        retry: () => void run(),
        next: () => ctx.dispatch({type: 'next'}),
        againKey: 'e',
        again: edit,
      });
    }),
    {isActive},
  );

  useAutoplay(
    autoplay,
    mode === 'form' && contexts.status === 'ok' ? 'form' : mode === 'result' && outcome ? 'result' : undefined,
    () => (mode === 'form' ? void run() : outcome && complete(outcome)),
    ctx.ports,
    2000,
  );

  const list = useMemo(
    () => CP_CHECK_ORDER.map(id => checks.get(id)).filter((c): c is CpCheck => c !== undefined),
    [checks],
  );
  const data = mode === 'done' ? (record.data ?? {}) : ((outcome?.data ?? {}) as Record<string, unknown>);
  const topology: TopologyModel = {
    cp: `CP ${form.release || 'kong-cp'}`,
    cpDetail: data['version'] ? `${String(data['version'])} ${String(data['mode'] ?? '')}` : `ns ${form.namespace}`,
    dp: 'DP (this host)',
    dpDetail: 'probes from here',
    cluster: mode === 'done' ? '✔' : tunnelMark(list, 'cluster'),
    telemetry: mode === 'done' ? '✔' : tunnelMark(list, 'telemetry'),
  };
  const title = (
    <Text bold color={theme.color('accent')}>
      {cut('Kong control plane (EKS)', width)}
    </Text>
  );

  if (mode === 'form') {
    const ctxInfo = contexts.status === 'ok' ? contexts.contexts.find(c => c.name === form.context) : undefined;
    const contextHint =
      contexts.status === 'loading'
        ? 'reading the kubeconfig…'
        : contexts.status === 'error'
          ? contexts.message
          : `${contextNames.length} in file${ctxInfo?.execAuth ? ' · exec auth (aws eks get-token)' : ''}${contextNames.length > 1 ? ' · ←/→' : ''}`;
    return (
      <Box flexDirection="column">
        {title}
        <Text color={theme.color('muted')} wrap="truncate-end">
          {cut('Leave the endpoints empty to discover the load balancers.', width)}
        </Text>
        {FIELDS.map((f, i) => (
          <FieldRow
            key={f.key}
            label={f.label}
            labelWidth={15}
            width={width}
            value={form[f.key]}
            focused={i === focus}
            editing={i === focus && f.key !== 'context'}
            mask={f.key === 'adminToken'}
            placeholder={f.key === 'adminToken' ? tokenSourceText(ctx) : f.placeholder}
            onChange={v => setForm(s => ({...s, [f.key]: v}))}
          />
        ))}
        <Text color={contexts.status === 'error' ? theme.color('error') : theme.color('muted')} wrap="truncate-end">
          {cut(`  contexts: ${contextHint}`, width)}
        </Text>
        {height > 13 ? <Text> </Text> : null}
        <Text wrap="truncate-end">{cut('Enter checks the control plane · Esc back', width)}</Text>
      </Box>
    );
  }

  const status = stepStatus(theme, mode, {
    summary: record.summary,
    outcome,
    error,
    done: 'Enter next · e edit',
    running: 'Checking the control plane… (Ctrl-C stops)',
    failed: 'Enter edit · r retry',
  });
  const statusLines = mode === 'result' && !outcome ? 3 : 1;
  return (
    <Box flexDirection="column">
      {title}
      <Topology model={topology} width={width} />
      <CheckRows checks={list} width={width} height={Math.max(1, height - 4 - statusLines)} now={ctx.ports.clock.now} />
      <StatusLine text={status.text} color={status.color} lines={statusLines} width={width} />
    </Box>
  );
}
