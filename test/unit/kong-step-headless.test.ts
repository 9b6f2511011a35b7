// Headless runs of the Kong steps from answers alone: the values they produce, dry-run files and
// recorded commands, and that a dry run touches no network at all.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import yaml from 'js-yaml';
import type {Net} from '../../source/ports.js';
import {newSession, type Session} from '../../source/session/schema.js';
import {SessionController} from '../../source/wizard/controller.js';
import {AnswerError, MissingAnswerError} from '../../source/wizard/registry.js';
import {createDryRunRunner} from '../../source/run/dry-run-runner.js';
import {mergeAnswers} from '../../source/wizard/reducer.js';
import {renderRunbook} from '../../source/run/runbook.js';
import type {Answers} from '../../source/session/answers.js';
import type {StepId} from '../../source/wizard/step-ids.js';
import {dpValuesFor} from '../../source/steps/data-plane/dp-step.js';
import {helmInstallCommandLine} from '../../source/kong/deploy.js';
import {generateDpValuesCli} from '../../source/kong/dp-values.js';
import {formatCommandLine} from '../../source/run/command-line.js';
import {runStep, stepContext, testPorts} from '../helpers/step-context.js';

const LICENSE = '{"license":{"payload":{"customer":"Test"},"signature":"abc"}}';
const TOKEN = 'headless-token-value-1234';

const answers: Answers = {
  cluster: {name: 'lab'},
  machines: [{hostname: 'wk1', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'}],
  controlPlane: {
    kubeconfig: '/nonexistent/kubeconfig',
    context: 'kong-cp',
    adminUrl: 'https://cp-admin.example.com:8444',
    adminTokenEnv: 'KONG_ADMIN_TOKEN',
    clusterEndpoint: 'cp.example.com:8005',
    telemetryEndpoint: 'tp.example.com:8006',
    version: '3.9.1.2',
    license: LICENSE,
  },
  dataPlane: {
    namespace: 'kong',
    release: 'kong-dp',
    proxyType: 'NodePort',
    httpNodePort: 32080,
    httpsNodePort: 32443,
    replicas: 2,
  },
};

/** A network that fails the test on any use. */
const noNet: Net = {
  route: (host, port) => assert.fail(`dry run routed to ${host}:${port}`),
  lookup: async host => assert.fail(`dry run resolved ${host}`),
};

function dryRun(extra: Answers = {}, license = LICENSE) {
  const dir = mkdtempSync(join(tmpdir(), 'kong-headless-'));
  let session: Session = newSession('lab', 'dry-run');
  session = {...session, answers: mergeAnswers(mergeAnswers(session.answers, answers), extra)};
  const controller = new SessionController(session, s => s);
  const runner = createDryRunRunner({
    onRecord: record => controller.dispatch({type: 'command-recorded', record}),
    secrets: () => [TOKEN, license],
  });
  const ports = testPorts({
    world: 'dry-run',
    runner,
    net: noNet,
    env: {KONG_ADMIN_TOKEN: TOKEN, PATH: '/usr/bin'},
    sessionDir: dir,
  });
  const {ctx, said} = stepContext(controller, ports, {
    // The license answer is inline here; the store would have moved it to secrets.json.
    secret: key => (key === 'license' ? license : key === 'kong.adminToken' ? TOKEN : undefined),
  });
  const run = (id: StepId) => runStep(ctx, controller, id, AbortSignal.timeout(20_000));
  return {dir, controller, said, run};
}

test('answers → DP values: endpoints, image = CP version, NodePorts, replicas, license secret, router flavor from the CP', () => {
  const values = dpValuesFor(answers, {routerFlavor: 'expressions'});
  assert.equal(values.clusterEndpoint, 'cp.example.com:8005');
  assert.deepEqual(values.image, {repository: 'kong/kong-gateway', tag: '3.9.1.2'});
  assert.equal(values.proxy.httpNodePort, 32080);
  assert.equal(values.replicas, 2);
  assert.equal(values.licenseSecret, 'kong-enterprise-license');
  assert.equal(values.routerFlavor, 'expressions');
  assert.throws(() => dpValuesFor({...answers, dataPlane: {image: 'kong/kong-gateway:3.10.0.0'}}, {}), /newer minor/);
});

test(
  'dry run: control plane takes the answers, data plane writes values + 0600 manifests and records kubectl/helm, verify probes nothing',
  {timeout: 30_000},
  async () => {
    const {dir, controller, said, run} = dryRun();
    const cp = await run('control-plane');
    assert.match(cp.summary, /^dry run: Kong 3\.9\.1\.2 \(shared\) · cluster cp\.example\.com:8005/);
    assert.ok(
      said.some(l => l === 'admin token: environment variable KONG_ADMIN_TOKEN'),
      said.join('\n'),
    );

    const dp = await run('data-plane');
    assert.match(dp.summary, /^dry run: kong-dp in kong, kong\/kong-gateway:3\.9\.1\.2/);
    const values = yaml.load(readFileSync(join(dir, 'kong-dp-values.yaml'), 'utf8')) as {
      env: Record<string, string>;
      replicaCount: number;
      proxy: {http: {nodePort: number}};
    };
    assert.equal(values.env['cluster_telemetry_endpoint'], 'tp.example.com:8006');
    assert.equal(values.replicaCount, 2);
    assert.equal(values.proxy.http.nodePort, 32080);
    const manifests = join(dir, 'kong-dp-secrets.yaml');
    assert.equal(statSync(manifests).mode & 0o777, 0o600);
    const text = readFileSync(manifests, 'utf8');
    assert.match(text, /get secret kong-cluster-cert -o yaml/, 'says how to copy the CP certificate');
    const docs = yaml.loadAll(text) as Array<{kind: string; metadata: {name: string}; data: Record<string, string>}>;
    // The namespace first, so one kubectl apply creates everything the data plane needs.
    assert.deepEqual(
      docs.map(d => [d.kind, d.metadata.name]),
      [
        ['Namespace', 'kong'],
        ['Secret', 'kong-enterprise-license'],
      ],
    );
    assert.equal(Buffer.from(docs[1]!.data['license']!, 'base64').toString(), LICENSE);

    const commands = controller.get().commands.map(c => `${c.command} ${c.args.join(' ')}`);
    // The new cluster's kubeconfig (where eksctl writes it) is in the arguments, not only in KUBECONFIG.
    const kubeconfig = join(dir, 'lab', 'lab-eks-a-cluster.kubeconfig');
    assert.deepEqual(commands, [
      `kubectl --kubeconfig ${kubeconfig} apply -f kong-dp-secrets.yaml`,
      'helm repo add kong https://charts.konghq.com --force-update',
      'helm repo update kong',
      `helm upgrade --install --kubeconfig ${kubeconfig} -n kong -f kong-dp-values.yaml --version 3.4.1 -- kong-dp kong/kong`,
    ]);
    const runbook = renderRunbook('lab', controller.get().commands);
    assert.ok(!runbook.includes(LICENSE) && !runbook.includes(TOKEN), 'no secret in the runbook');

    const verify = await run('verify');
    assert.equal(verify.summary, 'dry run: verification not run');
    assert.ok(said.some(l => /GET http:\/\/<node-ip>:<nodePort>\/httpbin\/anything/.test(l)));
    const session = JSON.stringify(controller.get());
    assert.ok(!session.includes(TOKEN), 'no token in the session');
  },
);

test('dry run: missing control plane answers name the key (exit 2 in headless runs)', async () => {
  const {run} = dryRun({controlPlane: {clusterEndpoint: ''}});
  await assert.rejects(
    run('control-plane'),
    (e: unknown) => e instanceof MissingAnswerError && e.key === 'controlPlane.clusterEndpoint',
  );
});

test('dry run: a newer DP minor than the CP is refused before anything is written', async () => {
  const {dir, run} = dryRun({dataPlane: {image: 'kong/kong-gateway:3.10.0.0'}});
  await assert.rejects(run('data-plane'), /newer minor/);
  assert.throws(() => statSync(join(dir, 'kong-dp-values.yaml')), /ENOENT/);
});

test('a licenseFile that is not a Kong licence (/etc/shadow) is refused naming the key, without its content', async () => {
  const shadow = 'root:$6$saltsalt$hashhashhash:19700:0:99999:7:::\n';
  const {dir, run} = dryRun({controlPlane: {licenseFile: '/etc/shadow'}}, shadow);
  await assert.rejects(run('data-plane'), (e: unknown) => {
    assert.ok(e instanceof AnswerError);
    assert.equal(e.key, 'controlPlane.licenseFile');
    assert.match(e.message, /^controlPlane\.licenseFile: "\/etc\/shadow" is not JSON: a Kong licence is JSON/);
    assert.ok(!e.message.includes('root:'), 'the content is never shown');
    return true;
  });
  assert.throws(() => statSync(join(dir, 'kong-dp-values.yaml')), /ENOENT/);
  // JSON, but not the licence's shape: each missing part is named.
  const {run: run2} = dryRun({}, '{"license":{"payload":{"customer":"x"}}}');
  await assert.rejects(run2('data-plane'), /controlPlane\.license has no "license\.signature" string/);
});

test(
  "kong-dp-values.yaml's header shows exactly the helm install command the step recorded (--version, --kubeconfig, --), and generate shows the same form",
  {timeout: 30_000},
  async () => {
    const {dir, controller, run} = dryRun({dataPlane: {release: 'kong-dp'}});
    await run('control-plane');
    await run('data-plane');
    const install = controller.get().commands.find(c => c.command === 'helm' && c.args[0] === 'upgrade');
    assert.ok(install, 'helm upgrade recorded');
    const line = formatCommandLine(install.command, install.args);
    assert.match(line, / --kubeconfig \S+ .*--version \S+ -- kong-dp kong\/kong$/);
    const header = readFileSync(join(dir, 'kong-dp-values.yaml'), 'utf8')
      .split('\n')
      .filter(l => l.startsWith('#'));
    assert.ok(header.includes(`# ${line}`), `${header.join('\n')}\nwant: # ${line}`);

    const generated = generateDpValuesCli(answers, input =>
      helmInstallCommandLine({
        release: input.release,
        namespace: input.namespace,
        kubeconfig: 'k.kubeconfig',
        context: 'c1',
        env: {},
      }),
    );
    assert.match(
      generated.stdout,
      /\n# helm upgrade --install --kubeconfig k\.kubeconfig --kube-context c1 -n kong -f kong-dp-values\.yaml --version \S+ -- kong-dp kong\/kong\n/,
    );
  },
);

test(
  'dry run with dataPlane.loadBalancer provider kube-vip: its manifest is written and applied before helm, the proxy is a LoadBalancer, the step records it for destroy',
  {timeout: 30_000},
  async () => {
    const {dir, controller, run} = dryRun({
      admin: {bootstrapIp: '10.20.0.10'},
      network: {netmask: '255.255.255.0'},
      dataPlane: {
        proxyType: 'LoadBalancer',
        loadBalancer: {provider: 'kube-vip', addresses: '10.20.0.200-10.20.0.209'},
      },
    });
    await run('control-plane');
    await run('data-plane');
    const kubeconfig = join(dir, 'lab', 'lab-eks-a-cluster.kubeconfig');
    const commands = controller.get().commands.map(c => `${c.command} ${c.args.join(' ')}`);
    assert.equal(commands[0], `kubectl --kubeconfig ${kubeconfig} apply -f kube-vip-services.yaml`);
    assert.ok(commands.at(-1)!.startsWith('helm upgrade --install'), commands.join('\n'));
    assert.match(renderRunbook('lab', controller.get().commands), /apply -f kube-vip-services\.yaml/);
    const docs = yaml.loadAll(readFileSync(join(dir, 'kube-vip-services.yaml'), 'utf8')) as Array<{kind: string}>;
    assert.deepEqual([...new Set(docs.map(d => d.kind))].sort(), [
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'DaemonSet',
      'Deployment',
      'ServiceAccount',
    ]);
    const values = yaml.load(readFileSync(join(dir, 'kong-dp-values.yaml'), 'utf8')) as {proxy: {type: string}};
    assert.equal(values.proxy.type, 'LoadBalancer');
    assert.deepEqual(controller.get().steps['data-plane'].data?.['loadBalancer'], {
      provider: 'kube-vip',
      pool: '10.20.0.200-10.20.0.209',
      manifest: 'kube-vip-services.yaml',
      namespace: 'kube-system',
    });
  },
);
