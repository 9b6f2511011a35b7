// The control plane values the wizard writes when it deploys the CP (issue 10), rendered and linted by a
// REAL helm against the REAL kong/kong 3.4.1 chart (test fixtures). The bitnami subchart is not vendored,
// so the bundled-database variant is rendered with postgresql.enabled=false; the external variant fully.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import yaml from 'js-yaml';
import {parseAnswers} from '../../source/session/answers-file.js';
import {cpValuesInputFromAnswers, renderCpValues} from '../../source/kong/cp-values.js';
import {dpValuesInputFromAnswers, renderDpValues} from '../../source/kong/dp-values.js';

const CHART = resolve('..', 'shared', 'fixtures', 'kong-chart', 'kong');
const TOOL = resolve('..', 'shared', 'tools', 'real-helm.sh');

function findHelm(): {path?: string; reason?: string} {
  if (!existsSync(CHART) || !existsSync(TOOL))
    return {reason: 'the kong chart fixture or real-helm.sh is not here (../shared)'};
  const found = spawnSync(TOOL, {encoding: 'utf8', timeout: 300_000});
  if (found.status !== 0)
    return {reason: `no real helm: ${(found.stderr || 'real-helm.sh failed').trim().split('\n').pop()}`};
  return {path: found.stdout.trim()};
}
const helm = findHelm();
const skip = helm.path ? false : helm.reason;

type K8s = {kind: string; metadata: {name: string; annotations?: Record<string, string>}; spec: Record<string, any>};

function helmRun(args: string[], dir: string) {
  return spawnSync(helm.path!, args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: {...process.env, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir},
  });
}

function render(valuesText: string, release: string, extra: string[] = []): K8s[] {
  const dir = mkdtempSync(join(tmpdir(), 'cp-helm-'));
  const values = join(dir, 'values.yaml');
  writeFileSync(values, valuesText);
  const out = helmRun(['template', release, CHART, '-n', 'kong', '-f', values, ...extra], dir);
  assert.equal(out.status, 0, out.stderr);
  const lint = helmRun(['lint', CHART, '-f', values, ...extra], dir);
  assert.equal(lint.status, 0, `${lint.stdout}\n${lint.stderr}`);
  return (yaml.loadAll(out.stdout) as Array<K8s | null>).filter((d): d is K8s => d !== null);
}

function kongContainer(docs: K8s[]) {
  const deployment = docs.find(d => d.kind === 'Deployment');
  assert.ok(deployment, 'a Deployment is rendered');
  const pod = deployment.spec['template'].spec;
  const proxy = pod.containers.find((c: {name: string}) => c.name === 'proxy');
  const env = Object.fromEntries(
    (proxy.env as Array<{name: string; value?: string; valueFrom?: unknown}>).map(e => [
      e.name,
      e.value ?? e.valueFrom,
    ]),
  );
  const secretOf = (path: string) => {
    const mount = (proxy.volumeMounts as Array<{name: string; mountPath: string}>).find(m =>
      path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`),
    );
    return (pod.volumes as Array<{name: string; secret?: {secretName: string}}>).find(v => v.name === mount?.name)
      ?.secret?.secretName;
  };
  return {env, secretOf, image: proxy.image as string};
}

const service = (docs: K8s[], name: string) => {
  const svc = docs.find(d => d.kind === 'Service' && d.metadata.name === name);
  assert.ok(svc, `Service ${name} is rendered`);
  return svc;
};

const NLB = {
  'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
  'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
};

const answersYaml = (deploy: string) => `controlPlane:
  version: "3.10.0.2"
  licenseFile: kong-license.json
  deploy:
${deploy}
`;

test(
  'REAL helm: external database, internal admin NLB, RBAC and Manager: a control plane reachable by data planes outside the VPC',
  {skip, timeout: 180_000},
  () => {
    const answers = parseAnswers(
      answersYaml(`    eks: {create: true, name: kong-cp, region: eu-west-3, kubernetesVersion: "1.33", nodeType: m6i.large, nodes: 2}
    database: {type: external, host: kong.abc123.eu-west-3.rds.amazonaws.com, port: 5432, user: kong, passwordEnv: PG}
    admin: {expose: InternalLoadBalancer}
    rbac: true
    manager: true`),
      'answers.yaml',
    );
    const docs = render(renderCpValues(cpValuesInputFromAnswers(answers)), 'kong-cp');
    const {env, secretOf, image} = kongContainer(docs);
    assert.equal(image, 'kong/kong-gateway:3.10.0.2');
    assert.equal(env['KONG_ROLE'], 'control_plane');
    assert.equal(env['KONG_DATABASE'], 'postgres');
    assert.equal(env['KONG_CLUSTER_MTLS'], 'shared');
    assert.equal(secretOf(String(env['KONG_CLUSTER_CERT'])), 'kong-cluster-cert');
    assert.equal(secretOf(String(env['KONG_CLUSTER_CERT_KEY'])), 'kong-cluster-cert');
    assert.match(String(env['KONG_CLUSTER_LISTEN']), /0\.0\.0\.0:8005/);
    assert.match(String(env['KONG_CLUSTER_TELEMETRY_LISTEN']), /0\.0\.0\.0:8006/);
    assert.equal(env['KONG_PG_HOST'], 'kong.abc123.eu-west-3.rds.amazonaws.com');
    assert.equal(env['KONG_PG_PORT'], '5432');
    assert.equal(env['KONG_PG_USER'], 'kong');
    assert.deepEqual(env['KONG_PG_PASSWORD'], {secretKeyRef: {name: 'kong-cp-postgresql', key: 'password'}});
    assert.deepEqual(env['KONG_LICENSE_DATA'], {secretKeyRef: {name: 'kong-enterprise-license', key: 'license'}});
    assert.equal(env['KONG_ENFORCE_RBAC'], 'on');
    assert.deepEqual(env['KONG_PASSWORD'], {secretKeyRef: {name: 'kong-cp-admin-password', key: 'password'}});
    assert.deepEqual(env['KONG_ADMIN_GUI_SESSION_CONF'], {
      secretKeyRef: {name: 'kong-cp-session-config', key: 'admin_gui_session_conf'},
    });
    // Admin API: TLS only, on an internal NLB.
    const adminListen = String(env['KONG_ADMIN_LISTEN']).split(', ');
    assert.ok(adminListen.includes('0.0.0.0:8444 http2 ssl'), adminListen.join(', '));
    assert.ok(
      adminListen.every(l => / ssl$/.test(l)),
      `no plaintext admin listener: ${adminListen.join(', ')}`,
    );
    const admin = service(docs, 'kong-cp-kong-admin');
    assert.equal(admin.spec['type'], 'LoadBalancer');
    // A cluster eksctl just made has EKS's cloud provider, not the AWS Load Balancer Controller.
    assert.deepEqual(admin.metadata.annotations, {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
    });
    assert.deepEqual(
      admin.spec['ports'].map((p: {port: number}) => p.port),
      [8444],
    );
    // The two tunnels the data plane dials: TCP NLBs on 8005 and 8006.
    for (const [name, port] of [
      ['kong-cp-kong-cluster', 8005],
      ['kong-cp-kong-clustertelemetry', 8006],
    ] as const) {
      const svc = service(docs, name);
      assert.equal(svc.spec['type'], 'LoadBalancer');
      assert.deepEqual(svc.metadata.annotations, {'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb'});
      assert.deepEqual(
        svc.spec['ports'].map((p: {port: number; targetPort: number; protocol: string}) => [
          p.port,
          p.targetPort,
          p.protocol,
        ]),
        [[port, port, 'TCP']],
      );
    }
    assert.equal(service(docs, 'kong-cp-kong-manager').spec['type'], 'LoadBalancer');
    // A CP has no proxy Service and no ingress controller; the migrations job runs on install.
    assert.equal(
      docs.some(d => d.kind === 'Service' && d.metadata.name === 'kong-cp-kong-proxy'),
      false,
    );
    assert.ok(docs.some(d => d.kind === 'Job' && d.metadata.name === 'kong-cp-kong-init-migrations'));

    // The DP values from the same answers, once the CP endpoints are known: the same secret, the same ports.
    const withEndpoints = {
      ...answers,
      controlPlane: {
        ...answers.controlPlane,
        clusterEndpoint: 'k8s-kong-kongcpko-1.elb.eu-west-3.amazonaws.com:8005',
        telemetryEndpoint: 'k8s-kong-kongcpko-2.elb.eu-west-3.amazonaws.com:8006',
      },
    };
    const dpDocs = render(renderDpValues(dpValuesInputFromAnswers(withEndpoints)), 'kong-dp');
    const dp = kongContainer(dpDocs);
    assert.equal(dp.secretOf(String(dp.env['KONG_CLUSTER_CERT'])), secretOf(String(env['KONG_CLUSTER_CERT'])));
    assert.equal(dp.env['KONG_CLUSTER_CONTROL_PLANE'], withEndpoints.controlPlane.clusterEndpoint);
    assert.equal(dp.env['KONG_CLUSTER_TELEMETRY_ENDPOINT'], withEndpoints.controlPlane.telemetryEndpoint);
    assert.equal(dp.image, image, 'the DP runs the CP version');
  },
);

test(
  'REAL helm: existing EKS cluster (AWS Load Balancer Controller annotations), bundled database (subchart off for the render), ClusterIP admin, no RBAC, no Manager',
  {skip, timeout: 180_000},
  () => {
    const answers = parseAnswers(
      answersYaml(`    database: {type: bundled}
    admin: {expose: ClusterIP}`),
      'answers.yaml',
    );
    const text = renderCpValues(cpValuesInputFromAnswers(answers));
    const values = yaml.load(text) as {postgresql: Record<string, any>};
    assert.equal(values.postgresql['enabled'], true);
    assert.equal(values.postgresql['auth'].existingSecret, 'kong-cp-postgresql');
    const docs = render(text, 'kong-cp', ['--set', 'postgresql.enabled=false']);
    const {env} = kongContainer(docs);
    assert.equal(env['KONG_ROLE'], 'control_plane');
    assert.equal(env['KONG_ENFORCE_RBAC'], undefined);
    assert.equal(env['KONG_PASSWORD'], undefined);
    const admin = service(docs, 'kong-cp-kong-admin');
    assert.equal(admin.spec['type'], 'ClusterIP');
    assert.equal(admin.metadata.annotations, undefined);
    assert.equal(
      docs.some(d => d.kind === 'Service' && d.metadata.name === 'kong-cp-kong-manager'),
      false,
    );
    for (const name of ['kong-cp-kong-cluster', 'kong-cp-kong-clustertelemetry']) {
      assert.equal(service(docs, name).spec['type'], 'LoadBalancer');
      assert.deepEqual(service(docs, name).metadata.annotations, NLB);
    }
  },
);

test('generate cp-values refuses answers without controlPlane.deploy, naming the key', () => {
  assert.throws(
    () => cpValuesInputFromAnswers(parseAnswers('controlPlane:\n  version: "3.10.0.2"\n', 'a.yaml')),
    (e: Error & {key?: string}) => e.key === 'controlPlane.deploy',
  );
});
