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
import {
  DEPLOY_FIELDS,
  DeployFormRows,
  DeployProgress,
  deployFormFrom,
  deployFormProblem,
  deployPatch,
  type DeployForm,
} from './kong/CpDeploy.js';
import type {CpDeployPhase} from '../source/steps/control-plane/cp-deploy.js';
import type {EksProgress} from '../source/steps/control-plane/eks-cluster.js';
import type {RunningCommand} from '../source/run/types.js';

/** Connect to a CP that exists (the default) or deploy one on EKS (issue 10). */
type Choice = 'existing' | 'deploy';
const CHOICE_TEXT: Record<Choice, string> = {
  existing: 'connect to an existing control plane',
  deploy: 'deploy one on EKS (eksctl + helm)',
};

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
  const [choice, setChoice] = useState<Choice>(session.answers.controlPlane?.deploy ? 'deploy' : 'existing');
  const [deployForm, setDeployForm] = useState<DeployForm>(() => deployFormFrom(session.answers));
  const [phases, setPhases] = useState<CpDeployPhase[]>([]);
  const [eks, setEks] = useState<EksProgress | undefined>(undefined);
  const [command, setCommand] = useState<RunningCommand | null>(null);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  // Row 0 is the choice; the cursor starts on the first field so typing goes straight into it.
  const [focus, setFocus] = useState(1);
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
        label: 'choose',
        help: 'On the first row: connect or deploy one. On the context field: the next or previous context of the kubeconfig. On a deploy choice: the next or previous value.',
      },
      {
        id: 'confirm',
        keys: ['Enter'],
        label: choice === 'deploy' ? 'deploy' : 'connect',
        help:
          choice === 'deploy'
            ? 'Save the answers, create the EKS cluster, deploy the control plane, then check it.'
            : 'Save the answers and check the control plane.',
      },
      ...(choice === 'deploy'
        ? [
            {
              id: 'cancel-deploy',
              keys: ['Esc'],
              label: 'connect instead',
              help: 'Leave the deploy form: back to connecting to an existing control plane.',
            },
          ]
        : []),
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

  const runDeploy = useCallback(async () => {
    const bad = deployFormProblem(deployForm);
    setProblem(bad);
    if (bad) return;
    ctx.dispatch({type: 'set-answers', patch: deployPatch(deployForm, ctx.session.answers)});
    setChecks(new Map());
    setPhases([]);
    setEks(undefined);
    setCommand(null);
    await attempt(async signal => {
      const {deployControlPlane} = await import('../source/steps/control-plane/cp-deploy-step.js');
      const deployed = await deployControlPlane(ctx, signal, {
        onPhase: setPhases,
        onEks: setEks,
        onCommand: setCommand,
      });
      const where = deployed.plan.eks ? `EKS ${deployed.plan.eks.name} (${deployed.plan.eks.region})` : 'EKS';
      if (ctx.ports.world === 'dry-run')
        return {
          summary: `dry run: control plane on ${where} (commands recorded, nothing created)`,
          data: {dryRun: true},
        };
      const connected = await runControlPlaneStep(ctx, signal, deployed.input, c =>
        setChecks(m => new Map(m).set(c.id, c)),
      );
      return {...connected, summary: `deployed on ${where} · ${connected.summary}`};
    });
  }, [ctx, deployForm, attempt]);

  const run = useCallback(async () => {
    if (choice === 'deploy') return runDeploy();
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
  }, [ctx, form, attempt, choice, runDeploy]);

  const contextNames = contexts.status === 'ok' ? contexts.contexts.map(c => c.name) : [];
  useKeys(
    'screen',
    actionsFor(keys, press => {
      const {input, key} = inkKey(press);
      if (mode === 'form') {
        const rows = (choice === 'deploy' ? DEPLOY_FIELDS.length : FIELDS.length) + 1;
        const move = nextFocus(key, rows);
        const sideways = key.leftArrow || key.rightArrow;
        if (move) setFocus(move);
        else if (key.escape && choice === 'deploy') {
          setChoice('existing');
          setFocus(1);
          setProblem(undefined);
        } else if (focus === 0 && sideways) {
          setChoice(c => (c === 'existing' ? 'deploy' : 'existing'));
          setProblem(undefined);
        } else if (choice === 'deploy') {
          const f = DEPLOY_FIELDS[focus - 1];
          if (f?.choices && sideways) {
            const i = f.choices.indexOf(deployForm[f.key]);
            const next = f.choices[(i + (key.rightArrow ? 1 : f.choices.length - 1)) % f.choices.length]!;
            setDeployForm(d => ({...d, [f.key]: next}));
          } else if (key.return) void run();
          return;
        }
        const field = FIELDS[focus - 1]?.key;
        if (move || key.escape || focus === 0) {
          if (focus === 0 && key.return) void run();
        } else if (field === 'context' && sideways && contextNames.length > 0) {
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
    // Deploying needs no kubeconfig yet (eksctl writes it), so the contexts are not waited for.
    mode === 'form' && (choice === 'deploy' || contexts.status === 'ok')
      ? 'form'
      : mode === 'result' && outcome
        ? 'result'
        : undefined,
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
          {cut(
            choice === 'deploy'
              ? 'Creates the EKS cluster and the Kong CP on it, then connects to it.'
              : 'Leave the endpoints empty to discover the load balancers.',
            width,
          )}
        </Text>
        <FieldRow
          label="Control plane"
          labelWidth={15}
          width={width}
          value={focus === 0 ? `‹ ${CHOICE_TEXT[choice]} ›` : CHOICE_TEXT[choice]}
          focused={focus === 0}
          editing={false}
          onChange={() => undefined}
        />
        {choice === 'deploy' ? (
          <DeployFormRows
            form={deployForm}
            focus={focus - 1}
            width={width}
            onChange={(key, value) => setDeployForm(d => ({...d, [key]: value}))}
          />
        ) : null}
        {choice === 'existing' &&
          FIELDS.map((f, i) => (
            <FieldRow
              key={f.key}
              label={f.label}
              labelWidth={15}
              width={width}
              value={form[f.key]}
              focused={i + 1 === focus}
              editing={i + 1 === focus && f.key !== 'context'}
              mask={f.key === 'adminToken'}
              placeholder={f.key === 'adminToken' ? tokenSourceText(ctx) : f.placeholder}
              onChange={v => setForm(s => ({...s, [f.key]: v}))}
            />
          ))}
        {choice === 'existing' ? (
          <Text color={contexts.status === 'error' ? theme.color('error') : theme.color('muted')} wrap="truncate-end">
            {cut(`  contexts: ${contextHint}`, width)}
          </Text>
        ) : (
          <Text color={problem ? theme.color('error') : theme.color('muted')} wrap="truncate-end">
            {cut(
              problem
                ? `Fix first: ${problem}`
                : '  15–20 min; AWS bills EKS, nodes and NLBs while it runs (README). DB: answers file.',
              width,
            )}
          </Text>
        )}
        {height > 13 ? <Text> </Text> : null}
        <Text wrap="truncate-end">
          {cut(
            choice === 'deploy'
              ? 'Enter deploys · ←/→ on a choice · Esc connect instead'
              : 'Enter checks the control plane · ↑ deploy one instead · Esc back',
            width,
          )}
        </Text>
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
  // Deploying: the phases and the command's log until the discovery's checks take over.
  if (choice === 'deploy' && phases.length > 0 && list.length === 0 && mode !== 'done')
    return (
      <Box flexDirection="column">
        {title}
        <DeployProgress
          phases={phases}
          eks={eks}
          command={command}
          now={ctx.ports.clock.now}
          width={width}
          height={Math.max(4, height - 2 - statusLines)}
          sessionDir={ctx.ports.sessionDir}
        />
        <StatusLine
          text={mode === 'running' ? 'Deploying the control plane… (Ctrl-C stops)' : status.text}
          color={status.color}
          lines={statusLines}
          width={width}
        />
      </Box>
    );
  return (
    <Box flexDirection="column">
      {title}
      <Topology model={topology} width={width} />
      <CheckRows checks={list} width={width} height={Math.max(1, height - 4 - statusLines)} now={ctx.ports.clock.now} />
      <StatusLine text={status.text} color={status.color} lines={statusLines} width={width} />
    </Box>
  );
}
