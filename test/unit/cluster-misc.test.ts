import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createClusterCommand, createClusterEnv} from '../../source/cluster/create.js';
import {
  failureArtifactPatterns,
  findFailureArtifacts,
  genericFailure,
  recogniseFailure,
} from '../../source/cluster/failures.js';
import {checkKubeconfigText, validateExistingCluster} from '../../source/cluster/existing.js';
import {createIpInUseProbe, neighbourHolds, parseIpNeigh, tcpAnswers} from '../../source/cluster/ip-in-use.js';
import {FakeCommandRunner} from '../helpers/cluster-fakes.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/cluster/${name}`, import.meta.url), 'utf8');

test('create command: exact argv, session folder as cwd, -v option', () => {
  const spec = createClusterCommand({
    sessionDir: '/s/lab1',
    bootstrapIp: '10.20.0.10',
    env: {PATH: '/usr/bin', HOME: '/home/admin'},
  });
  assert.equal(spec.command, 'eksctl');
  assert.deepEqual(spec.args, [
    'anywhere',
    'create',
    'cluster',
    '-f',
    'cluster.yaml',
    '--hardware-csv',
    'hardware.csv',
    '--tinkerbell-bootstrap-ip=10.20.0.10',
  ]);
  assert.equal(spec.cwd, '/s/lab1');
  assert.equal(spec.step, 'create-cluster');
  const verbose = createClusterCommand({sessionDir: '/s', bootstrapIp: '10.20.0.10', verbosity: 4, env: {}});
  assert.deepEqual(verbose.args.slice(-2), ['-v', '4']);
  assert.throws(
    () => createClusterCommand({sessionDir: '/s', bootstrapIp: '1.2.3.4', verbosity: 10, env: {}}),
    /0\.\.9/,
  );
});

test('create env: flags-by-env, credentials and the pre-v0.22 EKSA_LICENSE are dropped; docker and proxy kept', () => {
  const env = createClusterEnv({
    PATH: '/usr/local/bin:/usr/bin',
    HOME: '/home/admin',
    KUBECONFIG: '/home/admin/.kube/config',
    HARDWARE_CSV: '/tmp/other.csv',
    VERBOSITY: '9',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    BMC_PASSWORD: 'pw',
    DOCKER_HOST: 'unix:///run/user/1000/docker.sock',
    HTTPS_PROXY: 'http://proxy:3128',
    EKSA_LICENSE: 'lic-token',
  });
  assert.deepEqual(env, {
    PATH: '/usr/local/bin:/usr/bin',
    HOME: '/home/admin',
    DOCKER_HOST: 'unix:///run/user/1000/docker.sock',
    HTTPS_PROXY: 'http://proxy:3128',
  });
  const spec = createClusterCommand({
    sessionDir: '/s',
    bootstrapIp: '10.20.0.10',
    env: {PATH: '/bin', EKSA_LICENSE: 'lic-token'},
  });
  assert.equal(spec.env?.['EKSA_LICENSE'], undefined);
  assert.equal(spec.envRefs?.['EKSA_LICENSE'], undefined);
  assert.ok(createClusterEnv({}).PATH);
});

test('failure mapping: the known errors of reference 3.2, 3.5 and 5', () => {
  const cases: [string, string, RegExp][] = [
    [
      'Error: boots container already exists, delete the container manually',
      'smee-container-exists',
      /docker rm -f smee/,
    ],
    [
      'Error: creating bootstrap cluster: node(s) already exist for a cluster with the name "seed-eks-a-cluster"',
      'kind-cluster-exists',
      /docker rm -f seed-eks-a-cluster-control-plane/,
    ],
    [
      'Error: old cluster config file exists under seed, please use a different clusterName to proceed',
      'old-cluster-folder',
      /mv seed seed\.old/,
    ],
    [
      'Error: localhost ports [80, 42113, 7172] are already in use, please ensure these ports are available',
      'ports-in-use',
      /ss -lntup/,
    ],
    [
      'Error: failed to validate docker: minimum requirements for docker version have not been met. Install Docker version 20.x.x or above',
      'docker-version',
      /Docker CE 20/,
    ],
    ['Error: control plane endpoint ip in use: 10.20.0.50', 'endpoint-in-use', /cluster\.endpoint/],
    [
      'Error: tinkerbellIP 10.20.0.51 is already in use, please provide a unique IP',
      'tinkerbell-ip-in-use',
      /cluster\.tinkerbellIp/,
    ],
    [
      'Error: tinkerbellIP <10.20.0.51> is already in use, please provide a unique IP',
      'tinkerbell-ip-in-use',
      /cluster\.tinkerbellIp/,
    ],
    [
      'Error: the cluster config file provided is invalid: controlPlaneConfiguration.endpoint.host and tinkerbellIP are the same (10.20.0.50), please provide two unique IPs',
      'same-ips',
      /two distinct/,
    ],
    [`minimum hardware count not met for selector '{"type":"cp"}': have 0, require 1`, 'hardware-count', /type=cp/],
    [
      `hardware must only satisfy 1 selector: hardware name 'n1'; selectors '{"type":"cp"}, {"type":"etcd"}'`,
      'hardware-two-selectors',
      /one type label/,
    ],
    [
      'Error: validations failed: missing kube version from OSImageURL: url=http://h/u.gz, version=1.35',
      'os-image-version',
      /cluster\.osImageUrl/,
    ],
    ['stripping ssh key comment: TinkerbellMachineConfig name=seed-cp: ssh: no key found', 'ssh-key', /leave it empty/],
    ['Error: waiting for baseboard management to be contactable', 'bmc-not-contactable', /BMC address/],
    [
      'Failed to connect to BMC: provider: ipmitool: Error: Unable to establish IPMI v2 / RMCP+ session',
      'bmc-not-contactable',
      /BMC/,
    ],
    ["Error: waiting for cluster's control plane to be ready", 'control-plane-timeout', /docker logs smee/],
    ['Error: waiting for workers to be ready', 'workers-timeout', /provisioning view/],
    ['licenseToken is required for extended kubernetes support', 'license', /cluster\.licenseToken/],
    ['Error: validations failed: license is expired, please renew the license', 'license-expired', /renewed token/],
    ['please remove the --force-cleanup flag', 'force-cleanup', /Drop the flag/],
    ['Error: read: invalid hardware: record on line 2: wrong number of fields', 'hardware-csv', /hardware\.csv/],
    ['Error: hardware config file hw.csv does not exist', 'config-missing', /Generate/],
    [
      'number of characters in aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa should be less than 36',
      'cluster-name-length',
      /shorter/,
    ],
    [
      'control plane node count cannot be an even number when using stacked etcd topology',
      'even-control-plane',
      /1, 3 or 5/,
    ],
    [
      'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
      'docker-permission',
      /usermod/,
    ],
  ];
  for (const [line, id, fix] of cases) {
    const f = recogniseFailure(['some unrelated line', line], 'seed');
    assert.equal(f?.id, id, line);
    assert.match(f!.fix, fix, line);
    assert.ok(f!.title && f!.explanation, line);
  }
  assert.equal(recogniseFailure(['Waiting for control plane to be ready', 'all good']), undefined);
  assert.equal(genericFailure('boom').explanation, 'boom');
});

test('failure mapping: hardware errors eksctl prints unwrapped map to hardware.csv and its fix', () => {
  // As create prints them: EKS Anywhere's validator texts (pkg/providers/tinkerbell/hardware/validator.go,
  // machine.go, Go's encoding/csv, apimachinery's label rules) after "validations failed: ".
  const errors = [
    'machine: IPAddress is empty',
    'IPAddress: is invalid: 10.20.0.300',
    'Gateway: is invalid: gw',
    'machine: Nameservers contains an empty entry',
    'machine: Netmask is empty',
    'MACAddress: address zz:bb:cc:00:00:05: invalid MAC address',
    'invalid hostname: Node1: [a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters]',
    'disk must be a valid linux path ("^(/dev/[\\w-]+)+$")',
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    'prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters',
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'",
    'must be no more than 63 bytes',
    'machine: BMCIPAddress is empty',
    'BMCIPAddress: is invalid: bmc',
    'VLANID: must be a string integer',
    'VLANID: must be between 1 and 4094',
    'duplicate Hostname: eksa-cp01',
    'missing BMCIPAddress (mac="aa:bb:cc:00:00:01")',
    'parse error on line 2, column 40: bare " in non-quoted-field',
    'read: invalid hardware: cannot assign field at 6 to hardware.Machine through index chain [7]: badly formatted key-value pair: type',
  ];
  for (const error of errors) {
    for (const line of [
      `❌ Validation failed\t${JSON.stringify({validation: 'tinkerbell Provider setup is valid', error, remediation: ''})}`,
      `Error: validations failed: ${error}`,
    ]) {
      const f = recogniseFailure(['Performing setup and validations', line], 'seed');
      assert.equal(f?.id, 'hardware-csv', line);
      assert.match(f!.fix, /Fix hardware\.csv/);
      // The explanation quotes eksctl's error itself, not the JSON around it.
      assert.equal(f!.explanation, `eksctl read the CSV and found: ${error}`, line);
    }
  }
});

test('failure artifacts: the reference’s paths, and the ones that exist', {timeout: 5000}, async () => {
  const patterns = failureArtifactPatterns('seed').map(a => a.path);
  assert.ok(patterns.includes('eksa-cli-logs/<timestamp>.log'));
  assert.ok(patterns.includes('seed/generated/*-bundle.yaml'));
  assert.ok(patterns.includes('seed/generated/seed.kind.kubeconfig'));
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-fail-'));
  try {
    mkdirSync(join(dir, 'eksa-cli-logs'));
    mkdirSync(join(dir, 'seed', 'generated'), {recursive: true});
    writeFileSync(join(dir, 'eksa-cli-logs', '2026-07-20T10_00_00.log'), '{}');
    writeFileSync(join(dir, 'eksa-cli-logs', '2026-07-20T11_00_00.log'), '{}');
    writeFileSync(join(dir, 'support-bundle-2026-07-20T11_30_00.tar.gz'), '');
    writeFileSync(join(dir, 'seed', 'generated', 'seed-2026-07-20T11_30_00-bundle.yaml'), '');
    writeFileSync(join(dir, 'seed', 'generated', 'seed.kind.kubeconfig'), '');
    const found = (await findFailureArtifacts(dir, 'seed')).map(a => a.path);
    assert.deepEqual(found, [
      'eksa-cli-logs/2026-07-20T11_00_00.log',
      'eksa-cli-logs/2026-07-20T10_00_00.log',
      'support-bundle-2026-07-20T11_30_00.tar.gz',
      'seed/generated/seed.kind.kubeconfig',
      'seed/generated/seed-2026-07-20T11_30_00-bundle.yaml',
    ]);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test(
  'existing cluster: the context must exist and resolve to a cluster with a server and a user',
  {timeout: 5000},
  async () => {
    const text = fixture('kubeconfig.yaml');
    const current = checkKubeconfigText(text, 'kc');
    assert.ok(current.ok);
    assert.deepEqual(current.info, {
      path: 'kc',
      context: 'kong-cp',
      cluster: 'cp-cluster',
      server: 'https://cp.example.test:6443',
      user: 'cp-admin',
      contexts: ['kong-cp', 'dangling', 'no-server'],
    });
    const missing = checkKubeconfigText(text, 'kc', 'prod');
    assert.ok(!missing.ok);
    assert.deepEqual(missing.errors, [
      {key: 'cluster.existing.context', message: 'context "prod" is not in kc; it has: kong-cp, dangling, no-server'},
    ]);
    const dangling = checkKubeconfigText(text, 'kc', 'dangling');
    assert.ok(!dangling.ok && /cluster "nowhere"/.test(dangling.errors[0]!.message));
    const noServer = checkKubeconfigText(text, 'kc', 'no-server');
    assert.ok(!noServer.ok && /no server address/.test(noServer.errors[0]!.message));
    assert.ok(!checkKubeconfigText('a: [', 'kc').ok);
    assert.ok(!checkKubeconfigText('kind: Pod', 'kc').ok);
    const noCurrent = checkKubeconfigText(text.replace('current-context: kong-cp\n', ''), 'kc');
    assert.ok(!noCurrent.ok && noCurrent.errors[0]!.key === 'cluster.existing.context');

    const viaFile = await validateExistingCluster('~/kc.yaml', 'kong-cp', async p => {
      assert.ok(!p.startsWith('~'));
      return text;
    });
    assert.ok(viaFile.ok);
    const unreadable = await validateExistingCluster('/nope/kc', undefined, async () => {
      throw Object.assign(new Error('no'), {code: 'ENOENT'});
    });
    assert.ok(!unreadable.ok && unreadable.errors[0]!.message === 'cannot read /nope/kc (ENOENT)');
  },
);

test('IP in use: TCP :80 answer (accept or RST) counts, as in EKS Anywhere', {timeout: 10_000}, async () => {
  const server = createServer(socket => socket.destroy());
  await new Promise<void>(resolve => server.listen({host: '127.0.0.1', port: 0}, resolve));
  const port = (server.address() as {port: number}).port;
  try {
    assert.deepEqual(await tcpAnswers('127.0.0.1', port, 2000), {
      inUse: true,
      reason: `accepts connections on TCP ${port}`,
    });
  } finally {
    await new Promise<void>(resolve => server.close(() => resolve()));
  }
  // nothing listens any more: the kernel answers with RST, which EKS Anywhere also treats as "in use"
  const refused = await tcpAnswers('127.0.0.1', port, 2000);
  assert.equal(refused.inUse, true);
  assert.match(refused.reason, /refuses/);
});

test('IP in use: the neighbour table catches hosts that drop TCP', {timeout: 5000}, async () => {
  const table = parseIpNeigh([
    {dst: '10.20.0.50', dev: 'eno1', lladdr: '52:54:00:12:34:56', state: ['REACHABLE']},
    {dst: '10.20.0.52', dev: 'eno1', state: ['FAILED']},
    {dst: '10.20.0.53', dev: 'eno1', lladdr: '52:54:00:12:34:57', state: ['INCOMPLETE']},
  ]);
  assert.equal(neighbourHolds(table, '10.20.0.50')?.mac, '52:54:00:12:34:56');
  assert.equal(neighbourHolds(table, '10.20.0.52'), undefined);
  assert.equal(neighbourHolds(table, '10.20.0.53'), undefined);

  const runner = new FakeCommandRunner({
    'ip -j neigh': {
      lines: [JSON.stringify([{dst: '10.20.0.50', dev: 'eno1', lladdr: '52:54:00:12:34:56', state: ['STALE']}])],
    },
  });
  const silent = async () => ({inUse: false, reason: 'no answer on TCP 80 within 500 ms'});
  const probe = createIpInUseProbe(runner, silent);
  assert.deepEqual(await probe('10.20.0.50'), {inUse: true, reason: 'answers ARP as 52:54:00:12:34:56 on eno1'});
  assert.equal((await probe('10.20.0.51')).inUse, false);
  const tcpHit = createIpInUseProbe(runner, async () => ({inUse: true, reason: 'accepts connections on TCP 80'}));
  assert.equal((await tcpHit('10.20.0.51')).reason, 'accepts connections on TCP 80');
});
