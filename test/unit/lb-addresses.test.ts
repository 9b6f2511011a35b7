import {test} from 'node:test';
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import yaml from 'js-yaml';
import {
  checkAddressPool,
  checkPoolNotInUse,
  parseAddressPool,
  poolCidrs,
  poolContext,
  proposePool,
  type AddressPool,
} from '../../source/kong/lb-addresses.js';
import {generateLbConfigCli, lbPlanFromAnswers, metallbPackage} from '../../source/kong/lb-config.js';
import {dpValuesInputFromAnswers} from '../../source/kong/dp-values.js';
import {parseAnswers} from '../../source/session/answers-file.js';
import type {Answers} from '../../source/session/answers.js';
import {formatIpv4} from '../../source/net/ipv4.js';
import {runCli, tempHome} from '../helpers/cli.js';

const lab: Answers = {
  admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
  network: {netmask: '255.255.255.0', gateway: '10.20.0.1'},
  machines: [
    {hostname: 'eksa-cp01', mac: 'aa:bb:cc:00:00:01', ip: '10.20.0.11', role: 'cp', disk: '/dev/sda'},
    {hostname: 'eksa-wk01', mac: 'aa:bb:cc:00:00:02', ip: '10.20.0.12', role: 'worker', disk: '/dev/sda'},
  ],
  cluster: {name: 'seed', endpoint: '10.20.0.50', tinkerbellIp: '10.20.0.51'},
  controlPlane: {version: '3.9.1.2', clusterEndpoint: 'cp.example.com:8005', telemetryEndpoint: 'tp.example.com:8006'},
};
const withPool = (addresses: string, provider: 'metallb' | 'kube-vip' = 'metallb'): Answers => ({
  ...lab,
  dataPlane: {loadBalancer: {provider, addresses}},
});
const messages = (addresses: string) =>
  checkAddressPool(addresses, poolContext(withPool(addresses))).issues.map(i => i.message);

test('pool: a range and a CIDR parse; bad forms say what is expected', () => {
  const range = parseAddressPool(' 10.20.0.200 - 10.20.0.209 ') as AddressPool;
  assert.equal(range.text, '10.20.0.200-10.20.0.209');
  assert.equal(range.last - range.first + 1, 10);
  const cidr = parseAddressPool('10.20.0.200/29') as AddressPool;
  assert.equal(formatIpv4(cidr.first), '10.20.0.200');
  assert.equal(formatIpv4(cidr.last), '10.20.0.207');
  assert.match(
    (parseAddressPool('10.20.0.201/29') as {error: string}).error,
    /host bits set; did you mean 10\.20\.0\.200\/29/,
  );
  assert.match((parseAddressPool('10.20.0.209-10.20.0.200') as {error: string}).error, /ends before it starts/);
  assert.match(
    (parseAddressPool('10.20.0.200') as {error: string}).error,
    /one address: write it as 10\.20\.0\.200\/32/,
  );
  assert.match((parseAddressPool('lots') as {error: string}).error, /expected a range/);
  assert.match((parseAddressPool('10.20.0.200-10.20.0.300') as {error: string}).error, /10\.20\.0\.300 is not an IPv4/);
});

test('pool: a range becomes the prefixes MetalLB checks for overlaps', () => {
  const cidrs = poolCidrs(parseAddressPool('10.20.0.200-10.20.0.209') as AddressPool);
  assert.deepEqual(
    cidrs.map(c => `${formatIpv4(c.network)}/${c.prefix}`),
    ['10.20.0.200/29', '10.20.0.208/31'],
  );
});

test('pool: inside the nodes subnet, clear of nodes, endpoint, Tinkerbell, admin server and gateway', () => {
  assert.deepEqual(messages('10.20.0.200-10.20.0.209'), []);
  const key = /^dataPlane\.loadBalancer\.addresses: /;
  const [outside] = messages('10.20.0.250-10.20.1.5');
  assert.match(outside!, key);
  assert.match(outside!, /10\.20\.1\.5 is outside the nodes' subnet 10\.20\.0\.0\/24/);
  assert.match(
    messages('10.20.0.10-10.20.0.12').join('\n'),
    /10\.20\.0\.10 is the admin server \(admin\.bootstrapIp\)/,
  );
  assert.match(messages('10.20.0.10-10.20.0.12').join('\n'), /10\.20\.0\.11 is node eksa-cp01/);
  assert.match(messages('10.20.0.48/29').join('\n'), /10\.20\.0\.50 is the cluster endpoint \(cluster\.endpoint\)/);
  assert.match(messages('10.20.0.48/29').join('\n'), /10\.20\.0\.51 is the Tinkerbell IP/);
  assert.match(messages('10.20.0.250-10.20.0.255').join('\n'), /broadcast address 10\.20\.0\.255/);
  assert.match(messages('10.20.0.0/23')[0]!, /holds 512 addresses/);
});

test('pool: the proposal is free, inside the subnet and passes the checks', () => {
  const context = poolContext(lab);
  const proposed = proposePool(context)!;
  assert.equal(proposed, '10.20.0.245-10.20.0.254');
  assert.deepEqual(checkAddressPool(proposed, context).issues, []);
  // A reserved address near the top moves the proposal below it.
  const crowded = poolContext({...lab, network: {netmask: '255.255.255.0', gateway: '10.20.0.250'}});
  assert.equal(proposePool(crowded), '10.20.0.240-10.20.0.249');
  assert.equal(proposePool(poolContext({})), undefined, 'no subnet, no proposal');
});

test('pool: an address that answers on the network is refused, naming it and why', async () => {
  const pool = parseAddressPool('10.20.0.200-10.20.0.203') as AddressPool;
  const probed: string[] = [];
  const issues = await checkPoolNotInUse(pool, async ip => {
    probed.push(ip);
    return ip === '10.20.0.202' ? {inUse: true, reason: 'accepts connections on TCP 80'} : {inUse: false, reason: ''};
  });
  assert.deepEqual(probed.sort(), ['10.20.0.200', '10.20.0.201', '10.20.0.202', '10.20.0.203']);
  assert.deepEqual(
    issues.map(i => i.message),
    [
      'dataPlane.loadBalancer.addresses: 10.20.0.202 is in use on the network (accepts connections on TCP 80); a pool address must be free',
    ],
  );
});

test('answers: dataPlane.loadBalancer is validated by the schema and makes the proxy a LoadBalancer', () => {
  const parsed = parseAnswers(
    'dataPlane: {loadBalancer: {provider: metallb, addresses: "10.20.0.200-10.20.0.209"}}\n',
    'a.yaml',
  );
  assert.equal(parsed.dataPlane?.loadBalancer?.provider, 'metallb');
  assert.throws(
    () => parseAnswers('dataPlane: {loadBalancer: {provider: haproxy, addresses: x}}\n', 'a.yaml'),
    /dataPlane\.loadBalancer\.provider/,
  );
  assert.equal(dpValuesInputFromAnswers(withPool('10.20.0.200-10.20.0.209')).proxy.type, 'LoadBalancer');
  assert.equal(dpValuesInputFromAnswers(lab).proxy.type, 'NodePort');
  const explicit = {
    ...withPool('10.20.0.200-10.20.0.209'),
    dataPlane: {
      proxyType: 'NodePort' as const,
      loadBalancer: {provider: 'metallb' as const, addresses: '10.20.0.200/29'},
    },
  };
  assert.equal(dpValuesInputFromAnswers(explicit).proxy.type, 'NodePort', 'an explicit proxyType wins');
});

test('lb-config: the MetalLB curated package holds the pool and an L2 advertisement', () => {
  const plan = lbPlanFromAnswers(withPool('10.20.0.200-10.20.0.209'))!;
  const pkg = metallbPackage(plan) as {
    metadata: {namespace: string};
    spec: {packageName: string; targetNamespace: string; config: string};
  };
  assert.equal(pkg.metadata.namespace, 'eksa-packages-seed');
  assert.equal(pkg.spec.packageName, 'metallb');
  assert.equal(pkg.spec.targetNamespace, 'metallb-system');
  assert.deepEqual(yaml.load(pkg.spec.config), {
    IPAddressPools: [{name: 'kong-dp', addresses: ['10.20.0.200-10.20.0.209']}],
    L2Advertisements: [{ipAddressPools: ['kong-dp']}],
  });
  // What `eksctl anywhere generate package metallb` printed is the base (its namespace kept).
  const generated =
    'apiVersion: packages.eks.amazonaws.com/v1alpha1\nkind: Package\nmetadata:\n  name: generated-metallb\n  namespace: eksa-packages-mgmt\nspec:\n  packageName: metallb\n';
  assert.equal(
    (metallbPackage(plan, generated) as {metadata: {namespace: string; name: string}}).metadata.namespace,
    'eksa-packages-mgmt',
  );
});

test('generate lb-config CLI: prints the package; exit 2 naming the key for a bad pool or no pool', async () => {
  const ok = generateLbConfigCli(withPool('10.20.0.200-10.20.0.209'));
  assert.equal(ok.exitCode, 0);
  assert.match(ok.stdout, /eksctl anywhere create packages -f metallb-package\.yaml/);
  assert.match(ok.stdout, /packageName: metallb/);
  const kubeVip = generateLbConfigCli(withPool('10.20.0.200/29', 'kube-vip'));
  // A CIDR goes under cidr-global: the cloud provider parses range-global as "a-b" only.
  assert.match(kubeVip.stdout, /cidr-global: 10\.20\.0\.200\/29/);
  const bad = generateLbConfigCli(withPool('10.20.0.11-10.20.0.12'));
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /dataPlane\.loadBalancer\.addresses: 10\.20\.0\.11 is node eksa-cp01/);
  assert.equal(generateLbConfigCli(lab).exitCode, 2);

  const home = tempHome();
  const file = join(home, 'answers.yaml');
  writeFileSync(file, yaml.dump(withPool('10.20.0.12-10.20.0.14')));
  const run = await runCli(['generate', 'lb-config', '--answers', file], {EKSA_KONG_HOME: home});
  assert.equal(run.code, 2);
  assert.match(run.stderr, /dataPlane\.loadBalancer\.addresses: 10\.20\.0\.12 is node eksa-wk01/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  writeFileSync(file, yaml.dump(withPool('10.20.0.200-10.20.0.209')));
  const good = await runCli(['generate', 'lb-config', '--answers', file], {EKSA_KONG_HOME: home});
  assert.equal(good.code, 0);
  assert.match(good.stdout, /10\.20\.0\.200-10\.20\.0\.209/);
});
