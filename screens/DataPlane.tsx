// The data-plane screen: namespace, release, image (pinned to the CP version; a newer minor is refused),
// proxy type and ports, replicas, and how the cluster certificate is obtained; a preview of the values;
// then the deploy with helm's output in a pane, the pods' status until Ready and the DP log lines that
// match a known failure, each with its explanation.
import React, {useCallback, useState} from 'react';
import {Box, Text} from 'ink';
import type {ScreenProps} from './types.js';
import {useKeys} from '../source/ui/KeyDispatcher.js';
import {
  checkAddressPool,
  LB_ADDRESSES_KEY,
  poolContext,
  proposePool,
  type PoolContext,
} from '../source/kong/lb-addresses.js';
import {actionsFor, inkKey} from '../source/ui/keymap.js';
import {useTheme} from '../source/ui/theme.js';
import {OutputPane} from '../source/ui/OutputPane.js';
import type {RunningCommand} from '../source/run/types.js';
import {FieldRow} from './hardware/FieldRow.js';
import {cut, useAutoplay} from './cluster/autoplay.js';
import {CheckRows} from './kong/CheckRows.js';
import {checkVersionSkew, dpImageFor, splitImage, DEFAULT_DP_REPOSITORY} from '../source/kong/version.js';
import {renderDpValues, DEFAULT_DP_NAMESPACE, DEFAULT_DP_RELEASE, DP_VALUES_FILE} from '../source/kong/dp-values.js';
import type {DpCheck, DpCheckId} from '../source/steps/data-plane/dp-step.js';
import type {DpPodState, PodWatchResult} from '../source/kong/deploy.js';
import {dataPlanePlan, dataPlaneValues, runDataPlaneStep} from '../source/steps/data-plane/step.js';
import {doneKeys, handleResultKey, resultKeys} from './kong/step-run.js';
import {nextFocus, stepStatus, useStepAttempt} from './kong/use-step-attempt.js';
import {StatusLine} from './kong/StatusLine.js';

type Mode = 'form' | 'preview' | 'running' | 'result' | 'done';
type FieldKey =
  | 'namespace'
  | 'release'
  | 'tag'
  | 'proxyType'
  | 'lbProvider'
  | 'lbAddresses'
  | 'httpNodePort'
  | 'httpsNodePort'
  | 'replicas'
  | 'cert';
const CHOICES: Partial<Record<FieldKey, readonly string[]>> = {
  proxyType: ['NodePort', 'LoadBalancer'],
  // MetalLB as the EKS Anywhere curated package, or kube-vip in ARP services mode with its cloud provider.
  lbProvider: ['metallb', 'kube-vip'],
  cert: ['copy from the control plane', 'generate a new one'],
};
const FIELDS: ReadonlyArray<{key: FieldKey; label: string}> = [
  {key: 'namespace', label: 'Namespace'},
  {key: 'release', label: 'Release'},
  {key: 'tag', label: 'Image tag'},
  {key: 'proxyType', label: 'Proxy'},
  {key: 'lbProvider', label: 'LB provider'},
  {key: 'lbAddresses', label: 'LB pool'},
  {key: 'httpNodePort', label: 'HTTP NodePort'},
  {key: 'httpsNodePort', label: 'HTTPS NodePort'},
  {key: 'replicas', label: 'Replicas'},
  {key: 'cert', label: 'Cluster cert'},
];
const CHECK_ORDER: DpCheckId[] = [
  'values',
  'load-balancer',
  'namespace',
  'cert-secret',
  'license-secret',
  'helm',
  'pods',
  'proxy',
];

function fieldError(key: FieldKey, value: string, proxyType: string, pool: PoolContext): string | null {
  // Empty with LoadBalancer: a load balancer installed by other means gives the address.
  if (key === 'lbAddresses' && proxyType === 'LoadBalancer' && value.trim() !== '') {
    const issue = checkAddressPool(value, pool).issues[0];
    return issue ? issue.message.replace(`${LB_ADDRESSES_KEY}: `, '') : null;
  }
  if ((key === 'namespace' || key === 'release') && !/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(value))
    return 'lowercase letters, digits and -';
  if (
    (key === 'httpNodePort' || key === 'httpsNodePort') &&
    proxyType === 'NodePort' &&
    !(/^\d+$/.test(value) && +value >= 30000 && +value <= 32767)
  )
    return '30000-32767';
  if (key === 'replicas' && !(/^\d+$/.test(value) && +value >= 1 && +value <= 50)) return '1-50';
  if (key === 'tag' && value.trim() === '') return 'the Kong version, e.g. 3.9.1.2';
  return null;
}

export function DataPlane({ctx, session, width, height, isActive, runWork, complete, autoplay}: ScreenProps) {
  const theme = useTheme();
  const record = session.steps['data-plane'];
  const cpVersion = session.answers.controlPlane?.version ?? '';
  const [mode, setMode] = useState<Mode>(record.state === 'done' ? 'done' : 'form');
  const [form, setForm] = useState<Record<FieldKey, string>>(() => {
    const dp = session.answers.dataPlane ?? {};
    const tag = dp.image ? (splitImage(dp.image).tag ?? '') : cpVersion ? dpImageFor(cpVersion).tag : '';
    return {
      namespace: dp.namespace ?? DEFAULT_DP_NAMESPACE,
      release: dp.release ?? DEFAULT_DP_RELEASE,
      tag,
      proxyType: dp.proxyType ?? (dp.loadBalancer ? 'LoadBalancer' : 'NodePort'),
      lbProvider: dp.loadBalancer?.provider ?? 'metallb',
      // A free block of the nodes' subnet is proposed (for either provider); the admin may clear it or write another.
      lbAddresses: dp.loadBalancer?.addresses ?? proposePool(poolContext(session.answers)) ?? '',
      httpNodePort: String(dp.httpNodePort ?? 32080),
      httpsNodePort: String(dp.httpsNodePort ?? 32443),
      replicas: String(dp.replicas ?? 1),
      cert: session.answers.controlPlane?.generateCert ? CHOICES.cert![1]! : CHOICES.cert![0]!,
    };
  });
  const [focus, setFocus] = useState(0);
  const [preview, setPreview] = useState<{lines: string[]; top: number} | null>(null);
  const [checks, setChecks] = useState<Map<DpCheckId, DpCheck>>(new Map());
  const [command, setCommand] = useState<RunningCommand | null>(null);
  const [pods, setPods] = useState<{pods: DpPodState[]; diagnoses: PodWatchResult['diagnoses']}>({
    pods: [],
    diagnoses: [],
  });
  const {outcome, error, setError, attempt} = useStepAttempt(ctx, 'data-plane', runWork, setMode);

  const skew = cpVersion ? checkVersionSkew(cpVersion, form.tag.trim()) : undefined;
  const pool = poolContext(session.answers);
  const errors = Object.fromEntries(
    FIELDS.map(f => [f.key, fieldError(f.key, form[f.key], form.proxyType, pool)]),
  ) as Record<FieldKey, string | null>;
  const blocked =
    Object.values(errors).find(e => e) ?? (skew && !skew.ok ? `image refused: ${skew.explanation}` : null);

  const keys = {
    form: [
      {id: 'move', keys: ['Up', 'Down'], label: 'field', help: 'Move between the fields.'},
      {id: 'move-tab', keys: ['Tab', 'Shift-Tab'], label: 'field', help: 'Next or previous field.', footer: false},
      {
        id: 'choose',
        keys: ['Left', 'Right', 'Space'],
        label: 'choose',
        help: 'On Proxy and Cluster cert: the other choice (Space too).',
      },
      {id: 'confirm', keys: ['Enter'], label: 'preview', help: 'Save the answers and preview the values file.'},
    ],
    preview: [
      {id: 'scroll', keys: ['Up', 'Down'], label: 'scroll', help: 'Scroll the values.'},
      {id: 'confirm', keys: ['Enter'], label: 'deploy', help: 'Write the values and deploy the data plane with helm.'},
      {id: 'edit', keys: ['e', 'Esc'], label: 'edit', help: 'Back to the fields (Esc too); nothing is deployed.'},
    ],
    running: [],
    result: resultKeys(Boolean(outcome), 'the verification'),
    done: doneKeys('the verification', {key: 'e', label: 'edit', help: 'Change the answers and deploy again.'}),
  }[mode];

  const toPreview = useCallback(() => {
    if (blocked) return;
    const repository = session.answers.dataPlane?.image
      ? splitImage(session.answers.dataPlane.image).repository || DEFAULT_DP_REPOSITORY
      : DEFAULT_DP_REPOSITORY;
    ctx.dispatch({
      type: 'set-answers',
      patch: {
        dataPlane: {
          namespace: form.namespace,
          release: form.release,
          image: `${repository}:${form.tag.trim()}`,
          proxyType: form.proxyType as 'NodePort' | 'LoadBalancer',
          httpNodePort: Number(form.httpNodePort),
          httpsNodePort: Number(form.httpsNodePort),
          replicas: Number(form.replicas),
          ...(form.proxyType === 'LoadBalancer' && form.lbAddresses.trim() !== ''
            ? {
                loadBalancer: {
                  provider: form.lbProvider as 'metallb' | 'kube-vip',
                  addresses: form.lbAddresses.trim(),
                },
              }
            : {}),
        },
        // Only an explicit change: any controlPlane answer sends the control-plane step back to pending.
        ...(Boolean(session.answers.controlPlane?.generateCert) !== (form.cert === CHOICES.cert![1])
          ? {controlPlane: {generateCert: form.cert === CHOICES.cert![1]}}
          : {}),
      },
    });
    try {
      setPreview({lines: renderDpValues(dataPlaneValues(ctx)).trimEnd().split('\n'), top: 0});
      setError(null);
      setMode('preview');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [blocked, ctx, form, session.answers.dataPlane?.image, session.answers.controlPlane?.generateCert, setError]);

  const deploy = useCallback(async () => {
    setChecks(new Map());
    setCommand(null);
    setPods({pods: [], diagnoses: []});
    await attempt(signal =>
      runDataPlaneStep(ctx, signal, dataPlanePlan(ctx, dataPlaneValues(ctx)), {
        onCheck: c => setChecks(m => new Map(m).set(c.id, c)),
        onCommand: setCommand,
        onPods: (p, d) => setPods({pods: p, diagnoses: d}),
      }),
    );
  }, [ctx, attempt]);

  useKeys(
    'screen',
    actionsFor(keys, press => {
      const {input, key} = inkKey(press);
      if (mode === 'form') {
        const field = FIELDS[focus]!.key;
        const choices = CHOICES[field];
        const move = nextFocus(key, FIELDS.length);
        if (move) setFocus(move);
        else if (choices && (key.leftArrow || key.rightArrow || input === ' '))
          setForm(f => ({...f, [field]: choices[(choices.indexOf(f[field]) + 1) % choices.length]!}));
        else if (key.return) toPreview();
        return;
      }
      if (mode === 'preview' && preview) {
        const room = Math.max(1, height - 4);
        const max = Math.max(0, preview.lines.length - room);
        if (key.upArrow) setPreview({...preview, top: Math.max(0, preview.top - 1)});
        else if (key.downArrow) setPreview({...preview, top: Math.min(max, preview.top + 1)});
        else if (key.pageDown) setPreview({...preview, top: Math.min(max, preview.top + room)});
        else if (key.pageUp) setPreview({...preview, top: Math.max(0, preview.top - room)});
        else if (key.return) void deploy();
        else if (input === 'e' || key.escape) setMode('form');
        return;
      }
      const edit = () => setMode('form');
      handleResultKey(mode, input, key.return, {
        outcome,
        complete,
        edit,
        retry: () => void deploy(),
        next: () => ctx.dispatch({type: 'next'}),
        againKey: 'e',
        again: edit,
      });
    }),
    {isActive},
  );

  useAutoplay(
    autoplay,
    mode === 'form' && !blocked
      ? 'form'
      : mode === 'preview'
        ? 'preview'
        : mode === 'result' && outcome
          ? 'result'
          : undefined,
    () => (mode === 'form' ? toPreview() : mode === 'preview' ? void deploy() : outcome && complete(outcome)),
    ctx.ports,
    2500,
  );

  const title = (text: string) => (
    <Text bold color={theme.color('accent')}>
      {cut(text, width)}
    </Text>
  );

  if (mode === 'form') {
    return (
      <Box flexDirection="column">
        {title('Kong data plane (Helm on the new cluster)')}
        {FIELDS.map((f, i) => (
          <FieldRow
            key={f.key}
            label={f.label}
            labelWidth={14}
            width={width}
            value={f.key === 'tag' ? form.tag : form[f.key]}
            focused={i === focus}
            editing={i === focus && !CHOICES[f.key]}
            error={errors[f.key]}
            hint={
              CHOICES[f.key] && i === focus
                ? '←/→'
                : f.key === 'tag'
                  ? `${DEFAULT_DP_REPOSITORY}`
                  : f.key === 'lbAddresses'
                    ? form.proxyType === 'LoadBalancer'
                      ? 'range or CIDR; empty: your own LB'
                      : 'with Proxy LoadBalancer'
                    : f.key === 'lbProvider'
                      ? form.proxyType === 'LoadBalancer'
                        ? 'installs it before helm'
                        : 'with Proxy LoadBalancer'
                      : undefined
            }
            onChange={v => setForm(s => ({...s, [f.key]: v}))}
          />
        ))}
        <Text
          color={
            skew?.ok === false
              ? theme.color('error')
              : skew?.verdict === 'same'
                ? theme.color('ok')
                : theme.color('warn')
          }
          wrap="wrap"
        >
          {cut(
            skew
              ? `${skew.ok ? (skew.verdict === 'same' ? '✔' : '!') : '✖'} ${skew.explanation}`
              : '! The control plane version is unknown: run the control-plane step.',
            width * 2,
          )}
        </Text>
        {form.cert === CHOICES.cert![1] ? (
          <Text color={theme.color('warn')} wrap="truncate-end">
            {cut('! A new certificate must also go on the CP; its other DPs disconnect.', width)}
          </Text>
        ) : null}
        {error ? (
          <Text color={theme.color('error')} wrap="truncate-end">
            {cut(`✖ ${error}`, width)}
          </Text>
        ) : null}
        <Text wrap="truncate-end">
          {cut(blocked ? `Fix first: ${blocked}` : 'Enter previews the values · Esc back', width)}
        </Text>
      </Box>
    );
  }

  if (mode === 'preview' && preview) {
    const room = Math.max(1, height - 4);
    return (
      <Box flexDirection="column">
        {title(
          `${DP_VALUES_FILE} (preview, lines ${preview.top + 1}-${Math.min(preview.lines.length, preview.top + room)} of ${preview.lines.length})`,
        )}
        <Box flexDirection="column" height={room} overflow="hidden">
          {preview.lines.slice(preview.top, preview.top + room).map((l, i) => (
            <Text key={i} wrap="truncate-end">
              {cut(l || ' ', width)}
            </Text>
          ))}
        </Box>
        <Text> </Text>
        <Text wrap="truncate-end">{cut('Enter writes it and deploys · ↑/↓ scroll · e edit', width)}</Text>
      </Box>
    );
  }

  const list = CHECK_ORDER.map(id => checks.get(id)).filter((c): c is DpCheck => c !== undefined);
  const status = stepStatus(theme, mode, {
    summary: record.summary,
    outcome,
    error,
    done: 'Enter next · e edit',
    running: 'Deploying… (Ctrl-C stops)',
    failed: 'Enter edit · r retry',
  });
  // The pods check ends ok on running, NotReady pods only when the CP confirmed them connected (empty CP).
  const connectedEmpty = checks.get('pods')?.status === 'ok';
  const podLines = pods.pods.map(p => {
    const waiting = !p.ready && connectedEmpty && p.phase === 'Running';
    return `${p.ready || waiting ? '✔' : '…'} ${p.name}  ${p.ready ? 'Ready' : waiting ? 'connected, no config yet' : (p.reason ?? p.phase)}${p.restarts ? ` · ${p.restarts} restarts` : ''}`;
  });
  const diagLines = pods.diagnoses
    .slice(0, 2)
    .flatMap(d => [`✖ ${d.pod}: ${d.title}`, `  “${d.line}”`, `  ${d.explanation} → ${d.fix}`]);
  const below = [...podLines, ...diagLines];
  const statusLines = mode === 'result' && !outcome ? 2 : 1;
  const needed = list.length + list.filter(c => c.fix && c.status !== 'ok').length;
  const checkRoom = Math.max(1, Math.min(needed, Math.max(2, Math.floor((height - 1 - statusLines) / 2))));
  const belowRoom = Math.min(below.length, Math.max(0, Math.floor((height - 1 - statusLines - checkRoom) / 3)));
  const paneHeight = Math.max(4, height - 1 - statusLines - checkRoom - belowRoom);
  return (
    <Box flexDirection="column">
      {title(`Kong data plane · ${form.release} in ${form.namespace}`)}
      <Box height={checkRoom} flexDirection="column" overflow="hidden">
        <CheckRows checks={list} width={width} height={checkRoom} now={ctx.ports.clock.now} />
      </Box>
      {mode === 'done' ? null : (
        <OutputPane
          command={command}
          height={paneHeight}
          width={width}
          focused={isActive && mode !== 'running'}
          sessionDir={ctx.ports.sessionDir}
          placeholder="helm has not started yet."
        />
      )}
      {below.slice(0, belowRoom).map((l, i) => (
        <Text
          key={i}
          color={l.startsWith('✖') ? theme.color('error') : l.startsWith('✔') ? theme.color('ok') : undefined}
          wrap="truncate-end"
        >
          {cut(l, width)}
        </Text>
      ))}
      <StatusLine text={status.text} color={status.color} lines={statusLines} width={width} />
    </Box>
  );
}
