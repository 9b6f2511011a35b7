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

export type DeployFieldKey =
  | 'eks'
  | 'name'
  | 'region'
  | 'version'
  | 'nodeType'
  | 'nodes'
  | 'kubeconfig'
  | 'context'
  | 'expose'
  | 'rbac'
  | 'manager'
  | 'db'
  | 'dbHost'
  | 'dbPort'
  | 'dbUser'
  | 'dbPasswordFrom'
  | 'dbPasswordEnv'
  | 'dbPasswordFile'
  | 'dbPassword';

export interface DeployField {
  key: DeployFieldKey;
  label: string;
  choices?: readonly string[];
  placeholder?: string;
  mask?: boolean;
}

const EKS_CHOICES = ['create with eksctl', 'existing (kubeconfig)'] as const;
const DB_CHOICES = ['bundled', 'external'] as const;
const PASSWORD_FROM = ['env', 'file', 'typed'] as const;

/** The rows the form shows for what is chosen: the EKS cluster or an existing one, the database's fields. */
export function deployFields(form: DeployForm, storedDbPassword: boolean): DeployField[] {
  const rows: DeployField[] = [{key: 'eks', label: 'EKS cluster', choices: EKS_CHOICES}];
  if (form.eks === EKS_CHOICES[0])
    rows.push(
      {key: 'name', label: 'Cluster name'},
      {key: 'region', label: 'AWS region', placeholder: 'e.g. eu-west-3'},
      {key: 'version', label: 'Kubernetes'},
      {key: 'nodeType', label: 'Node type'},
      {key: 'nodes', label: 'Nodes'},
    );
  else rows.push({key: 'kubeconfig', label: 'Kubeconfig'}, {key: 'context', label: 'Context'});
  rows.push(
    {key: 'expose', label: 'Admin API', choices: ['ClusterIP', 'InternalLoadBalancer', 'LoadBalancer']},
    {key: 'rbac', label: 'RBAC', choices: ['off', 'on']},
    {key: 'manager', label: 'Kong Manager', choices: ['off', 'on']},
    {key: 'db', label: 'Database', choices: DB_CHOICES},
  );
  if (form.db === 'external') {
    rows.push(
      {key: 'dbHost', label: 'DB host', placeholder: 'e.g. kong.xxxx.eu-west-3.rds.amazonaws.com'},
      {key: 'dbPort', label: 'DB port'},
      {key: 'dbUser', label: 'DB user'},
      {key: 'dbPasswordFrom', label: 'DB password', choices: PASSWORD_FROM},
    );
    if (form.dbPasswordFrom === 'env')
      rows.push({key: 'dbPasswordEnv', label: '  env variable', placeholder: 'e.g. KONG_PG_PASSWORD'});
    else if (form.dbPasswordFrom === 'file')
      rows.push({key: 'dbPasswordFile', label: '  file', placeholder: 'a file holding only the password'});
    else
      rows.push({
        key: 'dbPassword',
        label: '  password',
        mask: true,
        placeholder: storedDbPassword ? 'stored secret (secrets.json)' : 'kept in secrets.json (0600), never shown',
      });
  }
  return rows;
}

export type DeployForm = Record<DeployFieldKey, string>;

/** The answers key each row edits: a problem the checks name puts the cursor on its row. */
export const ANSWER_KEY: Partial<Record<DeployFieldKey, string>> = {
  name: 'controlPlane.deploy.eks.name',
  region: 'controlPlane.deploy.eks.region',
  version: 'controlPlane.deploy.eks.kubernetesVersion',
  nodeType: 'controlPlane.deploy.eks.nodeType',
  nodes: 'controlPlane.deploy.eks.nodes',
  kubeconfig: 'controlPlane.kubeconfig',
  context: 'controlPlane.context',
  dbHost: 'controlPlane.deploy.database.host',
  dbPort: 'controlPlane.deploy.database.port',
  dbUser: 'controlPlane.deploy.database.user',
  dbPasswordEnv: 'controlPlane.deploy.database.passwordEnv',
  dbPasswordFile: 'controlPlane.deploy.database.passwordFile',
  dbPassword: 'controlPlane.deploy.database.password',
};

export function deployFormFrom(answers: Answers, defaultKubeconfig: string): DeployForm {
  const cp = answers.controlPlane;
  const d = cp?.deploy;
  const db = d?.database;
  // A fresh form creates the cluster; answers with controlPlane.deploy but no eks (or create: false) use one.
  const existing = d !== undefined && (d.eks === undefined || d.eks.create === false);
  return {
    eks: existing ? EKS_CHOICES[1] : EKS_CHOICES[0],
    name: d?.eks?.name ?? 'kong-cp',
    region: d?.eks?.region ?? '',
    version: d?.eks?.kubernetesVersion ?? EKS_DEFAULTS.kubernetesVersion,
    nodeType: d?.eks?.nodeType ?? EKS_DEFAULTS.nodeType,
    nodes: String(d?.eks?.nodes ?? EKS_DEFAULTS.nodes),
    kubeconfig: cp?.kubeconfig || defaultKubeconfig,
    context: cp?.context ?? '',
    expose: d?.admin?.expose ?? 'ClusterIP',
    rbac: d?.rbac ? 'on' : 'off',
    manager: d?.manager ? 'on' : 'off',
    db: db?.type ?? 'bundled',
    dbHost: db?.host ?? '',
    dbPort: String(db?.port ?? 5432),
    dbUser: db?.user ?? 'kong',
    dbPasswordFrom: db?.passwordEnv !== undefined ? 'env' : db?.passwordFile !== undefined ? 'file' : 'typed',
    dbPasswordEnv: db?.passwordEnv ?? '',
    dbPasswordFile: db?.passwordFile ?? '',
    // A typed password is never put back into the form: it is in secrets.json.
    dbPassword: '',
  };
}

/** Text as typed; a number only when it is one (else the schema names the key and says what it expects). */
const numberOrText = (text: string): number => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : (text as never));

/**
 * The form as an answers patch, and the keys it removes: "existing" drops controlPlane.deploy.eks (the
 * answers key's absence chooses it), and a database source drops the others so that the chosen one is
 * the one used. A typed password goes into the answers like the admin token: saving moves it to
 * secrets.json (0600); session.json never holds it.
 */
export function deployPatch(form: DeployForm): {patch: Answers; unset: string[]} {
  const create = form.eks === EKS_CHOICES[0];
  const dbKeys = ['host', 'port', 'user', 'password', 'passwordEnv', 'passwordFile'].map(
    k => `controlPlane.deploy.database.${k}`,
  );
  const external = form.db === 'external';
  const from = form.dbPasswordFrom;
  const unset = [
    ...(create ? [] : ['controlPlane.deploy.eks']),
    ...(external
      ? [
          ...(from !== 'env' ? ['controlPlane.deploy.database.passwordEnv'] : []),
          ...(from !== 'file' ? ['controlPlane.deploy.database.passwordFile'] : []),
          // A stored password stays unless another source or a new one is given.
          ...(from !== 'typed' ? ['controlPlane.deploy.database.password'] : []),
        ]
      : dbKeys.filter(k => !k.endsWith('.password'))),
  ];
  const database: NonNullable<NonNullable<Answers['controlPlane']>['deploy']>['database'] = external
    ? {
        type: 'external',
        host: form.dbHost.trim(),
        port: numberOrText(form.dbPort),
        user: form.dbUser.trim(),
        ...(from === 'env' ? {passwordEnv: form.dbPasswordEnv.trim()} : {}),
        ...(from === 'file' ? {passwordFile: form.dbPasswordFile.trim()} : {}),
        ...(from === 'typed' && form.dbPassword !== '' ? {password: form.dbPassword} : {}),
      }
    : {type: 'bundled'};
  const patch: Answers = {
    controlPlane: {
      ...(create ? {} : {kubeconfig: form.kubeconfig.trim(), ...(form.context ? {context: form.context} : {})}),
      deploy: {
        ...(create
          ? {
              eks: {
                create: true,
                name: form.name.trim(),
                region: form.region.trim(),
                kubernetesVersion: form.version.trim(),
                nodeType: form.nodeType.trim(),
                nodes: numberOrText(form.nodes),
              },
            }
          : {}),
        database,
        admin: {expose: form.expose as 'ClusterIP' | 'InternalLoadBalancer' | 'LoadBalancer'},
        rbac: form.rbac === 'on',
        manager: form.manager === 'on',
      },
    },
  };
  return {patch, unset};
}

/** The form's rows that fit in `height`, scrolled so that the focused one shows. */
export function DeployFormRows(props: {
  form: DeployForm;
  fields: readonly DeployField[];
  focus: number;
  width: number;
  height: number;
  onChange: (key: DeployFieldKey, value: string) => void;
}) {
  const {fields, focus} = props;
  const room = Math.max(1, props.height);
  const first = Math.min(Math.max(0, focus - room + 1), Math.max(0, fields.length - room));
  return (
    <>
      {fields.slice(first, first + room).map((f, j) => {
        const i = first + j;
        const value = props.form[f.key];
        return (
          <FieldRow
            key={f.key}
            label={f.label}
            labelWidth={15}
            width={props.width}
            value={f.choices && i === focus ? `‹ ${value} ›` : value}
            focused={i === focus}
            editing={i === focus && !f.choices && f.key !== 'context'}
            mask={f.mask === true}
            placeholder={f.placeholder}
            onChange={v => props.onChange(f.key, v)}
          />
        );
      })}
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
