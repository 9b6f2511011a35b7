// The cluster-spec form as data: its fields, the text typed into them, and the answers and per-field
// problems that text gives. The screen renders it; the rules stay in spec.ts, so what the form says
// and what a headless run says are the same words.
import type {Answers} from '../session/answers.js';
import {KUBERNETES_VERSIONS, DEFAULT_KUBERNETES_VERSION, supportLabel} from './kube-versions.js';
import {
  DEFAULT_PODS_CIDR,
  DEFAULT_SERVICES_CIDR,
  validateClusterAnswers,
  type SpecIssue,
  type ValidationOptions,
} from './spec.js';
import type {PublicKeyFile} from './ssh-keys.js';

type ClusterAnswers = NonNullable<Answers['cluster']>;
export type FieldKey = Exclude<keyof ClusterAnswers, 'existing' | 'licenseTokenEnv' | 'licenseTokenFile'>;

export interface SpecField {
  key: FieldKey;
  label: string;
  /** secret: typed like text, never shown (the licence token). */
  kind: 'text' | 'choice' | 'count' | 'secret';
  /** For choice fields: the values and how they show. */
  choices?: {value: string; label: string}[];
  hint: string;
}

/** `now` is the injected clock's: each version shows its support window as of today. */
export function specFields(sshKeys: readonly PublicKeyFile[], now: number): SpecField[] {
  return [
    {key: 'name', label: 'Cluster name', kind: 'text', hint: 'lowercase letters, digits and "-", at most 35'},
    {
      key: 'kubernetesVersion',
      label: 'Kubernetes',
      kind: 'choice',
      choices: KUBERNETES_VERSIONS.map(v => ({
        value: v,
        label: `${v}${v === DEFAULT_KUBERNETES_VERSION ? ' (newest)' : ''} · ${supportLabel(v, now)}`,
      })),
      hint: '←/→ to choose; versions past standard support need a licence token',
    },
    {
      key: 'licenseToken',
      label: 'Licence token',
      kind: 'secret',
      hint: 'extended support only: the token (JWT) of your EKS Anywhere Enterprise Subscription; or licenseTokenEnv/File',
    },
    {
      key: 'controlPlaneCount',
      label: 'Control planes',
      kind: 'count',
      hint: 'odd: 1, 3 or 5, from the machines with role cp',
    },
    {key: 'workerCount', label: 'Workers', kind: 'count', hint: 'from the machines with role worker'},
    {key: 'endpoint', label: 'CP endpoint', kind: 'text', hint: 'a free IPv4 in the node subnet'},
    {key: 'tinkerbellIp', label: 'tinkerbellIP', kind: 'text', hint: 'another free IPv4 in the node subnet'},
    {
      key: 'osImageUrl',
      label: 'OS image URL',
      kind: 'text',
      hint: 'http(s) URL holding the Kubernetes version, e.g. …-1-35.gz',
    },
    {
      key: 'sshAuthorizedKey',
      label: 'SSH key',
      kind: 'choice',
      choices: [
        {value: '', label: 'none (eksctl generates one)'},
        ...sshKeys.map(k => ({
          value: k.key,
          label: `${k.path.split('/').pop()} (${k.type}${k.comment ? ' ' + k.comment : ''})`,
        })),
      ],
      hint: '←/→ to choose a ~/.ssh/*.pub key',
    },
    {key: 'podsCidr', label: 'Pods CIDR', kind: 'text', hint: 'must not overlap the node network'},
    {key: 'servicesCidr', label: 'Services CIDR', kind: 'text', hint: 'must not overlap pods or nodes'},
    {
      key: 'loadBalancerInterface',
      label: 'kube-vip NIC',
      kind: 'text',
      hint: 'optional: the nodes’ interface for kube-vip (multi-NIC)',
    },
  ];
}

export type FormValues = Record<FieldKey, string>;

/** What the fields start with: the answers, else the defaults the spec would use. */
export function initialValues(answers: Answers): FormValues {
  const c = answers.cluster ?? {};
  const machines = answers.machines ?? [];
  const cps = machines.filter(m => m.role === 'cp').length;
  const key = c.sshAuthorizedKey ?? '';
  return {
    name: c.name ?? '',
    kubernetesVersion: c.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
    controlPlaneCount: String(c.controlPlaneCount ?? Math.max(1, cps % 2 === 0 ? cps - 1 : cps)),
    workerCount: String(c.workerCount ?? machines.filter(m => m.role === 'worker').length),
    endpoint: c.endpoint ?? '',
    tinkerbellIp: c.tinkerbellIp ?? '',
    osImageUrl: c.osImageUrl ?? '',
    sshAuthorizedKey: key,
    podsCidr: c.podsCidr || DEFAULT_PODS_CIDR,
    servicesCidr: c.servicesCidr || DEFAULT_SERVICES_CIDR,
    loadBalancerInterface: c.loadBalancerInterface ?? '',
    // Never shown again once given: a stored token is used when this stays empty.
    licenseToken: '',
  };
}

export interface FormCheck {
  /** The cluster answers the values give (only well-typed ones). */
  patch: ClusterAnswers;
  /** Problems by field; `general` holds those of other answers (network, machines, templates). */
  issues: Partial<Record<FieldKey | 'general', string[]>>;
  warnings: SpecIssue[];
  ok: boolean;
}

/** Fields whose answers may not be empty strings (an empty optional one clears it). */
const REQUIRED = new Set<FieldKey>(['name', 'endpoint', 'tinkerbellIp', 'kubernetesVersion']);

const KEY_TO_FIELD: Record<string, FieldKey> = {machines: 'controlPlaneCount'};

/** options.licenseToken is the stored token; one typed into the form wins over it. */
export function checkForm(answers: Answers, values: FormValues, options: ValidationOptions): FormCheck {
  const issues: FormCheck['issues'] = {};
  const add = (field: FieldKey | 'general', message: string) => (issues[field] ??= []).push(message);
  const patch: ClusterAnswers = {};
  for (const [k, raw] of Object.entries(values) as [FieldKey, string][]) {
    const v = raw.trim();
    if (k === 'controlPlaneCount' || k === 'workerCount') {
      const min = k === 'controlPlaneCount' ? 1 : 0;
      if (!/^\d+$/.test(v) || Number(v) < min)
        add(k, `expected a whole number${min ? ' of at least 1' : ''}, got "${raw}"`);
      else patch[k] = Number(v);
    } else if (k === 'licenseToken') {
      // Empty keeps the stored token (secrets.json, licenseTokenEnv/File): never overwrite it with "".
      if (v !== '') patch[k] = v;
    } else if (v !== '' || !REQUIRED.has(k)) patch[k] = v;
  }
  const draft: Answers = {...answers, cluster: {...answers.cluster, ...patch}};
  const token = patch.licenseToken ?? options.licenseToken;
  const result = validateClusterAnswers(draft, {...options, ...(token ? {licenseToken: token} : {})});
  for (const e of result.errors) {
    const key = e.key.startsWith('cluster.') ? (e.key.slice('cluster.'.length) as FieldKey) : KEY_TO_FIELD[e.key];
    if (key && key in values) {
      if (!issues[key]) add(key, e.message);
    } else add('general', `${e.key}: ${e.message}`);
  }
  return {patch, issues, warnings: result.warnings, ok: Object.keys(issues).length === 0};
}
