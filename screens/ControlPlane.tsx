// The control-plane screen: kubeconfig, context (listed from the file), namespace and release, endpoints
// typed by hand or discovered, the Admin API URL and a masked token; then the checks live (a spinner and
// timer while AWS provisions the load balancers) under a picture of the two tunnels.
import React, {useCallback, useEffect, useMemo, useRef, useState} from 'react';
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
import {deployThenConnect, runControlPlaneStep, tokenSourceText} from '../source/steps/control-plane/step.js';
import {doneKeys, handleResultKey, resultKeys} from './kong/step-run.js';
import {nextFocus, stepStatus, useStepAttempt} from './kong/use-step-attempt.js';
import {StatusLine} from './kong/StatusLine.js';
import {
  ANSWER_KEY,
  DeployFormRows,
  DeployProgress,
  deployFields,
  deployFormFrom,
  deployPatch,
  type DeployForm,
} from './kong/CpDeploy.js';
import type {CpDeployPhase} from '../source/steps/control-plane/cp-deploy.js';
import {mergeAnswers, withoutKeys} from '../source/wizard/reducer.js';
import {StepFailure} from '../source/errors.js';
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
  const [deployForm, setDeployForm] = useState<DeployForm>(() => deployFormFrom(session.answers, DEFAULT_KUBECONFIG));
  const storedDbPassword = ctx.secret('kong.cpDatabasePassword') !== undefined;
  const deployRows = deployFields(deployForm, storedDbPassword);
  const [phases, setPhases] = useState<CpDeployPhase[]>([]);
  const phasesRef = useRef<CpDeployPhase[]>([]);
  // Esc while deploying asks first; y stops it through this (the attempt's own signal is Ctrl-C's).
  const stopRef = useRef<AbortController | null>(null);
  const [stop, setStop] = useState<'ask' | 'stopping' | null>(null);
  const [eks, setEks] = useState<EksProgress | undefined>(undefined);
  const [command, setCommand] = useState<RunningCommand | null>(null);
  const [problem, setProblem] = useState<{key: string; message: string} | undefined>(undefined);
  // Row 0 is the choice; the cursor starts on the first text field so typing goes straight into it
  // (deploying: the cluster name, under the EKS cluster choice).
  const [focus, setFocus] = useState(() => (session.answers.controlPlane?.deploy ? 2 : 1));
  const [contexts, setContexts] = useState<ContextList>({status: 'loading'});
  const [checks, setChecks] = useState<Map<CpCheckId, CpCheck>>(new Map());
  /** What a stopped deploy would leave, in AWS or on the cluster: set while a deploy runs. */
  const leftRef = useRef<((carryOn?: string) => string) | null>(null);
  // Ctrl-C's quit dialog says it too: quitting stops the deploy as Esc-then-y does.
  const runWorkLeaving = useCallback<ScreenProps['runWork']>(
    work => runWork(work, {leaves: () => leftRef.current?.('resuming the session carries on from there')}),
    [runWork],
  );
  const {outcome, error, attempt} = useStepAttempt(ctx, 'control-plane', runWorkLeaving, setMode);

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
    running:
      choice === 'deploy'
        ? [
            {
              id: 'stop-deploy',
              keys: ['Esc'],
              label: 'stop the deploy',
              help: 'Asks first. Stopping cancels eksctl or helm cleanly and says what is left in AWS and how to remove it; the step does not go back while it runs.',
            },
          ]
        : [],
    result: resultKeys(Boolean(outcome), 'the data plane'),
    done: doneKeys('the data plane', {key: 'e', label: 'edit', help: 'Change the answers and check again.'}),
  }[mode];

  // The contexts of the file, read again when the path changes (pauses while typing): the connect
  // form's kubeconfig, or the deploy form's when the CP goes onto an existing cluster.
  const listPath = choice === 'deploy' ? deployForm.kubeconfig : form.kubeconfig;
  useEffect(() => {
    let live = true;
    setContexts({status: 'loading'});
    const timer = setTimeout(() => {
      void listKubeContexts(expandPath(listPath, ctx.ports.env)).then(r => {
        if (!live) return;
        if (r.status === 'error') return setContexts({status: 'error', message: `${r.message} ${r.fix}`});
        setContexts({status: 'ok', contexts: r.contexts});
        const pick = <T extends {kubeconfig: string; context: string}>(f: T): T =>
          f.kubeconfig !== listPath || (f.context && r.contexts.some(c => c.name === f.context))
            ? f
            : {...f, context: (r.contexts.find(c => c.current) ?? r.contexts[0])?.name ?? ''};
        setForm(pick);
        setDeployForm(pick);
      });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [listPath, ctx.ports.env]);

  const runDeploy = useCallback(async () => {
    const {patch, unset} = deployPatch(deployForm);
    const current = ctx.session.answers;
    const next = mergeAnswers(withoutKeys(current, unset), patch);
    const db = current.controlPlane?.deploy?.database;
    // A password typed now, or one stored earlier that no reference of the answers overrides.
    const known =
      deployForm.dbPassword !== '' ||
      (deployForm.dbPasswordFrom === 'typed' && !db?.passwordEnv && !db?.passwordFile && storedDbPassword);
    // Loaded when first needed, like the deploy itself (it brings the Kubernetes client).
    const {deployAnswersProblem} = await import('../source/steps/control-plane/cp-deploy-step.js');
    const bad = deployAnswersProblem(next, ctx.ports.env, ctx.ports.sessionDir, known);
    setProblem(bad);
    if (bad) {
      const at = deployRows.findIndex(f => ANSWER_KEY[f.key] === bad.key);
      if (at >= 0) setFocus(at + 1);
      return;
    }
    ctx.dispatch({type: 'set-answers', patch, unset});
    setDeployForm(f => ({...f, dbPassword: ''}));
    setChecks(new Map());
    setPhases([]);
    phasesRef.current = [];
    setEks(undefined);
    setCommand(null);
    const stopper = new AbortController();
    stopRef.current = stopper;
    const {cpDeployPlanFromAnswers, leftAfterStop} = await import('../source/steps/control-plane/cp-deploy.js');
    leftRef.current = carryOn => {
      try {
        const plan = cpDeployPlanFromAnswers(ctx.session.answers, ctx.ports.sessionDir);
        return leftAfterStop(
          phasesRef.current,
          {
            ...(plan.eks ? {eks: {name: plan.eks.name, region: plan.eks.region}} : {}),
            namespace: plan.values.namespace,
            release: plan.values.release,
            kubeconfig: plan.kubeconfig,
          },
          carryOn,
        );
      } catch {
        // The answers were checked before the deploy started; nothing more to say without them.
        return '';
      }
    };
    await attempt(signal =>
      deployThenConnect(
        ctx,
        AbortSignal.any([signal, stopper.signal]),
        {
          onPhase: p => {
            phasesRef.current = p;
            setPhases(p);
          },
          onEks: setEks,
          onCommand: setCommand,
        },
        c => setChecks(m => new Map(m).set(c.id, c)),
      ),
    );
    stopRef.current = null;
    leftRef.current = null;
    setStop(null);
  }, [ctx, deployForm, deployRows, attempt, storedDbPassword]);

  /** y on "stop the deploy?": cancels the running command; the failure says what is left and how to remove it. */
  const stopDeploy = useCallback(async () => {
    const stopper = stopRef.current;
    if (!stopper) return setStop(null);
    setStop('stopping');
    const said = leftRef.current?.();
    const left = said ? ` ${said}` : '';
    stopper.abort(new StepFailure(`deploy stopped (Esc).${left}`));
  }, []);

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
      if (mode === 'running') {
        if (key.escape && choice === 'deploy' && stop === null) setStop('ask');
        return;
      }
      if (mode === 'form') {
        const rows = (choice === 'deploy' ? deployRows.length : FIELDS.length) + 1;
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
          const f = deployRows[focus - 1];
          const cycle = (values: readonly string[], current: string) =>
            values[(values.indexOf(current) + (key.rightArrow ? 1 : values.length - 1)) % values.length]!;
          if (f?.choices && sideways) {
            const choices = f.choices;
            setDeployForm(d => ({...d, [f.key]: cycle(choices, d[f.key])}));
          } else if (f?.key === 'context' && sideways && contextNames.length > 0)
            setDeployForm(d => ({...d, context: cycle(contextNames, d.context)}));
          else if (key.return) void run();
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
  // "Stop the deploy?": a prompt over the running deploy, which goes on until y.
  useKeys(
    'prompt',
    [
      {
        id: 'stop-yes',
        keys: ['y', 'Y'],
        label: 'stop it',
        help: 'Cancel the running command (eksctl or helm) and end the step; what is left is named.',
        run: () => void stopDeploy(),
      },
      {
        id: 'stop-no',
        keys: ['n', 'N', 'Esc'],
        label: 'keep going',
        help: 'Leave the deploy running.',
        run: () => setStop(null),
      },
    ],
    {isActive: isActive && stop === 'ask' && mode === 'running', modal: true},
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
            choice === 'existing'
              ? 'Leave the endpoints empty to discover the load balancers.'
              : deployForm.eks.startsWith('create')
                ? 'Creates the EKS cluster and the Kong CP on it, then connects to it.'
                : 'Deploys the Kong CP on an existing EKS cluster, then connects to it.',
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
            fields={deployRows}
            focus={focus - 1}
            width={width}
            // Title, subtitle, the choice row, the note (two lines for a problem) and the keys line.
            height={height - (problem ? 6 : 5) - (height > 22 ? 1 : 0)}
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
          <StatusLine
            text={
              problem
                ? `Fix first: ${problem.message}`
                : deployForm.eks.startsWith('create')
                  ? '  15–20 min; EKS, its nodes and NLBs are billed (README).'
                  : '  The NLBs of 8005/8006 are billed (README).'
            }
            color={problem ? theme.color('error') : theme.color('muted')}
            lines={problem ? 2 : 1}
            width={width}
          />
        )}
        {height > 22 || (choice === 'existing' && height > 13) ? <Text> </Text> : null}
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
    running:
      choice !== 'deploy'
        ? 'Checking the control plane… (Ctrl-C stops)'
        : stop === 'ask'
          ? 'Stop the deploy? y cancels eksctl/helm · n keeps it going'
          : stop === 'stopping'
            ? 'Stopping: cancelling the running command…'
            : 'Deploying the control plane… Esc stops',
    failed: 'Enter edit · r retry',
  });
  // A stopped deploy says what is left in AWS and the command that removes it: room for it.
  const statusLines = mode === 'result' && !outcome ? (error?.startsWith('deploy stopped') ? 5 : 3) : 1;
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
          text={status.text}
          color={mode === 'running' && stop === 'ask' ? theme.color('warn') : status.color}
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
      <StatusLine
        text={status.text}
        color={mode === 'running' && stop === 'ask' ? theme.color('warn') : status.color}
        lines={statusLines}
        width={width}
      />
    </Box>
  );
}
