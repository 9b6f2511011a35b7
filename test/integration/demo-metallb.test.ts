// The demo world's MetalLB (a FAKE of the EKS Anywhere curated package and MetalLB's controller and
// webhook) and the stand-in eksctl's package commands, run as real child processes; then the wizard's
// own installMetallb against them.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, writeFileSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import yaml from 'js-yaml';
import {startDemoWorld, type DemoWorld} from '../../source/demo/world.js';
import {ipAddressPoolWebhook, METALLB_API, PACKAGE_API} from '../../source/demo/fake-metallb.js';
import {installMetallb, waitForLoadBalancerIp} from '../../source/kong/lb-install.js';
import {lbPlanFromAnswers, METALLB_PACKAGE_FILE} from '../../source/kong/lb-config.js';
import {createKubeApi} from '../../source/kong/kube-client.js';
import {ExecaRunner} from '../../source/run/execa-runner.js';
import {DryRunRunner} from '../../source/run/dry-run-runner.js';
import {systemClock} from '../../source/ports.js';
import {until} from '../helpers/wait.js';

let world: DemoWorld;
let dir: string;

function run(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise(resolve => {
    execFile(
      'eksctl',
      args,
      {cwd: dir, env: {...world.env, HOME: dir, KUBECONFIG: world.kubeconfigs.workload}, timeout: 30_000},
      (err, stdout, stderr) => resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    );
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-metallb-'));
  world = await startDemoWorld({sessionDir: dir, speed: 50});
});
after(async () => {
  await world.close();
  rmSync(dir, {recursive: true, force: true});
});

test('fake MetalLB webhook: an overlapping pool and a pool holding a node address are refused with MetalLB’s words', () => {
  const existing = [{name: 'lab', addresses: ['10.20.0.192/27']}];
  assert.equal(
    ipAddressPoolWebhook({name: 'kong-dp', addresses: ['10.20.0.200-10.20.0.209']}, existing),
    'admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: CIDR "10.20.0.200/29" in pool "kong-dp" overlaps with already defined CIDR "10.20.0.192/27"',
  );
  assert.match(
    ipAddressPoolWebhook({name: 'kong-dp', addresses: ['10.20.0.8/29']}, [], ['10.20.0.12'])!,
    /pool cidr "10\.20\.0\.8\/29" contains nodeIp "10\.20\.0\.12"/,
  );
  assert.equal(ipAddressPoolWebhook({name: 'kong-dp', addresses: ['10.20.0.100-10.20.0.109']}, existing), undefined);
});

test(
  'stand-in eksctl: generate package and create packages are strict about their arguments',
  {timeout: 30_000},
  async () => {
    const missing = await run(['anywhere', 'generate', 'package', 'metallb']);
    assert.equal(missing.code, 255);
    assert.match(missing.stderr, /required flag\(s\) "cluster" not set/);
    assert.match(
      (await run(['anywhere', 'generate', 'package', '--cluster', 'seed'])).stderr,
      /requires at least 1 arg/,
    );
    assert.match(
      (await run(['anywhere', 'generate', 'package', 'harbor', '--cluster', 'seed'])).stderr,
      /harbor not found/,
    );
    assert.match((await run(['anywhere', 'create', 'packages', '--bogus'])).stderr, /unknown flag: --bogus/);
    assert.match((await run(['anywhere', 'create', 'packages'])).stderr, /required flag\(s\) "filename" not set/);
    const generated = await run(['anywhere', 'generate', 'package', 'metallb', '--cluster', 'seed']);
    assert.equal(generated.code, 0, generated.stderr);
    assert.equal(
      (yaml.load(generated.stdout) as {metadata: {namespace: string}}).metadata.namespace,
      'eksa-packages-seed',
    );
  },
);

test('fake MetalLB: a Package into a missing namespace installs nothing and says so', {timeout: 30_000}, async () => {
  const file = join(dir, 'no-ns.yaml');
  writeFileSync(
    file,
    yaml.dump({
      apiVersion: PACKAGE_API,
      kind: 'Package',
      metadata: {name: 'lonely', namespace: 'eksa-packages-seed'},
      spec: {packageName: 'metallb', targetNamespace: 'nowhere', config: 'IPAddressPools: []\n'},
    }),
  );
  const r = await run(['anywhere', 'create', 'packages', '-f', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /package\.packages\.eks\.amazonaws\.com\/lonely created/);
  const store = world.apis.workload.store;
  await until(
    () =>
      (
        store.get({apiVersion: PACKAGE_API, kind: 'Package', namespace: 'eksa-packages-seed', name: 'lonely'})?.[
          'status'
        ] as {detail?: string} | undefined
      )?.detail === 'namespaces "nowhere" not found',
    'the package status',
    {timeoutMs: 10_000},
  );
  const again = await run(['anywhere', 'create', 'packages', '-f', file]);
  assert.equal(again.code, 255);
  assert.match(again.stderr, /"lonely" already exists/);
});

test(
  'installMetallb through the stand-in eksctl: controller Ready, a LoadBalancer Service gets a pool address; an overlapping pool is refused',
  {timeout: 60_000},
  async () => {
    const answers = {
      admin: {bootstrapIp: '10.20.0.10'},
      network: {netmask: '255.255.255.0'},
      cluster: {name: 'seed'},
      dataPlane: {loadBalancer: {provider: 'metallb' as const, addresses: '10.20.0.200-10.20.0.209'}},
    };
    const plan = lbPlanFromAnswers(answers)!;
    const kube = createKubeApi(world.kubeconfigs.workload);
    const session = join(dir, 'session');
    const {mkdirSync} = await import('node:fs');
    mkdirSync(session, {recursive: true});
    const target = {kubeconfig: world.kubeconfigs.workload};
    const env = {...world.env, HOME: dir};

    // Dry run: the commands are recorded, nothing is created.
    const recorded: string[] = [];
    const dry = await installMetallb(plan, target, {
      runner: new DryRunRunner({onRecord: r => recorded.push([r.command, ...r.args].join(' '))}),
      clock: systemClock,
      env,
      sessionDir: session,
      kube,
      dryRun: true,
    });
    assert.ok(dry.ok);
    assert.ok(
      recorded.some(l => l.includes('generate package metallb')),
      recorded.join('\n'),
    );
    assert.ok(
      recorded.some(l => l.includes('create packages -f metallb-package.yaml')),
      recorded.join('\n'),
    );
    assert.ok(
      recorded.some(l => l.includes('apply -f metallb-namespace.yaml')),
      recorded.join('\n'),
    );
    assert.equal(await kube.get('Namespace', '', 'metallb-system'), null, 'a dry run creates nothing');

    const runner = new ExecaRunner({sessionDir: session});
    const result = await installMetallb(plan, target, {
      runner,
      clock: systemClock,
      env,
      sessionDir: session,
      kube,
      dryRun: false,
      speed: 50,
      timeoutMs: 20_000,
    });
    assert.ok(result.ok, JSON.stringify(result.checks));
    const written = yaml.load(readFileSync(join(session, METALLB_PACKAGE_FILE), 'utf8')) as {
      metadata: {namespace: string};
      spec: {config: string};
    };
    assert.equal(written.metadata.namespace, 'eksa-packages-seed', 'the generated package was the base');
    const store = world.apis.workload.store;
    assert.equal(store.list({apiVersion: METALLB_API, kind: 'IPAddressPool', namespace: 'metallb-system'}).length, 1);

    store.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'kong-dp-kong-proxy', namespace: 'default'},
      spec: {type: 'LoadBalancer', ports: [{port: 80}]},
    });
    store.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: 'np', namespace: 'default'},
      spec: {type: 'NodePort'},
    });
    const lb = await waitForLoadBalancerIp(kube, 'default', 'kong-dp-kong-proxy', {
      clock: systemClock,
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    assert.equal(lb.ip, '10.20.0.200');
    assert.equal((await kube.get('Service', 'default', 'np'))?.status?.loadBalancer?.ingress, undefined);

    // A second package whose pool overlaps: the webhook refuses it; the Package's status carries the message.
    const overlapping = join(dir, 'overlap.yaml');
    writeFileSync(
      overlapping,
      yaml.dump({
        apiVersion: PACKAGE_API,
        kind: 'Package',
        metadata: {name: 'second', namespace: 'eksa-packages-seed'},
        spec: {
          packageName: 'metallb',
          targetNamespace: 'metallb-system',
          config: 'IPAddressPools:\n  - name: other\n    addresses: ["10.20.0.208/29"]\n',
        },
      }),
    );
    assert.equal((await run(['anywhere', 'create', 'packages', '-f', overlapping])).code, 0);
    await until(
      () =>
        /overlaps with already defined CIDR "10\.20\.0\.208\/31"/.test(
          String(
            (
              store.get({apiVersion: PACKAGE_API, kind: 'Package', namespace: 'eksa-packages-seed', name: 'second'})?.[
                'status'
              ] as {detail?: string} | undefined
            )?.detail ?? '',
          ),
        ),
      'the webhook refusal in the package status',
      {timeoutMs: 10_000},
    );
  },
);

test(
  'stand-in eksctl delete packages: strict arguments, refuses an unknown package, removes the package with its pool',
  {timeout: 30_000},
  async () => {
    const store = world.apis.workload.store;
    const pkg = (name: string) =>
      store.get({apiVersion: PACKAGE_API, kind: 'Package', namespace: 'eksa-packages-seed', name});
    assert.ok(pkg('kong-dp-metallb'), 'the package the install test created');
    const noCluster = await run(['anywhere', 'delete', 'packages', 'kong-dp-metallb']);
    assert.equal(noCluster.code, 255);
    assert.match(noCluster.stderr, /required flag\(s\) "cluster" not set/);
    assert.match(
      (await run(['anywhere', 'delete', 'packages', '--cluster', 'seed'])).stderr,
      /requires at least 1 arg\(s\), only received 0/,
    );
    assert.match(
      (await run(['anywhere', 'delete', 'packages', 'x', '--cluster', 'seed', '--force'])).stderr,
      /unknown flag: --force/,
    );
    const unknown = await run(['anywhere', 'delete', 'packages', 'harbor', '--cluster', 'seed']);
    assert.equal(unknown.code, 255);
    assert.match(unknown.stderr, /\(NotFound\): packages\.packages\.eks\.amazonaws\.com "harbor" not found/);
    // Another cluster's namespace holds nothing: the name alone is not enough.
    assert.equal((await run(['anywhere', 'delete', 'packages', 'kong-dp-metallb', '--cluster', 'other'])).code, 255);
    assert.ok(pkg('kong-dp-metallb'), 'a refused deletion removes nothing');

    const done = await run(['anywhere', 'delete', 'packages', 'kong-dp-metallb', '--cluster', 'seed']);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /package\.packages\.eks\.amazonaws\.com "kong-dp-metallb" deleted/);
    assert.equal(pkg('kong-dp-metallb'), undefined);
    assert.deepEqual(
      store
        .list({apiVersion: METALLB_API, kind: 'IPAddressPool', namespace: 'metallb-system'})
        .map(p => p.metadata.name),
      [],
      'the pool goes with the package',
    );
    assert.equal(
      store.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'metallb-system', name: 'metallb-controller'}),
      undefined,
    );
    assert.match(
      (await run(['anywhere', 'delete', 'packages', 'kong-dp-metallb', '--cluster', 'seed'])).stderr,
      /"kong-dp-metallb" not found/,
    );
  },
);
