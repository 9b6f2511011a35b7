// The control-plane screen's "deploy one" parts (issue 10): the form of controlPlane.deploy (EKS cluster,
// admin exposure, RBAC, Manager), and the progress while it runs: one row per phase with its elapsed time,
// the EKS stack phases under it, and the log pane of the command that runs (eksctl's 15–20 minutes).
import React from 'react';
import {Box, Text} from 'ink';
import {useTheme} from '../../source/ui/theme.js';
import {OutputPane} from '../../source/ui/OutputPane.js';
import {FieldRow} from '../hardware/FieldRow.js';
import {useTicker} from './CheckRows.js';
import {cut} from '../cluster/autoplay.js';
import type {CpDeployPhase} from '../../source/steps/control-plane/cp-deploy.js';
import {EKS_DEFAULTS, elapsedText, type EksProgress} from '../../source/steps/control-plane/eks-cluster.js';
import type {Answers} from '../../source/session/answers.js';
import type {RunningCommand} from '../../source/run/types.js';

export type DeployFieldKey = 'name' | 'region' | 'version' | 'nodeType' | 'nodes' | 'expose' | 'rbac' | 'manager';

export const DEPLOY_FIELDS: ReadonlyArray<{key: DeployFieldKey; label: string; choices?: readonly string[]}> = [
  {key: 'name', label: 'EKS cluster'},
  {key: 'region', label: 'AWS region'},
  {key: 'version', label: 'Kubernetes'},
  {key: 'nodeType', label: 'Node type'},
  {key: 'nodes', label: 'Nodes'},
  {key: 'expose', label: 'Admin API', choices: ['ClusterIP', 'InternalLoadBalancer', 'LoadBalancer']},
  {key: 'rbac', label: 'RBAC', choices: ['off', 'on']},
  {key: 'manager', label: 'Kong Manager', choices: ['off', 'on']},
];

export type DeployForm = Record<DeployFieldKey, string>;

export function deployFormFrom(answers: Answers): DeployForm {
  const d = answers.controlPlane?.deploy;
  return {
    name: d?.eks?.name ?? 'kong-cp',
    region: d?.eks?.region ?? '',
    version: d?.eks?.kubernetesVersion ?? EKS_DEFAULTS.kubernetesVersion,
    nodeType: d?.eks?.nodeType ?? EKS_DEFAULTS.nodeType,
    nodes: String(d?.eks?.nodes ?? EKS_DEFAULTS.nodes),
    expose: d?.admin?.expose ?? 'ClusterIP',
    rbac: d?.rbac ? 'on' : 'off',
    manager: d?.manager ? 'on' : 'off',
  };
}

/** The answers patch of the form; the database stays what the answers say (bundled by default). */
export function deployPatch(form: DeployForm, answers: Answers): Answers {
  const d = answers.controlPlane?.deploy;
  const nodes = Number(form.nodes.trim());
  return {
    controlPlane: {
      deploy: {
        eks: {
          create: true,
          name: form.name.trim(),
          region: form.region.trim(),
          kubernetesVersion: form.version.trim(),
          nodeType: form.nodeType.trim(),
          nodes: Number.isInteger(nodes) ? nodes : EKS_DEFAULTS.nodes,
        },
        database: d?.database ?? {type: 'bundled'},
        admin: {expose: form.expose as 'ClusterIP' | 'InternalLoadBalancer' | 'LoadBalancer'},
        rbac: form.rbac === 'on',
        manager: form.manager === 'on',
      },
    },
  };
}

/** What is wrong with the form before anything runs (eksctl's rules), or undefined. */
export function deployFormProblem(form: DeployForm): string | undefined {
  if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(form.name.trim())) return 'EKS cluster: a letter, then letters, digits and "-"';
  if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/.test(form.region.trim())) return 'AWS region: e.g. eu-west-3';
  if (!/^1\.\d{1,2}$/.test(form.version.trim())) return 'Kubernetes: a minor version such as 1.33';
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(form.nodeType.trim())) return 'Node type: e.g. m6i.large';
  const n = Number(form.nodes.trim());
  if (!Number.isInteger(n) || n < 1 || n > 100) return 'Nodes: 1 to 100';
  return undefined;
}

export function DeployFormRows(props: {
  form: DeployForm;
  focus: number;
  width: number;
  onChange: (key: DeployFieldKey, value: string) => void;
}) {
  return (
    <>
      {DEPLOY_FIELDS.map((f, i) => (
        <FieldRow
          key={f.key}
          label={f.label}
          labelWidth={15}
          width={props.width}
          value={f.choices && i === props.focus ? `‹ ${props.form[f.key]} ›` : props.form[f.key]}
          focused={i === props.focus}
          editing={i === props.focus && !f.choices}
          placeholder={f.key === 'region' ? 'e.g. eu-west-3' : undefined}
          onChange={v => props.onChange(f.key, v)}
        />
      ))}
    </>
  );
}

const MARK: Record<string, string> = {
  ok: '✔',
  fail: '✖',
  skipped: '–',
  running: '…',
  pending: '·',
  done: '✔',
  failed: '✖',
};

/** Phase rows with elapsed times, the EKS stack rows, and the pane of the running command. */
export function DeployProgress(props: {
  phases: CpDeployPhase[];
  eks: EksProgress | undefined;
  command: RunningCommand | null;
  now: () => number;
  width: number;
  height: number;
  sessionDir: string;
}) {
  const theme = useTheme();
  const {width, now} = props;
  // Redraw while a phase runs so its elapsed time moves between eksctl's lines (minutes apart for real).
  useTicker(
    props.phases.some(p => p.status === 'running'),
    500,
  );
  const took = (p: {startedAt?: number; endedAt?: number}) =>
    p.startedAt === undefined ? '' : ` ${elapsedText((p.endedAt ?? now()) - p.startedAt)}`;
  const color = (status: string) =>
    status === 'ok' || status === 'done'
      ? theme.color('ok')
      : status === 'fail' || status === 'failed'
        ? theme.color('error')
        : status === 'running'
          ? theme.color('running')
          : theme.color('muted');
  const rows: React.JSX.Element[] = [];
  // Settled and running phases, then the next one: the rest are implied (and the pane needs the room).
  const firstPending = props.phases.findIndex(p => p.status === 'pending');
  const shown = props.phases.filter((p, i) => p.status !== 'pending' || i === firstPending);
  for (const p of shown) {
    rows.push(
      <Text key={p.id} color={color(p.status)} wrap="truncate-end">
        {cut(
          `${MARK[p.status]} ${p.title}${took(p)}${p.status === 'running' && p.detail ? ` · ${p.detail}` : ''}`,
          width,
        )}
      </Text>,
    );
    if (p.id === 'eks' && props.eks && (p.status === 'running' || p.status === 'fail'))
      for (const e of props.eks.phases)
        rows.push(
          <Text key={`eks-${e.id}`} color={color(e.status)} wrap="truncate-end">
            {cut(`    ${MARK[e.status]} ${e.title}${took(e)}`, width)}
          </Text>,
        );
  }
  const paneHeight = props.height - rows.length;
  return (
    <Box flexDirection="column">
      {rows.slice(Math.max(0, rows.length - props.height))}
      {paneHeight < 3 ? null : (
        <OutputPane
          command={props.command}
          height={paneHeight}
          width={width}
          focused={false}
          sessionDir={props.sessionDir}
          placeholder="the command's output shows here"
          now={now}
        />
      )}
    </Box>
  );
}
