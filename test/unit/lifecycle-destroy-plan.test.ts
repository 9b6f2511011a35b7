// destroy removes only what the session created: a cluster given to it (cluster.existing) is never
// deleted, and a session that never deployed a data plane has nothing to uninstall.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {newSession} from '../../source/session/schema.js';
import {destroyPlan, sessionCreatedCluster} from '../../source/lifecycle/destroy.js';

const done = {
  state: 'done' as const,
  attempts: [
    {n: 1, startedAt: '2026-12-06T10:00:00Z', endedAt: '2026-12-06T10:01:00Z', result: 'done' as const, logs: []},
  ],
};

test('destroy plan: a cluster the session was pointed at (cluster.existing) is kept, only the DP release, secrets and namespace go', () => {
  const s = newSession('dp2', 'real', new Date('2026-12-06T10:00:00Z'));
  s.answers.cluster = {
    name: 'vsphere',
    existing: {kubeconfig: '/srv/kube/vsphere.kubeconfig', context: 'vsphere-admin'},
  };
  s.steps['data-plane'] = {...done, data: {namespace: 'kong', release: 'kong-dp2', pods: ['kong-dp2-kong-a']}};
  s.steps['create-cluster'] = {...done};
  assert.equal(sessionCreatedCluster(s), false);
  const plan = destroyPlan(s, '/tmp/sessions/dp2', {PATH: '/usr/bin', HOME: '/root'});
  assert.deepEqual(
    plan.actions.map(a => a.id),
    ['helm-uninstall', 'secrets', 'namespace'],
  );
  assert.ok(plan.actions.every(a => a.spec.command !== 'eksctl'));
  assert.ok(plan.actions.every(a => a.spec.args.includes('/srv/kube/vsphere.kubeconfig')));
  assert.deepEqual(plan.actions[0]!.spec.args.slice(0, 3), ['uninstall', '-n', 'kong']);
  assert.deepEqual(plan.actions[0]!.spec.args.slice(-2), ['--', 'kong-dp2']);
  assert.ok(plan.actions[0]!.spec.args.includes('vsphere-admin'));
  assert.ok(
    plan.kept.some(k => /vsphere\.kubeconfig was given to this session, not created by it; it is not touched/.test(k)),
  );
});

test('destroy plan: a session that created its cluster deletes it last; one that never deployed keeps everything', () => {
  const s = newSession('lab1', 'real');
  s.answers.cluster = {name: 'seed'};
  s.artifacts = {kubeconfig: 'seed/seed-eks-a-cluster.kubeconfig', clusterYaml: 'cluster.yaml'};
  s.steps['create-cluster'] = {...done};
  s.steps['data-plane'] = {...done, data: {namespace: 'kong', release: 'kong-dp'}};
  const plan = destroyPlan(s, '/tmp/sessions/lab1', {PATH: '/usr/bin'});
  assert.deepEqual(
    plan.actions.map(a => a.id),
    ['helm-uninstall', 'secrets', 'namespace', 'cluster'],
  );
  assert.deepEqual(plan.actions.at(-1)!.spec.args, [
    'anywhere',
    'delete',
    'cluster',
    '-f',
    'cluster.yaml',
    '-w',
    'seed/seed-eks-a-cluster.kubeconfig',
  ]);
  const fresh = newSession('empty', 'real');
  assert.deepEqual(destroyPlan(fresh, '/tmp/sessions/empty', {}).actions, []);
});

test('destroy plan: kube-vip the data-plane step installed goes after the data plane, by the file it applied', () => {
  const s = newSession('kv', 'real');
  s.answers.cluster = {name: 'seed'};
  s.artifacts = {kubeconfig: 'seed/seed-eks-a-cluster.kubeconfig', clusterYaml: 'cluster.yaml'};
  s.steps['create-cluster'] = {...done};
  s.steps['data-plane'] = {
    ...done,
    data: {
      namespace: 'kong',
      release: 'kong-dp',
      loadBalancer: {
        provider: 'kube-vip',
        pool: '10.20.0.200-10.20.0.209',
        manifest: 'kube-vip-services.yaml',
        namespace: 'kube-system',
      },
    },
  };
  const plan = destroyPlan(s, '/tmp/sessions/kv', {PATH: '/usr/bin'});
  assert.deepEqual(
    plan.actions.map(a => a.id),
    ['helm-uninstall', 'secrets', 'namespace', 'lb-kube-vip', 'cluster'],
  );
  const kv = plan.actions.find(a => a.id === 'lb-kube-vip')!;
  assert.equal(kv.spec.command, 'kubectl');
  assert.deepEqual(kv.spec.args, [
    'delete',
    '-f',
    'kube-vip-services.yaml',
    '--kubeconfig',
    'seed/seed-eks-a-cluster.kubeconfig',
    '--ignore-not-found',
    '--wait',
  ]);
  assert.equal(kv.spec.cwd, '/tmp/sessions/kv', 'the file is the one in the session folder');
  assert.match(kv.title, /kube-vip .* \(range 10\.20\.0\.200-10\.20\.0\.209\)/);
  assert.ok(
    plan.actions.every(a => !a.spec.args.includes('packages')),
    'no MetalLB package to delete',
  );
});
