import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {execFileSync} from 'node:child_process';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import yaml from 'js-yaml';
import type {Answers} from '../../source/session/answers.js';
import {
  checkAddressesInUse,
  checkHardwareSelectors,
  checkOsImageReachable,
  fillTemplate,
  generateClusterSpecCommand,
  osImageUrlHasVersion,
  renderClusterSpec,
  unknownFields,
  validateClusterAnswers,
  writeClusterSpec,
  type SelectorGroup,
  type SpecIssue,
  type ValidationOptions,
} from '../../source/cluster/spec.js';
import {DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS} from '../../source/cluster/kube-versions.js';
import {listPublicKeys, sshKeyProblem} from '../../source/cluster/ssh-keys.js';
import {packageRoot, templatesDir} from '../../source/templates.js';

/** The pinned date: December 2026, when 1.30-1.33 are in extended support and 1.34 is not yet. */
const NOW = Date.parse('2026-12-06T10:00:00Z');
const AT = {now: NOW};

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function seed(overrides: Partial<NonNullable<Answers['cluster']>> = {}, extra: Partial<Answers> = {}): Answers {
  return {
    admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
    network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2', '1.1.1.1']},
    machines: [
      {
        hostname: 'eksa-cp01',
        mac: 'aa:bb:cc:00:00:01',
        ip: '10.20.0.11',
        role: 'cp',
        disk: '/dev/sda',
        bmc: {ip: '10.20.1.11', username: 'admin', passwordEnv: 'BMC_PASSWORD'},
      },
      {
        hostname: 'eksa-wk01',
        mac: 'aa:bb:cc:00:00:02',
        ip: '10.20.0.12',
        role: 'worker',
        disk: '/dev/nvme0n1',
        bmc: {ip: '10.20.1.12', username: 'admin', passwordEnv: 'BMC_PASSWORD'},
      },
    ],
    cluster: {
      name: 'seed',
      kubernetesVersion: '1.35',
      endpoint: '10.20.0.50',
      tinkerbellIp: '10.20.0.51',
      osImageUrl: 'http://10.20.0.10:8080/ubuntu-2204-kube-1-35.gz',
      sshAuthorizedKey: '',
      ...overrides,
    },
    ...extra,
  };
}

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}
/** A JWT shaped like an EKS Anywhere licence token (unsigned: only eksctl can check the signature). */
function licenceToken(endValidity: string): string {
  return `${b64({alg: 'RS256', typ: 'JWT'})}.${b64({iss: 'test', endValidity})}.c2lnbmF0dXJl`;
}

/** A well-formed ed25519 public key line (type string + 32 bytes, base64). */
function ed25519Key(comment = 'admin@adminserver'): string {
  const type = Buffer.from('ssh-ed25519');
  const key = Buffer.alloc(32, 7);
  const blob = Buffer.concat([u32(type.length), type, u32(key.length), key]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

const errorsOf = (a: Answers, options: Partial<ValidationOptions> = {}) =>
  validateClusterAnswers(a, {...AT, ...options}).errors;
const messages = (issues: SpecIssue[], key: string) => issues.filter(i => i.key === key).map(i => i.message);

test('the seed answers render the four documents of the reference seed spec', () => {
  const r = renderClusterSpec(seed({sshAuthorizedKey: ed25519Key()}), AT);
  assert.deepEqual(r.errors, []);
  const docs = yaml.loadAll(r.yaml) as Record<string, any>[];
  assert.deepEqual(
    docs.map(d => `${d.kind}/${d.metadata.name}`),
    [
      'Cluster/seed',
      'TinkerbellDatacenterConfig/seed',
      'TinkerbellMachineConfig/seed-cp',
      'TinkerbellMachineConfig/seed',
    ],
  );
  const [cluster, dc, cp, worker] = docs as [any, any, any, any];
  assert.equal(cluster.apiVersion, 'anywhere.eks.amazonaws.com/v1alpha1');
  assert.equal(cluster.spec.kubernetesVersion, '1.35');
  assert.match(r.yaml, /kubernetesVersion: "1\.35"/);
  assert.equal(cluster.spec.controlPlaneConfiguration.count, 1);
  assert.equal(cluster.spec.controlPlaneConfiguration.endpoint.host, '10.20.0.50');
  assert.deepEqual(cluster.spec.controlPlaneConfiguration.machineGroupRef, {
    kind: 'TinkerbellMachineConfig',
    name: 'seed-cp',
  });
  assert.deepEqual(cluster.spec.workerNodeGroupConfigurations, [
    {name: 'md-0', count: 1, machineGroupRef: {kind: 'TinkerbellMachineConfig', name: 'seed'}},
  ]);
  assert.deepEqual(cluster.spec.clusterNetwork, {
    cniConfig: {cilium: {}},
    pods: {cidrBlocks: ['192.168.0.0/16']},
    services: {cidrBlocks: ['10.96.0.0/12']},
  });
  assert.deepEqual(cluster.spec.datacenterRef, {kind: 'TinkerbellDatacenterConfig', name: 'seed'});
  assert.deepEqual(cluster.spec.managementCluster, {name: 'seed'});
  assert.deepEqual(dc.spec, {
    tinkerbellIP: '10.20.0.51',
    osImageURL: 'http://10.20.0.10:8080/ubuntu-2204-kube-1-35.gz',
  });
  assert.deepEqual(cp.spec.hardwareSelector, {type: 'cp'});
  assert.deepEqual(worker.spec.hardwareSelector, {type: 'worker'});
  for (const mc of [cp, worker]) {
    assert.equal(mc.spec.osFamily, 'ubuntu');
    assert.equal(mc.spec.osImageURL, ''); // set once, on the datacenter config
    assert.deepEqual(mc.spec.users, [{name: 'ec2-user', sshAuthorizedKeys: [ed25519Key()]}]);
  }
  for (const d of docs) assert.deepEqual(unknownFields(d), []);
});

test('kubernetesVersion stays a quoted string for every supported version, including 1.30', () => {
  assert.equal(DEFAULT_KUBERNETES_VERSION, '1.36');
  assert.equal(KUBERNETES_VERSIONS[0], '1.36');
  for (const v of KUBERNETES_VERSIONS) {
    const r = renderClusterSpec(
      seed({kubernetesVersion: v, osImageUrl: `http://10.20.0.10/ubuntu-kube-${v.replace('.', '-')}.gz`}),
      {...AT, licenseToken: licenceToken('2027-12-01T00:00:00Z')},
    );
    assert.deepEqual(r.errors, [], v);
    assert.match(r.yaml, new RegExp(`kubernetesVersion: "${v.replace('.', '\\.')}"`));
    assert.equal((yaml.loadAll(r.yaml)[0] as any).spec.kubernetesVersion, v);
  }
  // omitted: the newest
  const r = renderClusterSpec(
    seed({kubernetesVersion: undefined, osImageUrl: 'http://10.20.0.10/ubuntu-kube-1-36.gz'}),
    AT,
  );
  assert.match(r.yaml, /kubernetesVersion: "1\.36"/);
});

test('cluster.name: required, pattern, at most 35 characters', () => {
  assert.deepEqual(messages(errorsOf(seed({name: undefined})), 'cluster.name'), ['the cluster name is required']);
  assert.deepEqual(messages(errorsOf(seed({name: 'a'.repeat(35)})), 'cluster.name'), []);
  assert.deepEqual(messages(errorsOf(seed({name: 'a'.repeat(36)})), 'cluster.name'), [
    `number of characters in ${'a'.repeat(36)} should be less than 36`,
  ]);
  for (const bad of ['1seed', 's', 'seed_1', 'seed.lab', '-seed']) {
    assert.match(messages(errorsOf(seed({name: bad})), 'cluster.name')[0] ?? '', /must match/, bad);
  }
  assert.match(messages(errorsOf(seed({name: 'Seed'})), 'cluster.name')[0] ?? '', /lowercase/);
  assert.match(messages(errorsOf(seed({name: 'seed-'})), 'cluster.name')[0] ?? '', /end with/);
});

test('cluster.kubernetesVersion: only the newest release’s versions', () => {
  assert.match(
    messages(errorsOf(seed({kubernetesVersion: '1.29'})), 'cluster.kubernetesVersion')[0] ?? '',
    /1\.29 is not supported; choose one of 1\.36, 1\.35/,
  );
  assert.equal(messages(errorsOf(seed({kubernetesVersion: '1.20'})), 'cluster.kubernetesVersion').length, 1);
  assert.deepEqual(messages(errorsOf(seed({kubernetesVersion: '1.3'})), 'cluster.kubernetesVersion'), [
    '1.3 looks like 1.30 read as a number; quote it: "1.30"',
  ]);
});

test('cluster.licenseToken: required past the end of standard support, by the pinned date', () => {
  const v = (version: string, now = NOW, licenseToken?: string) =>
    validateClusterAnswers(
      seed({kubernetesVersion: version, osImageUrl: `http://h/kube-${version.replace('.', '-')}.gz`}),
      {now, ...(licenseToken ? {licenseToken} : {})},
    );
  // December 2026: 1.30-1.33 are in extended support, 1.34 until 2026-12-31 is not.
  for (const version of ['1.30', '1.31', '1.32', '1.33']) {
    const r = v(version);
    assert.match(
      messages(r.errors, 'cluster.licenseToken')[0] ?? '',
      /^licenseToken is required for extended kubernetes support/,
      version,
    );
    assert.equal(r.resolved, undefined);
  }
  assert.deepEqual(v('1.34').errors, []);
  assert.deepEqual(v('1.34', Date.parse('2026-12-31T23:59:00Z')).errors, [], 'the last day is still standard support');
  assert.match(
    messages(v('1.34', Date.parse('2027-01-01T00:00:00Z')).errors, 'cluster.licenseToken')[0] ?? '',
    /required for extended/,
  );
  // A year earlier 1.33 needed none.
  assert.deepEqual(v('1.33', Date.parse('2025-12-06T00:00:00Z')).errors, []);
  // With a valid token: no error, and the token lands in spec.licenseToken; the preview hides it.
  const token = licenceToken('2027-06-30T00:00:00Z');
  const ok = v('1.31', NOW, token);
  assert.deepEqual(ok.errors, []);
  const r = renderClusterSpec(seed({kubernetesVersion: '1.31', osImageUrl: 'http://h/kube-1-31.gz'}), {
    ...AT,
    licenseToken: token,
  });
  assert.equal((yaml.loadAll(r.yaml)[0] as any).spec.licenseToken, token);
  assert.ok(!r.preview.includes(token));
  assert.match(r.preview, /licenseToken: <licence token, hidden>/);
  // 1.30 ended extended support on 2026-08-31: a warning, not a refusal (eksctl still creates it).
  assert.match(
    messages(v('1.30', NOW, token).warnings, 'cluster.kubernetesVersion')[0] ?? '',
    /past its end of extended support \(2026-08-31\)/,
  );
  // No advice about EKSA_LICENSE, which the bare-metal provider never reads.
  for (const i of [...v('1.31').errors, ...v('1.31').warnings]) assert.doesNotMatch(i.message, /EKSA_LICENSE/);
});

test('cluster.licenseToken: the JWT payload is read for endValidity; the token is never echoed', () => {
  const v = (licenseToken: string) =>
    validateClusterAnswers(seed({kubernetesVersion: '1.32', osImageUrl: 'http://h/kube-1-32.gz'}), {
      now: NOW,
      licenseToken,
    });
  const expired = licenceToken('2026-11-30T00:00:00Z');
  assert.deepEqual(messages(v(expired).errors, 'cluster.licenseToken'), [
    'license is expired, please renew the license (endValidity 2026-11-30)',
  ]);
  const soon = v(licenceToken('2026-12-20T00:00:00Z'));
  assert.deepEqual(soon.errors, []);
  assert.match(messages(soon.warnings, 'cluster.licenseToken')[0] ?? '', /ends on 2026-12-20, in 14 day\(s\)/);
  for (const bad of [
    'not-a-token',
    'a.b',
    'e30.!!!.sig',
    `${b64({alg: 'RS256'})}.${b64({endValidity: 'someday'})}.sig`,
  ]) {
    const m = messages(v(bad).errors, 'cluster.licenseToken');
    assert.match(m[0] ?? '', /is not a licence token/, bad);
    assert.ok(!m[0]!.includes(bad), 'the message never contains the token');
  }
  // A token for a standard-support version is still checked and written.
  assert.deepEqual(
    messages(validateClusterAnswers(seed(), {now: NOW, licenseToken: expired}).errors, 'cluster.licenseToken').length,
    1,
  );
});

test('control-plane count must be odd; defaults from the machine roles keep a spare', () => {
  const even = errorsOf(seed({controlPlaneCount: 2}));
  assert.deepEqual(messages(even, 'cluster.controlPlaneCount'), [
    'control plane node count cannot be an even number when using stacked etcd topology',
  ]);
  const warn = validateClusterAnswers(seed(), AT).warnings;
  assert.deepEqual(messages(warn, 'cluster.controlPlaneCount'), [
    'Warning: The recommended number of control plane nodes is 3 or 5',
  ]);

  const two = seed();
  two.machines!.push({hostname: 'eksa-cp02', mac: 'aa:bb:cc:00:00:03', ip: '10.20.0.13', role: 'cp', disk: '/dev/sda'});
  const v = validateClusterAnswers(two, AT);
  assert.deepEqual(v.errors, []);
  assert.equal(v.resolved?.controlPlaneCount, 1);
  assert.match(messages(v.warnings, 'machines')[0] ?? '', /1 machine\(s\) beyond the counts become spares/);
});

test('hardware counts per selector use EKS Anywhere’s wording (reference 1.5)', () => {
  const three = errorsOf(seed({controlPlaneCount: 3}));
  assert.deepEqual(messages(three, 'machines'), [
    `minimum hardware count not met for selector '{"type":"cp"}': have 1, require 3`,
  ]);
  const noWorkers = errorsOf(seed({workerCount: 2}));
  assert.deepEqual(messages(noWorkers, 'machines'), [
    `minimum hardware count not met for selector '{"type":"worker"}': have 1, require 2`,
  ]);
  const none = errorsOf(seed({}, {machines: []}));
  assert.deepEqual(messages(none, 'machines'), [
    `minimum hardware count not met for selector '{"type":"cp"}': have 0, require 1`,
  ]);
});

test('checkHardwareSelectors: S1 empty catalogue, S2 two selectors, S3 unlabeled is a spare, one pair only', () => {
  const groups = [
    {name: 'seed-cp', selector: {type: 'cp'}, count: 1},
    {name: 'seed', selector: {type: 'worker'}, count: 1},
  ];
  assert.deepEqual(checkHardwareSelectors(groups, []), [
    `minimum hardware count not met for selector '{"type":"cp"}': have 0, require 1`,
    `minimum hardware count not met for selector '{"type":"worker"}': have 0, require 1`,
  ]);
  const both: SelectorGroup[] = [
    {name: 'seed-cp', selector: {type: 'cp'}, count: 1},
    {name: 'seed-etcd', selector: {rack: 'r1'}, count: 1},
  ];
  assert.deepEqual(checkHardwareSelectors(both, [{hostname: 'n1', labels: {type: 'cp', rack: 'r1'}}]), [
    `hardware must only satisfy 1 selector: hardware name 'n1'; selectors '{"type":"cp"}, {"rack":"r1"}'`,
  ]);
  assert.deepEqual(
    checkHardwareSelectors(groups, [
      {hostname: 'a', labels: {type: 'cp'}},
      {hostname: 'b', labels: {type: 'worker'}},
      {hostname: 'spare', labels: {}},
    ]),
    [],
  );
  assert.deepEqual(checkHardwareSelectors([{name: 'x', selector: {}, count: 1}], []), [
    'missing hardware selector for x',
  ]);
  assert.deepEqual(checkHardwareSelectors([{name: 'x', selector: {a: '1', b: '2'}, count: 0}], []), [
    'spec.hardwareSelector must contain only 1 key-value pair',
  ]);
});

test('no workers: a single-server cluster without a worker group or worker machine config', () => {
  const answers = seed({workerCount: 0});
  const r = renderClusterSpec(answers, AT);
  assert.deepEqual(r.errors, []);
  const docs = yaml.loadAll(r.yaml) as any[];
  assert.equal(docs.length, 3);
  assert.equal(docs[0].spec.workerNodeGroupConfigurations, undefined);
  assert.match(messages(r.warnings, 'cluster.workerCount')[0] ?? '', /pods will be scheduled on control-plane nodes/);
});

test('endpoint and tinkerbellIP: required, distinct, IPv4, in the node subnet, not a node/BMC/gateway/admin address', () => {
  assert.deepEqual(messages(errorsOf(seed({endpoint: undefined})), 'cluster.endpoint'), [
    'cluster controlPlaneConfiguration.Endpoint.Host is not set or is empty',
  ]);
  assert.deepEqual(messages(errorsOf(seed({tinkerbellIp: undefined})), 'cluster.tinkerbellIp'), [
    'TinkerbellDatacenterConfig: missing spec.tinkerbellIP field',
  ]);
  assert.deepEqual(messages(errorsOf(seed({tinkerbellIp: '10.20.0.50'})), 'cluster.tinkerbellIp'), [
    'controlPlaneConfiguration.endpoint.host and tinkerbellIP are the same (10.20.0.50), please provide two unique IPs',
  ]);
  const cases: [Partial<NonNullable<Answers['cluster']>>, string, RegExp][] = [
    [{endpoint: '10.20.5.50'}, 'cluster.endpoint', /outside the node subnet 10\.20\.0\.0\/24/],
    [{endpoint: 'cp.lab'}, 'cluster.endpoint', /not an IPv4 address/],
    [{endpoint: '10.20.0.11'}, 'cluster.endpoint', /address of machine eksa-cp01/],
    [{endpoint: '10.20.0.255'}, 'cluster.endpoint', /broadcast/],
    [{tinkerbellIp: '10.20.1.12'}, 'cluster.tinkerbellIp', /outside the node subnet/],
    [{tinkerbellIp: '10.20.0.1'}, 'cluster.tinkerbellIp', /is the gateway/],
    [{tinkerbellIp: '10.20.0.10'}, 'cluster.tinkerbellIp', /admin server's bootstrap IP/],
  ];
  for (const [override, key, pattern] of cases) {
    const found = messages(errorsOf(seed(override)), key);
    assert.ok(
      found.some(m => pattern.test(m)),
      `${JSON.stringify(override)} -> ${JSON.stringify(found)}`,
    );
  }
  // a BMC that sits in the node subnet
  const bmcInLan = seed({endpoint: '10.20.0.60'});
  bmcInLan.machines![0]!.bmc!.ip = '10.20.0.60';
  assert.match(messages(errorsOf(bmcInLan), 'cluster.endpoint')[0] ?? '', /BMC address of machine eksa-cp01/);
  // an address bound on the admin server
  assert.match(
    messages(errorsOf(seed(), {localAddresses: ['10.20.0.51']}), 'cluster.tinkerbellIp')[0] ?? '',
    /bound to an interface/,
  );
  // the subnet needs a netmask
  assert.match(messages(errorsOf(seed({}, {network: {gateway: '10.20.0.1'}})), 'network.netmask')[0] ?? '', /needed/);
  assert.match(
    messages(errorsOf(seed({}, {network: {netmask: '255.0.255.0', gateway: '10.20.0.1'}})), 'network.netmask')[0] ?? '',
    /contiguous/,
  );
});

test('addresses in use: the probe’s answer becomes eksctl’s error for the right key', {timeout: 5000}, async () => {
  const probe = async (ip: string) =>
    ip === '10.20.0.50' ? {inUse: true, reason: 'accepts connections on TCP 80'} : {inUse: false, reason: 'no answer'};
  assert.deepEqual(await checkAddressesInUse({endpoint: '10.20.0.50', tinkerbellIp: '10.20.0.51'}, probe), [
    {key: 'cluster.endpoint', message: 'control plane endpoint ip in use: 10.20.0.50 (accepts connections on TCP 80)'},
  ]);
  const all = await checkAddressesInUse({endpoint: '10.20.0.52', tinkerbellIp: '10.20.0.50'}, probe);
  assert.match(all[0]!.message, /^tinkerbellIP 10\.20\.0\.50 is already in use, please provide a unique IP/);
});

test('osImageURL: required, a request URI, and containing the version after stripping - . _', () => {
  assert.ok(osImageUrlHasVersion('http://h/ubuntu-2204-kube-1-35.gz', '1.35'));
  assert.ok(osImageUrlHasVersion('http://h/ubuntu_kube_1_35.gz', '1.35'));
  assert.ok(osImageUrlHasVersion('http://h/ubuntu-kube-135.gz', '1.35'));
  assert.ok(!osImageUrlHasVersion('http://h/ubuntu-2204-kube-1-34.gz', '1.35'));
  assert.match(messages(errorsOf(seed({osImageUrl: ''})), 'cluster.osImageUrl')[0] ?? '', /missing OSImageURL/);
  assert.deepEqual(messages(errorsOf(seed({osImageUrl: 'test'})), 'cluster.osImageUrl'), [
    'parsing osImageOverride: parse "test": invalid URI for request (give an http:// or https:// URL)',
  ]);
  assert.deepEqual(messages(errorsOf(seed({kubernetesVersion: '1.36'})), 'cluster.osImageUrl'), [
    'missing kube version from OSImageURL: url=http://10.20.0.10:8080/ubuntu-2204-kube-1-35.gz, version=1.36',
  ]);
});

test('osImageURL HEAD check: ok, an HTTP error and no answer (injected fetch)', {timeout: 5000}, async () => {
  const seen: string[] = [];
  assert.equal(
    await checkOsImageReachable('http://h/x-1-35.gz', async (url, init) => {
      seen.push(`${init.method} ${url}`);
      return {ok: true, status: 200};
    }),
    undefined,
  );
  assert.deepEqual(seen, ['HEAD http://h/x-1-35.gz']);
  assert.match(
    (await checkOsImageReachable('http://h/x', async () => ({ok: false, status: 404})))!.message,
    /answered 404/,
  );
  const hung = await checkOsImageReachable(
    'http://h/x',
    (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    50,
  );
  assert.match(hung!.message, /no answer within 50 ms/);
});

test('SSH key: empty lets eksctl generate one; a placeholder or private key is refused; ~/.ssh/*.pub listed', async () => {
  assert.equal(sshKeyProblem(''), undefined);
  assert.equal(sshKeyProblem(ed25519Key()), undefined);
  assert.match(sshKeyProblem('ssh-rsa AAAA...')!, /not base64/);
  assert.match(sshKeyProblem('-----BEGIN OPENSSH PRIVATE KEY-----')!, /private key/);
  assert.match(sshKeyProblem('ssh-foo AAAAB3Nza')!, /unknown key type/);
  assert.match(sshKeyProblem(ed25519Key().replace('ssh-ed25519', 'ssh-rsa'))!, /does not hold a ssh-rsa key/);
  assert.match(
    messages(errorsOf(seed({sshAuthorizedKey: 'ssh-rsa AAAA...'})), 'cluster.sshAuthorizedKey')[0] ?? '',
    /ssh: no key found/,
  );
  assert.match(
    messages(validateClusterAnswers(seed(), AT).warnings, 'cluster.sshAuthorizedKey')[0] ?? '',
    /seed\/eks-a-id_rsa/,
  );

  const home = mkdtempSync(join(tmpdir(), 'eksa-kong-ssh-'));
  try {
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_ed25519.pub'), ed25519Key('me@admin') + '\n');
    writeFileSync(join(home, '.ssh', 'broken.pub'), 'ssh-rsa AAAA...\n');
    writeFileSync(join(home, '.ssh', 'id_ed25519'), 'private');
    const keys = await listPublicKeys(home);
    assert.deepEqual(
      keys.map(k => [k.type, k.comment]),
      [['ssh-ed25519', 'me@admin']],
    );
    assert.deepEqual(await listPublicKeys(join(home, 'nowhere')), []);
  } finally {
    rmSync(home, {recursive: true, force: true});
  }
});

test('ssh keys as eksctl reads them (ssh.ParseAuthorizedKey): certificates and an authorized_keys options prefix', t => {
  // A complete certificate as ssh.ParsePublicKey reads it (PROTOCOL.certkeys): nonce, the key's own
  // fields, serial, type, key id, principals, options, extensions, reserved, signature key, signature.
  const str = (b: Buffer | string) => {
    const buf = Buffer.from(b);
    return Buffer.concat([u32(buf.length), buf]);
  };
  const ed25519Blob = str(Buffer.alloc(32, 3));
  const keyFields: Record<string, Buffer> = {
    ssh: ed25519Blob,
    rsa: Buffer.concat([str(Buffer.from([1, 0, 1])), str(Buffer.concat([Buffer.from([0]), Buffer.alloc(256, 0xab)]))]),
    sk: Buffer.concat([ed25519Blob, str('ssh:')]),
  };
  const certBlob = (type: string) =>
    Buffer.concat([
      str(type),
      str(Buffer.alloc(32, 1)),
      keyFields[type.startsWith('ssh-rsa') ? 'rsa' : type.startsWith('sk-') ? 'sk' : 'ssh'] ?? Buffer.alloc(0),
      Buffer.alloc(8),
      u32(1),
      str('admin'),
      str(str('ec2-user')),
      Buffer.alloc(16), // valid after, valid before
      str(''),
      str(''),
      str(''),
      str(Buffer.concat([str('ssh-ed25519'), ed25519Blob])),
      str(Buffer.concat([str('ssh-ed25519'), str(Buffer.alloc(64, 9))])),
    ]).toString('base64');
  const cert = `ssh-ed25519-cert-v01@openssh.com ${certBlob('ssh-ed25519-cert-v01@openssh.com')} admin@ca`;
  assert.equal(sshKeyProblem(cert), undefined);
  assert.equal(sshKeyProblem(`ssh-rsa-cert-v01@openssh.com ${certBlob('ssh-rsa-cert-v01@openssh.com')}`), undefined);
  assert.equal(
    sshKeyProblem(`sk-ssh-ed25519-cert-v01@openssh.com ${certBlob('sk-ssh-ed25519-cert-v01@openssh.com')}`),
    undefined,
  );
  assert.match(
    sshKeyProblem(`ssh-ed25519-cert-v01@openssh.com ${certBlob('ssh-ed25519')}`)!,
    /does not hold a ssh-ed25519-cert-v01@openssh.com key/,
  );
  // eksctl parses the whole certificate: one cut short (the type and a key only) is refused.
  const truncated = Buffer.concat([str('ssh-ed25519-cert-v01@openssh.com'), ed25519Blob]).toString('base64');
  assert.match(sshKeyProblem(`ssh-ed25519-cert-v01@openssh.com ${truncated}`)!, /not a complete/);
  assert.match(
    sshKeyProblem(ed25519Key().replace(/ \S+ /, ` ${str('ssh-ed25519').toString('base64')} `))!,
    /not base64|not a complete/,
  );
  // options end at the first space outside quotes; quoted values may hold spaces and commas
  assert.equal(sshKeyProblem(`no-pty,from="10.0.0.0/8,192.168.0.0/16" ${ed25519Key()}`), undefined);
  assert.equal(sshKeyProblem(`command="echo \\"hi there\\"",no-agent-forwarding ${ed25519Key()}`), undefined);
  assert.equal(sshKeyProblem(`restrict ${cert}`), undefined);
  assert.match(sshKeyProblem(`no-pty ssh-foo ${certBlob('ssh-foo')}`)!, /unknown key type "no-pty"/);
  assert.match(sshKeyProblem('from="10.0.0.1 ssh-ed25519 AAAA')!, /unknown key type/); // unclosed quote swallows the key

  // a real certificate from ssh-keygen, when it is installed
  const dir = mkdtempSync(join(tmpdir(), 'ssh-cert-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ca', '-f', join(dir, 'ca')], {stdio: 'ignore'});
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'admin', '-f', join(dir, 'id')], {
      stdio: 'ignore',
    });
    execFileSync('ssh-keygen', ['-q', '-s', join(dir, 'ca'), '-I', 'admin', '-n', 'ec2-user', join(dir, 'id.pub')], {
      stdio: 'ignore',
    });
  } catch {
    rmSync(dir, {recursive: true, force: true});
    t.skip('ssh-keygen is not installed');
    return;
  }
  const real = readFileSync(join(dir, 'id-cert.pub'), 'utf8');
  rmSync(dir, {recursive: true, force: true});
  assert.match(real, /^ssh-ed25519-cert-v01@openssh\.com /);
  assert.equal(sshKeyProblem(real), undefined);
  assert.equal(sshKeyProblem(`restrict,pty ${real}`), undefined);
});

test('pods and services CIDRs: defaults, overlap with the node LAN or each other refused', () => {
  const lan192 = seed(
    {endpoint: '192.168.1.50', tinkerbellIp: '192.168.1.51'},
    {
      admin: {bootstrapIp: '192.168.1.10'},
      network: {netmask: '255.255.255.0', gateway: '192.168.1.1', nameservers: ['192.168.1.2']},
      machines: [
        {hostname: 'cp1', mac: 'aa:bb:cc:00:00:01', ip: '192.168.1.11', role: 'cp', disk: '/dev/sda'},
        {hostname: 'w1', mac: 'aa:bb:cc:00:00:02', ip: '192.168.1.12', role: 'worker', disk: '/dev/sda'},
      ],
    },
  );
  assert.deepEqual(messages(errorsOf(lan192), 'cluster.podsCidr'), [
    'pods CIDR 192.168.0.0/16 overlaps the node network 192.168.1.0/24; use e.g. 10.244.0.0/16',
  ]);
  lan192.cluster!.podsCidr = '10.244.0.0/16';
  assert.deepEqual(errorsOf(lan192), []);
  assert.deepEqual(messages(errorsOf(seed({podsCidr: '10.96.0.0/16'})), 'cluster.servicesCidr'), [
    'services CIDR 10.96.0.0/12 overlaps the pods CIDR 10.96.0.0/16',
  ]);
  assert.match(messages(errorsOf(seed({podsCidr: '10.244.0.0'})), 'cluster.podsCidr')[0] ?? '', /not an IPv4 CIDR/);
  assert.match(
    messages(errorsOf(seed({podsCidr: '10.244.1.0/16'})), 'cluster.podsCidr')[0] ?? '',
    /did you mean 10\.244\.0\.0\/16/,
  );
  // EKS Anywhere's validateNetworking: more than one /24 node-mask, at most 16 bits shorter.
  assert.deepEqual(messages(errorsOf(seed({podsCidr: '10.244.0.0/24'})), 'cluster.podsCidr'), [
    'the size of pod subnet with mask 24 is smaller than or equal to the size of node subnet with mask 24; use a mask from /8 to /23, e.g. 192.168.0.0/16',
  ]);
  assert.match(
    messages(errorsOf(seed({podsCidr: '10.244.0.0/26'})), 'cluster.podsCidr')[0] ?? '',
    /^the size of pod subnet with mask 26 is smaller than or equal/,
  );
  assert.deepEqual(messages(errorsOf(seed({podsCidr: '160.0.0.0/7'})), 'cluster.podsCidr'), [
    'pod subnet mask (7) and node-mask (24) difference is greater than 16; use a mask from /8 to /23, e.g. 192.168.0.0/16',
  ]);
  assert.deepEqual(messages(errorsOf(seed({podsCidr: '100.0.0.0/8'})), 'cluster.podsCidr'), []);
  assert.deepEqual(messages(errorsOf(seed({podsCidr: '10.244.0.0/23'})), 'cluster.podsCidr'), []);
  assert.match(
    messages(errorsOf(seed({servicesCidr: '10.20.0.0/16'})), 'cluster.servicesCidr')[0] ?? '',
    /overlaps the node network/,
  );
  // the BMC network is not the node LAN but pods must still reach it
  assert.match(
    messages(errorsOf(seed({podsCidr: '1.1.0.0/16'})), 'cluster.podsCidr')[0] ?? '',
    /contains 1\.1\.1\.1 \(a nameserver\)/,
  );
  const r = renderClusterSpec(seed({podsCidr: '10.244.0.0/16', servicesCidr: '172.30.0.0/16'}), AT);
  assert.deepEqual((yaml.loadAll(r.yaml)[0] as any).spec.clusterNetwork.services.cidrBlocks, ['172.30.0.0/16']);
});

test('loadBalancerInterface: optional, lands on the datacenter config, must be an interface name', () => {
  const r = renderClusterSpec(seed({loadBalancerInterface: 'eno1'}), AT);
  assert.equal((yaml.loadAll(r.yaml)[1] as any).spec.loadBalancerInterface, 'eno1');
  assert.equal(
    messages(errorsOf(seed({loadBalancerInterface: 'eth0; rm -rf'})), 'cluster.loadBalancerInterface').length,
    1,
  );
});

test('templates: placeholders are filled after parsing, so a value cannot add YAML structure', () => {
  const filled = fillTemplate({a: '${v}', b: ['${v}'], c: '${?gone}'}, {v: 'x\nevil: true\n'});
  assert.deepEqual(filled, {a: 'x\nevil: true\n', b: ['x\nevil: true\n']});
  assert.deepEqual(yaml.load(yaml.dump(filled)), filled);
  assert.throws(() => fillTemplate({a: '${missing}'}, {}), /no value for missing/);
  assert.throws(() => fillTemplate({a: 'pre-${v}'}, {v: 'x'}), /whole value/);
  assert.deepEqual(
    unknownFields({
      kind: 'TinkerbellMachineConfig',
      apiVersion: 'v',
      metadata: {name: 'x'},
      spec: {hardwareSelectr: {}},
    }),
    ['spec.hardwareSelectr'],
  );
  assert.deepEqual(unknownFields({kind: 'Nope'}), ['unknown kind Nope']);
});

test('templatesDir finds the package root from source and from a bundled dist/cli.js', () => {
  assert.equal(packageRoot(), repoRoot);
  assert.equal(templatesDir(), join(repoRoot, 'templates'));
  assert.equal(templatesDir(join(repoRoot, 'dist', 'cli.js')), join(repoRoot, 'templates'));
  // a package.json of another package on the way up is skipped
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-root-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({name: 'eksa-kong'}));
    mkdirSync(join(dir, 'node_modules', 'x', 'dist'), {recursive: true});
    writeFileSync(join(dir, 'node_modules', 'x', 'package.json'), JSON.stringify({name: 'x'}));
    assert.equal(packageRoot(join(dir, 'node_modules', 'x', 'dist', 'cli.js')), dir);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('writeClusterSpec writes the file whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-spec-'));
  try {
    const r = renderClusterSpec(seed(), AT);
    const path = join(dir, 'sub', 'cluster.yaml');
    await writeClusterSpec(path, r.yaml);
    assert.equal(readFileSync(path, 'utf8'), r.yaml);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test(
  'generate cluster-spec --answers: stdout on success, exit 2 naming the key otherwise',
  {timeout: 5000},
  async () => {
    const files: Record<string, string> = {
      'good.yaml': yaml.dump(seed()),
      'bad.yaml': yaml.dump(seed({endpoint: '10.20.0.51'})),
      'typo.yaml': yaml.dump({...seed(), clustr: {}}),
      'float.yaml': yaml.dump(seed()).replace(`kubernetesVersion: '1.35'`, 'kubernetesVersion: 1.35'),
    };
    const readText = async (p: string) => {
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), {code: 'ENOENT'});
      return text;
    };
    const good = await generateClusterSpecCommand('good.yaml', {now: NOW, readText});
    assert.equal(good.exitCode, 0);
    assert.match(good.stdout, /^apiVersion: anywhere\.eks\.amazonaws\.com\/v1alpha1\nkind: Cluster/);
    assert.match(good.stderr, /^warning: cluster\.controlPlaneCount: /m);

    const bad = await generateClusterSpecCommand('bad.yaml', {now: NOW, readText});
    assert.equal(bad.exitCode, 2);
    assert.equal(bad.stdout, '');
    assert.match(
      bad.stderr,
      /^cluster\.tinkerbellIp: controlPlaneConfiguration\.endpoint\.host and tinkerbellIP are the same/m,
    );

    const typo = await generateClusterSpecCommand('typo.yaml', {now: NOW, readText});
    assert.equal(typo.exitCode, 2);
    assert.match(typo.stderr, /clustr/);

    const missing = await generateClusterSpecCommand('missing.yaml', {now: NOW, readText});
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /cannot read the answers file missing\.yaml/);

    // an unquoted 1.35 in the answers file still comes out as the string "1.35"
    const float = await generateClusterSpecCommand('float.yaml', {now: NOW, readText});
    assert.equal(float.exitCode, 0, float.stderr);
    assert.match(float.stdout, /kubernetesVersion: "1\.35"/);

    const inUse = await generateClusterSpecCommand('good.yaml', {
      now: NOW,
      readText,
      probe: async () => ({inUse: true, reason: 'answers ARP'}),
    });
    assert.equal(inUse.exitCode, 2);
    assert.match(inUse.stderr, /^cluster\.endpoint: control plane endpoint ip in use: 10\.20\.0\.50/m);
  },
);
