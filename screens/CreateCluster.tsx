// The create-cluster screen: where an earlier create stands (finished, still running, failed with
// leftovers) first; then a review of every answer and the exact command; the run with its phase bar,
// validation checklist, raw output and the provisioning watch side by side or stacked; the failure
// explained with its fix, evidence and a confirmed cleanup; the nodes on success. Or an existing cluster.
import React, {useCallback, useEffect, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {join} from 'node:path';
import type {ScreenProps} from './types.js';
import type {KeyBinding} from '../source/ui/keys.js';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import {actionsFor, inkKey, type Keypress} from '../source/ui/keymap.js';
import {useTheme} from '../source/ui/theme.js';
import {appendTyped} from '../source/ui/TextField.js';
import {OutputPane} from '../source/ui/OutputPane.js';
import {PanePair} from '../source/ui/PanePair.js';
import type {RunningCommand} from '../source/run/types.js';
import type {StepOutcome} from '../source/wizard/registry.js';
import type {CreateStatus} from '../source/cluster/resume.js';
import type {ProgressState} from '../source/cluster/progress.js';
import {
  createCommandFor,
  currentCreateStatus,
  runCreate,
  type CreateRunResult,
} from '../source/steps/create-cluster/create-run.js';
import {
  createInputs,
  recordCreated,
  reviewLines,
  adoptExistingCluster,
  type CreateInputs,
} from '../source/steps/create-cluster/create-step.js';
import {cleanupLeftovers} from '../source/cluster/cleanup.js';
import {createWatchFeed, type WatchFeed} from '../source/cluster/watch-feed.js';
import {findCreateProcess} from '../source/cluster/resume.js';
import {procProcessLister} from '../source/cluster/processes.js';
import {kindKubeconfigPath, watchProvisioning} from '../source/cluster/provisioning.js';
import {isExistingClusterFlow} from '../source/lifecycle/existing-cluster-flow.js';
import {PhaseProgress, phaseRows} from './cluster/PhaseProgress.js';
import {cut, useAutoplay, wrapText} from './cluster/autoplay.js';

type Mode =
  | 'checking'
  | 'review'
  | 'running'
  | 'failed'
  | 'confirm-cleanup'
  | 'cleaning'
  | 'orphan'
  | 'finished'
  | 'existing'
  | 'recorded';

const WATCH_MS = 10_000;

export function CreateCluster({ctx, session, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const dryRun = ctx.ports.world === 'dry-run';
  const [mode, setMode] = useState<Mode>('checking');
  const [inputs, setInputs] = useState<CreateInputs | null>(null);
  const [status, setStatus] = useState<CreateStatus | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [command, setCommand] = useState<RunningCommand | null>(null);
  const [watch, setWatch] = useState<WatchFeed | null>(null);
  const [progress, setProgress] = useState<ProgressState | null>(null);
  const [run, setRun] = useState<CreateRunResult | null>(null);
  const [finished, setFinished] = useState<(StepOutcome & {nodeLines: string[]}) | null>(null);
  const [existing, setExisting] = useState({
    kubeconfig: session.answers.cluster?.existing?.kubeconfig ?? '~/.kube/config',
    context: session.answers.cluster?.existing?.context ?? '',
    focus: 0,
  });
  const [, tick] = useState(0);
  const watchStop = useRef<AbortController | null>(null);
  const speed = Math.max(1, ctx.ports.speed);
  // A data plane on an existing cluster: the form is the whole step; there is nothing to create.
  const existingOnly = isExistingClusterFlow(session.answers);

  const classify = useCallback(async () => {
    setMode('checking');
    setProblem(null);
    try {
      const found = await createInputs(ctx.session, ctx.ports.sessionDir, dryRun);
      setInputs(found);
      if (dryRun) {
        setStatus({state: 'not-started'});
        setMode('review');
        return;
      }
      const s = await runWork(signal =>
        currentCreateStatus(
          {runner: ctx.ports.runner, sessionDir: ctx.ports.sessionDir, clusterName: found.clusterName},
          signal,
        ),
      );
      setStatus(s);
      if (s.state === 'finished') {
        setFinished(await runWork(signal => recordCreated(ctx, s.kubeconfig, signal)));
        setMode('finished');
      } else setMode(s.state === 'running' ? 'orphan' : s.state === 'failed' ? 'failed' : 'review');
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
      setMode('review');
    }
  }, [ctx, dryRun, runWork]);

  useEffect(() => {
    if (session.answers.cluster?.existing) setMode('existing');
    else void classify();
    return () => watchStop.current?.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Phase times tick while eksctl runs.
  useEffect(() => {
    if (mode !== 'running' && mode !== 'orphan') return undefined;
    const t = setInterval(() => tick(n => n + 1), 1000);
    return () => clearInterval(t);
  }, [mode]);

  const start = async () => {
    if (!inputs || problem) return;
    const at = () => new Date().toISOString();
    ctx.dispatch({type: 'step-started', step: 'create-cluster', at: at()});
    setMode('running');
    setProgress(null);
    setWatch(null);
    const base = {
      runner: ctx.ports.runner,
      clock: ctx.ports.clock,
      sessionDir: ctx.ports.sessionDir,
      env: ctx.ports.env,
      ...inputs,
    };
    const interval = Math.max(250, WATCH_MS / speed);
    try {
      const r = await runWork(signal =>
        runCreate(
          {
            ...base,
            watchIntervalMs: interval,
            kubeconfigPollMs: Math.max(100, 2000 / speed),
            onStart: setCommand,
            onProgress: setProgress,
            onWatchStart: kubeconfig => {
              const feed = createWatchFeed(
                kubeconfig,
                ctx.ports.sessionDir,
                ctx.ports.clock.now,
                interval,
                join(ctx.ports.sessionDir, 'logs', 'create-cluster-watch.log'),
              );
              setWatch(prev => (prev?.finish(), feed));
            },
            onWatch: snapshot => setWatch(feed => (feed?.show(snapshot), feed)),
          },
          signal,
        ),
      );
      setWatch(feed => (feed?.finish(), feed));
      setRun(r);
      if (r.log) ctx.dispatch({type: 'attempt-log', step: 'create-cluster', log: r.log});
      if (r.result.recorded) {
        setMode('recorded');
      } else if (r.kubeconfig) {
        setFinished(await runWork(signal => recordCreated(ctx, r.kubeconfig!, signal)));
        setMode('finished');
      } else {
        ctx.dispatch({
          type: 'step-failed',
          step: 'create-cluster',
          at: at(),
          error: r.failure?.title ?? 'create failed',
        });
        const s = await runWork(signal =>
          currentCreateStatus(
            {runner: ctx.ports.runner, sessionDir: ctx.ports.sessionDir, clusterName: inputs.clusterName},
            signal,
          ),
        );
        setStatus(s);
        setMode('failed');
      }
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
      setMode('failed');
    }
  };

  const clean = async () => {
    if (status?.state !== 'failed') return;
    setMode('cleaning');
    await runWork(signal =>
      cleanupLeftovers(
        status.leftovers,
        {runner: ctx.ports.runner, step: 'create-cluster', dryRun, onCommand: setCommand},
        signal,
      ),
    ).catch(() => undefined);
    setRun(null);
    await classify();
  };

  // An orphaned eksctl from a killed session: watch it and wait until it ends, then look again.
  const waitForOrphan = async () => {
    if (!inputs || watchStop.current) return;
    const stop = new AbortController();
    watchStop.current = stop;
    const kubeconfig = kindKubeconfigPath(ctx.ports.sessionDir, inputs.clusterName);
    const interval = Math.max(250, WATCH_MS / speed);
    const feed = createWatchFeed(
      kubeconfig,
      ctx.ports.sessionDir,
      ctx.ports.clock.now,
      interval,
      join(ctx.ports.sessionDir, 'logs', 'create-cluster-watch.log'),
    );
    setWatch(feed);
    void watchProvisioning(
      {
        runner: ctx.ports.runner,
        clock: ctx.ports.clock,
        kubeconfig,
        expectedHostnames: inputs.expectedHostnames,
        intervalMs: interval,
        onSnapshot: s => feed.show(s),
      },
      stop.signal,
    );
    const lister = procProcessLister();
    try {
      while (findCreateProcess(await lister.list(), ctx.ports.sessionDir))
        await ctx.ports.clock.sleep(Math.max(200, 3000 / speed), stop.signal);
    } catch {
      return;
    }
    stop.abort();
    feed.finish();
    watchStop.current = null;
    await classify();
  };

  const adoptExisting = async () => {
    setProblem(null);
    try {
      const outcome = await runWork(signal =>
        adoptExistingCluster(ctx, existing.kubeconfig.trim(), existing.context.trim() || undefined, signal),
      );
      complete(outcome);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };

  const keys = (() => {
    const k = (id: string, keys: string[], label: string, help: string): KeyBinding & {footer?: boolean} => ({
      id,
      keys,
      label,
      help,
    });
    const byMode: Partial<Record<Mode, ReturnType<typeof k>[]>> = {
      review: [
        k(
          'confirm',
          ['Enter'],
          dryRun ? 'record' : 'create',
          'Run eksctl anywhere create cluster (about 30-60 minutes).',
        ),
        k('existing', ['x'], 'existing cluster', 'Use a cluster made elsewhere instead (kubeconfig and context).'),
      ],
      running: [],
      failed: [
        k('cleanup', ['c'], 'clean up', 'Remove the leftovers (asks first); then create again.'),
        k('retry', ['r'], 'look again', 'Check the leftovers again.'),
        k('existing', ['x'], 'existing cluster', 'Use a cluster made elsewhere instead.'),
      ],
      'confirm-cleanup': [
        k('yes', ['y', 'Y'], 'clean up', 'Remove the leftovers now.'),
        k('no', ['n', 'N', 'Esc'], 'keep', 'Leave them.'),
      ],
      orphan: [k('watch', ['w'], 'watch and wait', 'Watch the provisioning and wait for that eksctl to end.')],
      finished: [k('confirm', ['Enter'], 'continue', 'Go on to the Kong control plane.')],
      recorded: [k('confirm', ['Enter'], 'continue', 'Go on; the command is in the runbook.')],
      existing: [
        k('move', ['Up', 'Down', 'Tab'], 'field', 'Move between kubeconfig and context.'),
        k('confirm', ['Enter'], 'use it', 'Check the kubeconfig and that the API answers.'),
        ...(existingOnly ? [] : [k('cancel', ['Esc'], 'cancel', 'Back to the review; nothing is used.')]),
        {...k('erase', ['Backspace'], 'erase', 'Erase the last character.'), footer: false},
      ],
    };
    return byMode[mode] ?? [];
  })();

  // The kubeconfig and context fields of "use an existing cluster" take every key that types.
  const typeExisting = (press: Keypress) => {
    if (mode !== 'existing' || !press.text) return false;
    const field = existing.focus === 0 ? 'kubeconfig' : 'context';
    setExisting(e => ({...e, [field]: appendTyped(e[field], press.text)}));
    return true;
  };
  useKeys(
    'screen',
    actionsFor(keys, press => {
      const {input, key} = inkKey(press);
      if (mode === 'existing') {
        const field = existing.focus === 0 ? 'kubeconfig' : 'context';
        if (key.escape && !existingOnly) setMode(status ? (status.state === 'failed' ? 'failed' : 'review') : 'review');
        else if (key.upArrow || key.downArrow || key.tab) setExisting(e => ({...e, focus: e.focus === 0 ? 1 : 0}));
        else if (key.return) void adoptExisting();
        else if (key.backspace || key.delete) setExisting(e => ({...e, [field]: e[field].slice(0, -1)}));
        return;
      }
      if (mode === 'review') {
        if (key.return) void start();
        else if (input === 'x') setMode('existing');
      } else if (mode === 'failed') {
        if (input === 'c' && status?.state === 'failed') setMode(ctx.ports.assumeYes ? 'cleaning' : 'confirm-cleanup');
        else if (input === 'r') void classify();
        else if (input === 'x') setMode('existing');
      } else if (mode === 'confirm-cleanup') {
        if (input === 'y' || input === 'Y') void clean();
        else if (input === 'n' || input === 'N' || key.escape) setMode('failed');
      } else if (mode === 'orphan' && input === 'w') void waitForOrphan();
      else if ((mode === 'finished' && finished) || mode === 'recorded') {
        if (key.return)
          complete(
            finished
              ? {summary: finished.summary, data: finished.data}
              : {summary: 'dry run: eksctl anywhere create cluster recorded, not run', data: {dryRun: true}},
          );
      }
    }),
    {isActive, rest: typeExisting},
  );

  useEffect(() => {
    if (mode === 'cleaning' && ctx.ports.assumeYes && !command) void clean();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode]);

  useAutoplay(
    autoplay,
    mode === 'review' && !problem
      ? 'review'
      : mode === 'finished' || mode === 'recorded'
        ? 'done'
        : mode === 'orphan'
          ? 'orphan'
          : mode === 'existing' && existingOnly && !problem
            ? 'existing'
            : undefined,
    () => {
      if (mode === 'review') void start();
      else if (mode === 'existing') void adoptExisting();
      else if (mode === 'orphan') void waitForOrphan();
      else if (finished) complete({summary: finished.summary, data: finished.data});
      else if (mode === 'recorded')
        complete({summary: 'dry run: eksctl anywhere create cluster recorded, not run', data: {dryRun: true}});
    },
    ctx.ports,
  );

  const line = (k: string, text: string, color?: string, bold = false) => (
    <Text key={k} color={color} bold={bold} wrap="truncate-end">
      {cut(text || ' ', width)}
    </Text>
  );
  const title = line(
    'title',
    `Create cluster${inputs ? ` · ${inputs.clusterName}` : ''}${dryRun ? ' · DRY RUN' : ''}`,
    theme.color('accent'),
    true,
  );
  const body: React.ReactNode[] = [];
  let panes: React.ReactNode = null;
  let used = 1;
  const push = (k: string, text: string, color?: string, bold = false) => {
    body.push(line(k, text, color, bold));
    used++;
  };
  const pushWrapped = (k: string, text: string, color?: string, max = 3) =>
    wrapText(text, width, max).forEach((t, i) => push(`${k}${i}`, t, color));

  if (mode === 'checking')
    push(
      'c',
      'Looking for an earlier create of this cluster (processes, containers, the cluster folder)…',
      theme.color('muted'),
    );
  else if (mode === 'review') {
    if (problem) pushWrapped('p', `✘ ${problem}`, theme.color('error'));
    else if (inputs) {
      const spec = createCommandFor({
        sessionDir: ctx.ports.sessionDir,
        bootstrapIp: inputs.bootstrapIp,
        env: ctx.ports.env,
      });
      push('h', 'Review: every answer this create uses', undefined, true);
      reviewLines(ctx.session, spec).forEach((l, i) =>
        pushWrapped(`r${i}`, l, undefined, l.startsWith('Command') ? 3 : 1),
      );
      push('g', ' ');
      push(
        'n',
        dryRun
          ? 'Dry run: Enter records the command for the runbook; nothing runs and nothing else is written.'
          : 'Enter starts it (30-60 min; Ctrl-C stops it and leaves leftovers to clean up). x: use an existing cluster.',
        theme.color('muted'),
      );
    }
  } else if (mode === 'running' || ((mode === 'failed' || mode === 'finished') && command && run)) {
    if (mode === 'failed' && run?.failure) {
      push('f', `✘ ${run.failure.title}`, theme.color('error'), true);
      pushWrapped('fe', run.failure.explanation, undefined, 2);
      pushWrapped('ff', `Fix: ${run.failure.fix}`, theme.color('warn'), 2);
      if (run.artifacts.length)
        pushWrapped('fa', `Evidence: ${run.artifacts.map(a => a.path).join(', ')}`, theme.color('muted'), 2);
      if (status?.state === 'failed')
        push(
          'fl',
          `Leftovers: ${status.leftovers.leftovers.map(l => l.name.split('/').pop()).join(', ') || 'none'} · c: clean up (asks first), then create again`,
          theme.color('warn'),
        );
    } else if (mode === 'finished' && finished) {
      push('ok', `✔ ${finished.summary}`, theme.color('ok'), true);
      finished.nodeLines.slice(0, 4).forEach((l, i) => push(`n${i}`, `  ${l}`));
      push('go', 'Enter: continue', theme.color('muted'));
    }
    const rows = phaseRows(progress, Math.max(0, height - used - 12));
    body.push(<PhaseProgress key="pp" state={progress} width={width} room={Math.max(0, height - used - 12)} />);
    used += rows;
    const checks = progress?.validations ?? [];
    const failedChecks = checks.filter(v => !v.ok);
    if (checks.length > 0)
      push(
        'v',
        `Validations: ${checks.filter(v => v.ok).length}/${checks.length} ✔${failedChecks.length ? ` · ${failedChecks.length} ✘` : ''}`,
        failedChecks.length ? theme.color('error') : theme.color('ok'),
      );
    for (const v of failedChecks.slice(0, 2))
      pushWrapped(
        `vf${v.name}`,
        `  ✘ ${v.name}: ${v.error ?? ''}${v.remediation ? ` → ${v.remediation}` : ''}`,
        theme.color('error'),
        2,
      );
    const paneHeight = Math.max(6, height - used);
    panes = (
      <PanePair
        key="pair"
        panes={[
          {command, title: 'eksctl'},
          {
            command: watch?.command ?? null,
            title: 'Provisioning watch',
            placeholder: 'Starts once eksctl writes the bootstrap cluster’s kubeconfig (<name>/generated/).',
          },
        ]}
        width={width}
        height={paneHeight}
        focused={isActive && mode === 'running'}
        sessionDir={ctx.ports.sessionDir}
      />
    );
  } else if (mode === 'failed' || mode === 'confirm-cleanup') {
    if (problem) pushWrapped('p', `✘ ${problem}`, theme.color('error'));
    if (status?.state === 'failed') {
      push('h', '✘ An earlier create of this cluster did not finish', theme.color('error'), true);
      pushWrapped('why', status.reason, undefined, 2);
      push('t', 'A create never resumes: clean up what it left, then create again.', theme.color('muted'));
      for (const l of status.leftovers.leftovers.slice(0, 4))
        push(
          `l${l.name}`,
          `  • ${l.kind === 'cluster-folder' ? 'folder' : 'container'} ${l.name.split('/').pop()}: ${l.detail}`,
        );
      if (mode === 'confirm-cleanup') {
        push('q', 'Clean up now?', theme.color('warn'), true);
        for (const c of status.leftovers.cleanup)
          push(`cmd${c.args.join(' ')}`, `  $ ${c.command} ${c.args.join(' ')}`);
        if (status.leftovers.folderToMoveAside)
          push('mv', `  move ${status.leftovers.folderToMoveAside.split('/').pop()}/ aside (kept, renamed)`);
        push('yn', 'y: clean up · n: not now');
      } else push('k', 'c: clean up (asks first) · r: look again · x: use an existing cluster', theme.color('muted'));
    }
  } else if (mode === 'cleaning') {
    push('h', 'Cleaning up the leftovers…', theme.color('warn'), true);
    panes = (
      <OutputPane
        key="clean"
        command={command}
        width={width}
        height={Math.max(5, Math.min(10, height - used))}
        focused={false}
        title="Cleanup"
        sessionDir={ctx.ports.sessionDir}
      />
    );
  } else if (mode === 'orphan' && status?.state === 'running') {
    push('h', `eksctl (pid ${status.pid}) is still creating this cluster`, theme.color('warn'), true);
    pushWrapped(
      'd',
      'It was started by an earlier run of eksa-kong that was stopped, and it keeps going on its own. Starting a second create would collide with it.',
      undefined,
      2,
    );
    push(
      'w',
      watch
        ? 'Watching; this step looks again once it ends.'
        : 'w: watch the provisioning and wait for it to end; this step then looks again.',
      theme.color('warn'),
    );
    push('cmd', `  ${status.command}`, theme.color('muted'));
    if (watch)
      panes = (
        <OutputPane
          key="watch"
          command={watch.command}
          width={width}
          height={Math.max(5, height - used)}
          focused={isActive}
          title="Provisioning watch"
          sessionDir={ctx.ports.sessionDir}
        />
      );
  } else if (mode === 'finished' && finished) {
    push('ok', `✔ ${finished.summary}`, theme.color('ok'), true);
    for (const [i, l] of finished.nodeLines.entries()) push(`n${i}`, `  ${l}`);
    push('go', 'Enter: continue', theme.color('muted'));
  } else if (mode === 'recorded') {
    push('r', `○ recorded: ${command?.display ?? 'eksctl anywhere create cluster'}`, theme.color('muted'));
    push('n', 'Dry run: the command is in the runbook; nothing ran and nothing else was written. Enter: continue.');
  } else if (mode === 'existing') {
    push(
      'h',
      existingOnly
        ? 'The existing cluster the data plane goes onto'
        : 'Use an existing cluster instead of creating one',
      undefined,
      true,
    );
    push(
      'k',
      `${existing.focus === 0 ? '▸' : ' '} kubeconfig  ${existing.kubeconfig}${existing.focus === 0 ? '█' : ''}`,
      existing.focus === 0 ? theme.color('accent') : undefined,
    );
    push(
      'c',
      `${existing.focus === 1 ? '▸' : ' '} context     ${existing.context}${existing.focus === 1 ? '█' : ''}   (empty: the current context)`,
      existing.focus === 1 ? theme.color('accent') : undefined,
    );
    if (problem) pushWrapped('p', `✘ ${problem}`, theme.color('error'), 4);
    push(
      'n',
      existingOnly
        ? 'Enter: check it and use it (nothing is created in this flow)'
        : 'Enter: check it and use it · Esc: back to creating one',
      theme.color('muted'),
    );
  }

  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {title}
      {body}
      {panes}
    </Box>
  );
}
