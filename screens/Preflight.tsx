// The preflight screen: the admin-server checks as a list (re-run with r), the provisioning interface
// and bootstrap IP chosen from `ip -j addr`, and a confirmed cleanup of a failed create's leftovers
// whose commands run in an output pane. A failed check blocks Enter and says why.
import React, {useCallback, useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import type {ScreenProps} from './types.js';
import type {KeyBinding} from '../source/ui/keys.js';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import {actionsFor, inkKey} from '../source/ui/keymap.js';
import {useTheme} from '../source/ui/theme.js';
import {OutputPane} from '../source/ui/OutputPane.js';
import type {RunningCommand} from '../source/run/types.js';
import type {PreflightResult} from '../source/cluster/preflight.js';
import {
  blockingReason,
  notRunChecks,
  preflightData,
  preflightSummary,
  runPreflightChecks,
} from '../source/steps/preflight/preflight-step.js';
import {provisioningCandidates} from '../source/cluster/interfaces.js';
import {cleanupLeftovers} from '../source/cluster/cleanup.js';
import {existingClusterChecks, existingClusterOutcome} from '../source/lifecycle/existing-cluster.js';
import {isExistingClusterFlow} from '../source/lifecycle/existing-cluster-flow.js';
import {Checklist} from './cluster/Checklist.js';
import {cut, useAutoplay} from './cluster/autoplay.js';

type Mode = 'checking' | 'results' | 'choose' | 'confirm-cleanup' | 'cleaning';

interface Choice {
  iface: string;
  ip: string;
  prefix: number;
}

export function Preflight({ctx, session, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const [mode, setMode] = useState<Mode>('checking');
  const [result, setResult] = useState<PreflightResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState(0);
  const [cleanup, setCleanup] = useState<{command: RunningCommand | null; lines: string[]}>({command: null, lines: []});
  const [runs, setRuns] = useState(0);
  const answers = session.answers;

  const check = useCallback(async () => {
    setMode('checking');
    setError(null);
    try {
      // A data plane on an existing cluster: only kubectl, helm and that cluster are checked.
      const r: PreflightResult = isExistingClusterFlow(ctx.session.answers)
        ? {checks: await runWork(signal => existingClusterChecks(ctx, signal)), interfaces: [], leftovers: undefined}
        : await runWork(signal => runPreflightChecks(ctx, signal));
      setResult(r);
      setRuns(n => n + 1);
      const needsChoice = !ctx.session.answers.admin?.bootstrapIp && provisioningCandidates(r.interfaces).length > 0;
      setMode(needsChoice ? 'choose' : 'results');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setMode('results');
    }
  }, [ctx, runWork]);

  useEffect(() => {
    void check();
    // once on open; r runs it again
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const choices: Choice[] = result
    ? provisioningCandidates(result.interfaces).flatMap(i =>
        i.ipv4.map(a => ({iface: i.name, ip: a.address, prefix: a.prefix})),
      )
    : [];
  const leftovers = result?.leftovers && result.leftovers.leftovers.length > 0 ? result.leftovers : undefined;
  const blocked = result ? blockingReason(result.checks) : undefined;

  const choose = (c: Choice) => {
    ctx.dispatch({type: 'set-answers', patch: {admin: {interface: c.iface, bootstrapIp: c.ip}}});
    void check();
  };

  const clean = async () => {
    if (!leftovers) return;
    setMode('cleaning');
    const done = await runWork(signal =>
      cleanupLeftovers(
        leftovers,
        {
          runner: ctx.ports.runner,
          step: 'preflight',
          dryRun: ctx.ports.world === 'dry-run',
          onCommand: command => setCleanup(c => ({...c, command})),
        },
        signal,
      ),
    ).catch(err => ({ok: false, lines: [`✘ ${err instanceof Error ? err.message : String(err)}`]}));
    setCleanup(c => ({...c, lines: done.lines}));
    await check();
  };

  const finish = () => {
    if (!result || blocked) return;
    complete(
      isExistingClusterFlow(ctx.session.answers)
        ? existingClusterOutcome(result.checks)
        : {summary: preflightSummary(result, ctx.session.answers), data: preflightData(result)},
    );
  };

  const keys: KeyBinding[] = [];
  {
    if (mode === 'choose')
      keys.push(
        {id: 'move', keys: ['Up', 'Down'], label: 'choose', help: 'Move between the interfaces and addresses.'},
        {id: 'confirm', keys: ['Enter'], label: 'use it', help: 'Use this interface and address for provisioning.'},
      );
    else if (mode === 'confirm-cleanup')
      keys.push(
        {id: 'yes', keys: ['y', 'Y'], label: 'clean up', help: 'Remove the leftovers now.'},
        {id: 'no', keys: ['n', 'N', 'Esc'], label: 'keep', help: 'Leave them.'},
      );
    else if (mode === 'results') {
      keys.push({
        id: 'confirm',
        keys: ['Enter'],
        label: blocked ? 'blocked' : 'continue',
        help: blocked
          ? 'A failed check blocks this step: fix it and re-run the checks.'
          : 'Go on to the next step; warnings are allowed.',
      });
      keys.push({id: 'rerun', keys: ['r'], label: 're-run', help: 'Run every check again.'});
      if (choices.length > 0)
        keys.push({
          id: 'iface',
          keys: ['i'],
          label: 'interface',
          help: 'Choose the provisioning interface and bootstrap IP.',
        });
      if (leftovers)
        keys.push({
          id: 'cleanup',
          keys: ['c'],
          label: 'clean up',
          help: 'Remove the leftovers of an earlier create (asks first).',
        });
    }
  }

  useKeys(
    'screen',
    actionsFor(keys, press => {
      const {input, key} = inkKey(press);
      if (mode === 'choose') {
        if (key.upArrow) setCursor(c => Math.max(0, c - 1));
        else if (key.downArrow) setCursor(c => Math.min(choices.length - 1, c + 1));
        else if (key.return && choices[cursor]) choose(choices[cursor]);
        return;
      }
      if (mode === 'confirm-cleanup') {
        if (input === 'y' || input === 'Y') void clean();
        else if (input === 'n' || input === 'N' || key.escape) setMode('results');
        return;
      }
      if (mode !== 'results') return;
      if (input === 'r') void check();
      else if (input === 'i' && choices.length > 0) {
        setCursor(
          Math.max(
            0,
            choices.findIndex(c => c.ip === answers.admin?.bootstrapIp),
          ),
        );
        setMode('choose');
      } else if (input === 'c' && leftovers) setMode(ctx.ports.assumeYes ? 'cleaning' : 'confirm-cleanup');
      else if (key.return) finish();
    }),
    {isActive},
  );

  // --yes takes the cleanup as confirmed.
  useEffect(() => {
    if (mode === 'cleaning' && !cleanup.command && ctx.ports.assumeYes) void clean();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode]);

  const situation =
    mode === 'choose'
      ? `choose-${runs}`
      : mode === 'confirm-cleanup'
        ? `confirm-${runs}`
        : mode === 'results' && result
          ? leftovers
            ? `leftovers-${runs}`
            : blocked
              ? undefined
              : `done-${runs}`
          : undefined;
  useAutoplay(
    autoplay,
    situation,
    () => {
      if (mode === 'choose' && choices[0]) choose(choices[0]);
      else if (mode === 'confirm-cleanup') void clean();
      else if (mode === 'results' && leftovers) setMode('confirm-cleanup');
      else if (mode === 'results') finish();
    },
    ctx.ports,
  );

  // Layout: header, checklist, then the part of the current mode.
  const tail: React.ReactNode[] = [];
  const line = (key: string, text: string, color?: string, bold = false) => (
    <Text key={key} color={color} bold={bold} wrap="truncate-end">
      {cut(text, width)}
    </Text>
  );
  if (mode === 'choose') {
    tail.push(
      line(
        'h',
        'Provisioning interface (cabled to the nodes’ network) and the bootstrap IP Smee binds:',
        theme.color('accent'),
        true,
      ),
    );
    choices
      .slice(0, 6)
      .forEach((c, i) =>
        tail.push(
          line(
            `c${i}`,
            `${i === cursor ? '▸' : ' '} ${c.iface}  ${c.ip}/${c.prefix}`,
            i === cursor ? theme.color('accent') : undefined,
          ),
        ),
      );
  } else if (mode === 'confirm-cleanup' && leftovers) {
    tail.push(line('h', 'Clean up the leftovers of the earlier create?', theme.color('warn'), true));
    for (const spec of leftovers.cleanup.slice(0, 3))
      tail.push(line(spec.args.join(' '), `  $ ${spec.command} ${spec.args.join(' ')}`));
    if (leftovers.folderToMoveAside)
      tail.push(line('mv', `  move ${leftovers.folderToMoveAside.split('/').pop()}/ aside (kept, renamed)`));
    tail.push(line('q', 'y: clean up now · n: leave them'));
  } else if (mode === 'cleaning') {
    tail.push(
      <OutputPane
        key="pane"
        command={cleanup.command}
        width={width}
        height={Math.max(5, Math.min(8, height - 10))}
        focused={false}
        title="Cleanup"
        sessionDir={ctx.ports.sessionDir}
        placeholder="Starting the cleanup…"
      />,
    );
  } else if (mode === 'results' && result) {
    for (const l of cleanup.lines.slice(-2)) tail.push(line(`cl-${l}`, l, theme.color('muted')));
    const notRun = notRunChecks(result.checks);
    if (ctx.ports.world === 'dry-run' && notRun.length > 0)
      tail.push(
        line(
          'dry',
          `Dry run: not checked (commands recorded only): ${notRun.map(c => c.title).join(', ')}`,
          theme.color('muted'),
        ),
      );
    if (leftovers)
      tail.push(line('lo', `Leftovers of an earlier create: c cleans them up (asks first).`, theme.color('warn')));
    if (blocked) tail.push(line('bl', `✘ Cannot continue: ${blocked}`, theme.color('error')));
    else
      tail.push(
        line('ok', `Warnings are allowed. Press Enter to continue, r to run the checks again.`, theme.color('ok')),
      );
  }
  if (error) tail.push(line('err', `✘ ${error} — r to retry`, theme.color('error')));
  const tailHeight = mode === 'cleaning' ? Math.max(5, Math.min(8, height - 10)) : tail.length;
  const listHeight = Math.max(1, height - 2 - tailHeight);

  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold color={theme.color('accent')} wrap="truncate-end">
        {cut(
          `Preflight${mode === 'checking' ? ' · checking…' : result ? ` · ${preflightSummary(result, answers)}` : ''}`,
          width,
        )}
      </Text>
      {result ? (
        <Checklist checks={result.checks} width={width} height={listHeight} />
      ) : (
        <Text>Running the checks on this admin server…</Text>
      )}
      {tail}
    </Box>
  );
}
