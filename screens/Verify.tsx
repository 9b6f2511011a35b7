// The verify screen: the control plane's rows for the data plane pods (sync_status, version, last seen;
// stale rows of older pods ignored), then the smoke test step by step, under the topology picture, then
// the first API (answers `api:`) applied and each policy proven. `a` opens the API form (screens/kong/ApiForm).
import React, {useCallback, useState} from 'react';
import {Box, Text} from 'ink';
import type {ScreenProps} from './types.js';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import {actionsFor, inkKey} from '../source/ui/keymap.js';
import {useTheme} from '../source/ui/theme.js';
import {cut, useAutoplay} from './cluster/autoplay.js';
import {Topology} from './kong/Topology.js';
import {useTicker} from './kong/CheckRows.js';
import type {DataPlaneVerification, SmokeStep} from '../source/kong/verify.js';
import {smokeUrl} from '../source/steps/verify/verify-step.js';
import {runVerifyStep, verifyPlanFor} from '../source/steps/verify/step.js';
import {doneKeys, handleResultKey, resultKeys} from './kong/step-run.js';
import {stepStatus, useStepAttempt} from './kong/use-step-attempt.js';
import {StatusLine} from './kong/StatusLine.js';
import {ApiForm} from './kong/ApiForm.js';
import {describeForm, formFromAnswers, type ApiForm as ApiFormValues} from '../source/steps/verify/api-form.js';

type Mode = 'ready' | 'running' | 'result' | 'done';
const MARK = {ok: '✔', warn: '!', fail: '✖'} as const;

export function Verify({ctx, session, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const record = session.steps.verify;
  const [mode, setMode] = useState<Mode>(record.state === 'done' ? 'done' : 'ready');
  const [rows, setRows] = useState<{v: DataPlaneVerification; attempt: number} | null>(null);
  const [smoke, setSmoke] = useState<SmokeStep[]>([]);
  const {outcome, error, attempt} = useStepAttempt(ctx, 'verify', runWork, setMode);
  const frame = useTicker(mode === 'running');
  // The toggle stays on this screen: writing dataPlane.smokeTest would send the data-plane step back to pending.
  const [smokeOn, setSmokeOn] = useState(session.answers.dataPlane?.smokeTest ?? true);
  const plan = {...verifyPlanFor(ctx), smokeTest: smokeOn};
  // The API form's draft lives here: closing the form (Esc) keeps it; saving writes the answers.
  const [draft, setDraft] = useState<ApiFormValues | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [formNote, setFormNote] = useState<string | null>(null);
  type ApiLine = {kind: 'apply' | 'proof'; status: 'ok' | 'warn' | 'fail'; title: string; fix?: string};
  const [apiLines, setApiLines] = useState<ApiLine[]>([]);
  const apiKey = {
    id: 'api',
    keys: ['a'],
    label: 'API',
    help: 'Define the first API: Service (upstream URL), Route (paths, hosts, methods) and policy presets. Saved into the answers; verify applies it through the Admin API and proves each policy through the proxy.',
  };

  const keys = {
    ready: [
      {
        id: 'confirm',
        keys: ['Enter'],
        label: 'verify',
        help: 'Ask the control plane about the data plane pods, then run the smoke test.',
      },
      {
        id: 'smoke',
        keys: ['s'],
        label: `smoke test ${smokeOn ? 'on' : 'off'}`,
        help: 'Turn the httpbin smoke test on or off for this run (the answer dataPlane.smokeTest sets the default).',
      },
      apiKey,
    ],
    running: [],
    result: [...resultKeys(Boolean(outcome), 'the summary', 'retry'), apiKey],
    done: [...doneKeys('the summary', {key: 'r', label: 'again', help: 'Verify again.'}), apiKey],
  }[mode];
  const openForm = () => {
    setDraft(d => d ?? formFromAnswers(session.answers.api));
    setFormNote(null);
    setFormOpen(true);
  };

  const run = useCallback(async () => {
    setRows(null);
    setSmoke([]);
    setApiLines([]);
    await attempt(async signal => {
      const plan = {...verifyPlanFor(ctx), smokeTest: smokeOn};
      return (
        await runVerifyStep(ctx, signal, plan, {
          onRows: (v, n) => setRows({v, attempt: n}),
          onSmoke: s => setSmoke(prev => [...prev, s]),
          onApply: s => setApiLines(prev => [...prev, {kind: 'apply', ...s}]),
          onProof: s => setApiLines(prev => [...prev, {kind: 'proof', ...s}]),
        })
      ).outcome;
    });
  }, [ctx, attempt, smokeOn]);

  useKeys(
    'screen',
    actionsFor(keys, press => {
      const {input, key} = inkKey(press);
      if (input === 'a' && mode !== 'running') return openForm();
      if (mode === 'ready') {
        if (key.return) void run();
        else if (input === 's') setSmokeOn(v => !v);
      } else {
        const retry = () => void run();
        handleResultKey(mode, input, key.return, {
          outcome,
          complete,
          edit: retry,
          retry,
          next: () => ctx.dispatch({type: 'next'}),
          againKey: 'r',
          again: retry,
        });
      }
    }),
    {isActive: isActive && !formOpen},
  );

  useAutoplay(
    autoplay,
    mode === 'ready' ? 'ready' : mode === 'result' && outcome ? 'result' : undefined,
    () => (mode === 'ready' ? void run() : outcome && complete(outcome)),
    ctx.ports,
    2000,
  );

  const connected = mode === 'done' || (rows?.v.ok ?? false);
  const cpData = session.steps['control-plane'].data ?? {};
  const dpData = session.steps['data-plane'].data ?? {};
  const spin = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'[frame % 10]!;
  const waiting = mode === 'running' ? spin : '…';
  const failed = mode === 'result' && !outcome && !connected;
  const topology = {
    cp: `CP ${String(cpData['release'] ?? 'kong-cp')}`,
    cpDetail: String(cpData['version'] ?? ''),
    dp: `DP ${plan.podNames.length} pod${plan.podNames.length === 1 ? '' : 's'}`,
    dpDetail: String(dpData['proxyUrl'] ?? '').replace(/^http:\/\//, ''),
    cluster: connected ? ('✔' as const) : failed ? ('✖' as const) : ('…' as const),
    telemetry: connected ? ('✔' as const) : failed ? ('✖' as const) : ('…' as const),
  };

  const lines: Array<{text: string; color?: string}> = [];
  lines.push({
    text: `Control plane rows${rows ? ` (${rows.v.source === 'status' ? '/clustering/status' : '/clustering/data-planes'}, read ${rows.attempt}×)` : ''}:`,
  });
  const pods =
    rows?.v.pods ??
    plan.podNames.map(pod => ({
      pod,
      status: 'missing' as const,
      title: `${pod}: ${mode === 'running' ? 'asking…' : 'not checked yet'}`,
    }));
  for (const p of pods) {
    const row = 'row' in p ? p.row : undefined;
    const age = 'ageSeconds' in p && p.ageSeconds !== undefined ? `${p.ageSeconds}s ago` : '';
    const mark = p.status === 'connected' ? '✔' : rows ? (mode === 'running' ? waiting : '✖') : waiting;
    const text = row
      ? `${mark} ${p.pod}  ${row.sync_status ?? '?'}  ${row.version ?? ''}  ${age}`
      : `${mark} ${p.title}`;
    lines.push({text: `  ${text}`, color: p.status === 'connected' ? theme.color('ok') : undefined});
  }
  if (rows && rows.v.ignoredRows > 0)
    lines.push({
      text: `  (${rows.v.ignoredRows} stale or other row${rows.v.ignoredRows === 1 ? '' : 's'} ignored)`,
      color: theme.color('muted'),
    });
  if (rows?.v.versionNote) lines.push({text: `  ! ${rows.v.versionNote}`, color: theme.color('warn')});
  if (smokeOn) {
    // Once the API section runs, a smoke test that passed folds into one line: the API's proofs need the room.
    const last = smoke.at(-1);
    const foldSmoke = apiLines.length > 0 && smoke.length > 0 && smoke.every(s => s.status === 'ok') && last;
    lines.push(
      foldSmoke
        ? {
            text: `✔ ${last.title.replace(/^GET (\S+) → (\d+)(.*)$/, '$2 ← GET $1$3')}`,
            color: theme.color('ok'),
          }
        : {text: `Smoke test: GET ${plan.proxyUrl ? smokeUrl(plan.proxyUrl) : '<proxy>/httpbin/anything'}`},
    );
    for (const s of foldSmoke ? [] : smoke) {
      // The status first: a long URL is cut at the width.
      const title = s.title.replace(/^GET (\S+) → (\d+)(.*)$/, '$2 ← GET $1$3');
      lines.push({
        text: `  ${MARK[s.status]} ${title}`,
        color: s.status === 'ok' ? theme.color('ok') : s.status === 'fail' ? theme.color('error') : theme.color('warn'),
      });
      if (s.fix && s.status !== 'ok') lines.push({text: `    → ${s.fix}`, color: theme.color('muted')});
    }
    if (mode === 'running' && connected && !smoke.some(s => s.id === 'proxy'))
      lines.push({text: `  ${spin} waiting for the route to reach the data plane…`, color: theme.color('running')});
  } else lines.push({text: 'Smoke test: off (s turns it on)', color: theme.color('muted')});
  const api = session.answers.api;
  if (api) {
    // Writes that all went through fold into the API's line, so the proofs and the pod rows keep the room.
    const applied = apiLines.filter(l => l.kind === 'apply');
    const folded =
      applied.length > 0 && applied.every(l => l.status === 'ok') && apiLines.some(l => l.kind === 'proof');
    lines.push({
      text: `${folded ? '✔ ' : ''}API: ${describeForm(formFromAnswers(api))}${folded ? ` applied (${applied.length} entities)` : mode === 'ready' ? ' (a edits)' : ''}`,
      ...(folded ? {color: theme.color('ok')} : {}),
    });
    for (const s of folded ? apiLines.filter(l => l.kind === 'proof') : apiLines) {
      lines.push({
        text: `  ${MARK[s.status]} ${s.title}`,
        color: s.status === 'ok' ? theme.color('ok') : s.status === 'fail' ? theme.color('error') : theme.color('warn'),
      });
      if (s.fix && s.status !== 'ok') lines.push({text: `    → ${s.fix}`, color: theme.color('muted')});
    }
  } else lines.push({text: 'API: none (a defines one)', color: theme.color('muted')});
  if (formNote) lines.push({text: formNote, color: theme.color('muted')});

  const status =
    mode === 'ready'
      ? {text: 'Enter verifies · s smoke test on/off · a API · Esc back', color: undefined}
      : stepStatus(theme, mode, {
          summary: record.summary,
          outcome,
          error,
          done: 'Enter next · r again',
          running: 'Verifying… (Ctrl-C stops)',
          failed: 'r retry',
        });
  const statusLines = mode === 'result' && !outcome ? 2 : 1;
  const room = Math.max(1, height - 4 - statusLines);
  if (formOpen && draft)
    return (
      <ApiForm
        form={draft}
        onForm={setDraft}
        onSave={saved => {
          ctx.dispatch({type: 'set-answers', patch: {api: saved}});
          setFormOpen(false);
          setFormNote(`API saved into the answers: ${describeForm(formFromAnswers(saved))}`);
        }}
        onClose={() => {
          setFormOpen(false);
          setFormNote('API form closed without saving; a reopens it with what was typed.');
        }}
        width={width}
        height={height}
        isActive={isActive}
      />
    );
  return (
    <Box flexDirection="column">
      <Text bold color={theme.color('accent')}>
        {cut('Verify: connected, and carrying traffic', width)}
      </Text>
      <Topology model={topology} width={width} />
      <Box flexDirection="column" height={room} overflow="hidden">
        {lines.slice(Math.max(0, lines.length - room)).map((l, i) => (
          <Text key={i} color={l.color} wrap="truncate-end">
            {cut(l.text, width)}
          </Text>
        ))}
      </Box>
      <StatusLine text={status.text} color={status.color} lines={statusLines} width={width} />
    </Box>
  );
}
