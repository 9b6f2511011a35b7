// Values never read as flags (issue 14, item 9): helm, kubectl and eksctl parse with cobra/pflag, where
// a bare `--` ends the flags (spf13/pflag flag.go parseArgs) and a flag that takes a value takes the
// next word whatever it looks like. So every user value is either after `--` or glued to its flag.
// Validation may be bypassed (a hand-edited session): the builders must hold on their own.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {helmCommands} from '../../source/kong/deploy.js';
import {upgradeCommand, rollbackCommand, type UpgradeTarget} from '../../source/lifecycle/upgrade.js';
import {destroyPlan} from '../../source/lifecycle/destroy.js';
import {createClusterCommand} from '../../source/cluster/create.js';
import {newSession} from '../../source/session/schema.js';

const HOSTILE = '--kubeconfig=/x';
const HELM_VALUED = ['-n', '--namespace', '-f', '--values', '--set', '--version', '--kubeconfig', '--kube-context'];

/** The way pflag splits argv: flags (with their values) and positionals. */
function pflag(args: readonly string[], valued: readonly string[]): {flags: string[][]; positionals: string[]} {
  const flags: string[][] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return {flags, positionals: [...positionals, ...args.slice(i + 1)]};
    if (a.startsWith('-') && a.length > 1) {
      const [name, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a];
      if (value === undefined && valued.includes(name!)) flags.push([name!, args[++i]!]);
      else flags.push(value === undefined ? [name!] : [name!, value]);
    } else positionals.push(a);
  }
  return {flags, positionals};
}

test('helm upgrade --install: a release that looks like a flag stays the release', () => {
  const install = helmCommands({release: HOSTILE, namespace: 'kong', kubeconfig: '/k', env: {}}).at(-1)!;
  const parsed = pflag(install.args, HELM_VALUED);
  assert.deepEqual(parsed.positionals, ['upgrade', HOSTILE, 'kong/kong']);
  assert.deepEqual(
    parsed.flags.filter(f => f[0] === '--kubeconfig'),
    [['--kubeconfig', '/k']],
  );
});

const target: UpgradeTarget = {
  release: HOSTILE,
  namespace: '-n',
  kubeconfig: '/s/k',
  kubeconfigArg: 'k',
  sessionDir: '/s',
  env: {},
  image: 'kong/kong-gateway:3.9.1.2',
  replicas: 2,
};

test('helm upgrade and rollback (day two): the release is after `--`, the namespace is a flag value', () => {
  const up = pflag(upgradeCommand(target, '3.9.1.3').args, HELM_VALUED);
  assert.deepEqual(up.positionals, ['upgrade', HOSTILE, 'kong/kong']);
  assert.deepEqual(up.flags[0], ['-n', '-n']);
  assert.deepEqual(
    up.flags.filter(f => f[0] === '--kubeconfig'),
    [['--kubeconfig', 'k']],
  );
  const back = pflag(rollbackCommand(target, 2).args, HELM_VALUED);
  assert.deepEqual(back.positionals, ['rollback', HOSTILE, '2']);
  assert.deepEqual(
    back.flags.filter(f => f[0] === '--kubeconfig'),
    [['--kubeconfig', 'k']],
  );
});

test('helm uninstall (destroy): the release is after `--`', () => {
  const s = newSession('dp', 'real', new Date('2026-12-06T10:00:00Z'));
  s.answers.cluster = {name: 'c', existing: {kubeconfig: '/srv/kube/c.kubeconfig'}};
  const attempt = {n: 1, startedAt: '2026-12-06T10:00:00Z', endedAt: '2026-12-06T10:01:00Z', result: 'done' as const};
  s.steps['data-plane'] = {
    state: 'done',
    attempts: [{...attempt, logs: []}],
    data: {namespace: 'kong', release: HOSTILE, pods: []},
  };
  const uninstall = destroyPlan(s, '/tmp/sessions/dp', {PATH: '/usr/bin'}).actions.find(
    a => a.id === 'helm-uninstall',
  )!;
  const parsed = pflag(uninstall.spec.args, HELM_VALUED);
  assert.deepEqual(parsed.positionals, ['uninstall', HOSTILE]);
  assert.deepEqual(
    parsed.flags.filter(f => f[0] === '--kubeconfig'),
    [['--kubeconfig', '/srv/kube/c.kubeconfig']],
  );
});

test('eksctl anywhere create cluster: the bootstrap IP is glued to its flag, never a word of its own', () => {
  const {args} = createClusterCommand({sessionDir: '/s', bootstrapIp: '-rf', env: {}});
  assert.ok(args.includes('--tinkerbell-bootstrap-ip=-rf'));
  assert.ok(!args.includes('-rf'));
});
