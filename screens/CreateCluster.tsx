// The create-cluster screen: where an earlier create stands (finished, still running, failed with
// leftovers) first; then a review of every answer and the exact command; the run with its phase bar,
// validation checklist, raw output and the provisioning watch side by side or stacked; the failure
// explained with its fix, evidence and a confirmed cleanup; the nodes on success. Or an existing cluster.
import React, {useEffect, useReducer, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import type {ScreenProps} from './types.js';
import type {KeyBinding} from '../source/ui/keys.js';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import {actionsFor, inkKey, type Keypress} from '../source/ui/keymap.js';
import {useTheme} from '../source/ui/theme.js';
import {appendTyped} from '../source/ui/TextField.js';
import {OutputPane} from '../source/ui/OutputPane.js';
import {PanePair} from '../source/ui/PanePair.js';
import {createCommandFor} from '../source/steps/create-cluster/create-run.js';
import {reviewLines, adoptExistingCluster} from '../source/steps/create-cluster/create-step.js';
import {
  autoplayCue,
  canStart,
  completion,
  existingValue,
  initialCreateState,
  reduceCreate,
  ticking,
  type CreateMode,
} from '../source/steps/create-cluster/state.js';
import {
  cleanUpAndLookAgain,
  examineEarlierCreate,
  runCreateStep,
  waitForOrphan,
} from '../source/steps/create-cluster/flow.js';
import {PhaseProgress, phaseRows} from './cluster/PhaseProgress.js';
import {cut, useAutoplay, wrapText} from './cluster/autoplay.js';
import {isExistingClusterFlow} from '../source/lifecycle/existing-cluster-flow.js';

export function CreateCluster({ctx, session, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const dryRun = ctx.ports.world === 'dry-run';
  const [state, dispatch] = useReducer(reduceCreate, session.answers.cluster?.existing, initialCreateState);
  const {mode, inputs, status, problem, command, watch, progress, run, finished, existing} = state;
  const [, tick] = useState(0);
  // The orphan watch outlives a key press; leaving the screen stops it (the orphan itself runs on).
  const orphanStop = useRef<AbortController | null>(null);
  // A data plane on an existing cluster: the form is the whole step; there is nothing to create.
  const existingOnly = isExistingClusterFlow(session.answers);

  const lookAgain = () => void runWork(signal => examineEarlierCreate(ctx, dispatch, signal)).catch(() => undefined);

  useEffect(() => {
    if (mode === 'checking') lookAgain();
    return () => orphanStop.current?.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Phase times tick while eksctl runs.
  const isTicking = ticking(state);
  useEffect(() => {
    if (!isTicking) return undefined;
    const t = setInterval(() => tick(n => n + 1), 1000);
    return () => clearInterval(t);
  }, [isTicking]);

  const start = () => {
    if (!canStart(state) || !inputs) return;
    void runWork(signal => runCreateStep(ctx, inputs, dispatch, signal)).catch(() => undefined);
  };

  const clean = () => {
    if (status?.state !== 'failed') return;
    void runWork(signal => cleanUpAndLookAgain(ctx, status, dispatch, signal)).catch(() => undefined);
  };

  const watchOrphan = () => {
    if (!inputs || state.waiting || orphanStop.current) return;
    const stop = new AbortController();
    orphanStop.current = stop;
    void waitForOrphan(ctx, inputs, dispatch, stop.signal).finally(() => (orphanStop.current = null));
  };

  const adoptExisting = async () => {
    try {
      const outcome = await runWork(signal =>
        adoptExistingCluster(ctx, existing.kubeconfig.trim(), existing.context.trim() || undefined, signal),
      );
      complete(outcome);
    } catch (err) {
      dispatch({type: 'problem', message: err instanceof Error ? err.message : String(err)});
    }
  };

  const done = completion(state);
  const keys = (() => {
    const k = (id: string, keys: string[], label: string, help: string): KeyBinding & {footer?: boolean} => ({
      id,
      keys,
      label,
      help,
    });
    const byMode: Partial<Record<CreateMode, ReturnType<typeof k>[]>> = {
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
      orphan: state.waiting
        ? []
        : [k('watch', ['w'], 'watch and wait', 'Watch the provisioning and wait for that eksctl to end.')],
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
    dispatch({type: 'existing-set', value: appendTyped(existingValue(state), press.text)});
    return true;
  };
  useKeys(
    'screen',
    actionsFor(keys, press => {
      const {input, key} = inkKey(press);
      if (mode === 'existing') {
        if (key.escape) {
          if (!existingOnly) dispatch({type: 'existing-cancel'});
        } else if (key.upArrow || key.downArrow || key.tab) dispatch({type: 'existing-move'});
        else if (key.return) void adoptExisting();
        else if (key.backspace || key.delete)
          dispatch({type: 'existing-set', value: existingValue(state).slice(0, -1)});
        return;
      }
      if (mode === 'review') {
        if (key.return) start();
        else if (input === 'x') dispatch({type: 'existing-open'});
      } else if (mode === 'failed') {
        if (input === 'c') dispatch({type: 'ask-cleanup', assumeYes: ctx.ports.assumeYes});
        else if (input === 'r') lookAgain();
        else if (input === 'x') dispatch({type: 'existing-open'});
      } else if (mode === 'confirm-cleanup') {
        if (input === 'y' || input === 'Y') clean();
        else if (input === 'n' || input === 'N' || key.escape) dispatch({type: 'decline-cleanup'});
      } else if (mode === 'orphan' && input === 'w') watchOrphan();
      else if (done && key.return) complete(done);
    }),
    {isActive, rest: typeExisting},
  );

  // --yes: "clean up" needs no confirmation.
  useEffect(() => {
    if (mode === 'cleaning' && ctx.ports.assumeYes && !command) clean();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode]);

  useAutoplay(
    autoplay,
    existingOnly && mode === 'existing' && !problem ? 'existing' : autoplayCue(state),
    () => {
      const cue = autoplayCue(state);
      if (existingOnly && mode === 'existing') void adoptExisting();
      else if (cue === 'review') start();
      else if (cue === 'orphan') watchOrphan();
      else if (cue === 'done' && done) complete(done);
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

  // The phases, the validations and the two panes (eksctl, provisioning watch): a run of our own, or
  // an orphan's output file followed again.
  function progressAndPanes(focused: boolean) {
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
        focused={isActive && focused}
        sessionDir={ctx.ports.sessionDir}
      />
    );
  }

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
    progressAndPanes(mode === 'running');
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
    // Once its output is followed, the panes say the rest: the room goes to them.
    push(
      'h',
      `eksctl (pid ${status.pid}) is still creating this cluster${command ? ' · following it' : ''}`,
      theme.color('warn'),
      true,
    );
    if (!command)
      pushWrapped(
        'd',
        'It was started by an earlier run of eksa-kong that was stopped, and it keeps going on its own. Starting a second create would collide with it.',
        undefined,
        2,
      );
    if (!command)
      push(
        'w',
        watch
          ? 'Watching; this step looks again once it ends.'
          : 'w: watch the provisioning and wait for it to end; this step then looks again.',
        theme.color('warn'),
      );
    if (!command) push('cmd', `  ${status.command}`, theme.color('muted'));
    // Its output file, followed from the start: the phases replay, then go on live.
    if (command) progressAndPanes(true);
    else if (watch)
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
