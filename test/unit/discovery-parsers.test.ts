import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseNeighbours} from '../../source/discovery/neighbours.js';
import {expandTargets} from '../../source/discovery/targets.js';
import {ipmiArgs, parseLanPrint, parseMcGuid, explainIpmiFailure} from '../../source/discovery/ipmi.js';
import {simpleStorage, suggestDisk} from '../../source/discovery/disk.js';
import {normalizeReportedMac as normalizeMac} from '../../source/net/mac.js';
import {explainBindError} from '../../source/discovery/pxe-listener.js';
import {explainCaptureFailure, tcpdumpArgs} from '../../source/discovery/pxe-capture.js';

test('neighbour table: REACHABLE/STALE/DELAY with lladdr on the interface', () => {
  const json = JSON.stringify([
    {dst: '10.99.0.50', dev: 'veth-srv', lladdr: '52:54:00:aa:bb:04', state: ['DELAY']},
    {dst: '10.99.0.51', dev: 'veth-srv', lladdr: '52:54:00:AA:BB:05', state: ['STALE']},
    {dst: '10.99.0.52', dev: 'veth-srv', state: ['INCOMPLETE']},
    {dst: '10.99.0.53', dev: 'veth-srv', lladdr: '52:54:00:aa:bb:06', state: ['FAILED']},
    {dst: '10.20.0.1', dev: 'eno1', lladdr: '00:11:22:33:44:55', state: ['REACHABLE']},
    {dst: 'fe80::1', dev: 'veth-srv', lladdr: '00:11:22:33:44:66', state: ['REACHABLE', 'ROUTER']},
  ]);
  const r = parseNeighbours(json, 'veth-srv');
  assert.ok(r.ok);
  assert.deepEqual(
    r.neighbours.map(n => [n.ip, n.mac, n.state]),
    [
      ['10.99.0.50', '52:54:00:aa:bb:04', 'DELAY'],
      ['10.99.0.51', '52:54:00:aa:bb:05', 'STALE'],
    ],
  );
  const all = parseNeighbours(json);
  assert.ok(all.ok && all.neighbours.length === 3);
  assert.equal(parseNeighbours('Error: garbage').ok, false);
  assert.ok(parseNeighbours('').ok);
});

test('targets: addresses, host:port, URLs, CIDR expansion and refusal of huge ranges', () => {
  const r = expandTargets([
    '10.0.0.5',
    '10.0.0.6:8443',
    'https://bmc1.lab:9443/redfish/v1',
    '10.0.1.0/30',
    '10.0.2.7/32',
    '10.0.0.5',
  ]);
  assert.ok(r.ok);
  assert.deepEqual(
    r.targets.map(t => t.key),
    ['10.0.0.5', '10.0.0.6:8443', 'bmc1.lab:9443', '10.0.1.1', '10.0.1.2', '10.0.2.7'],
  );
  const huge = expandTargets(['10.0.0.0/8']);
  assert.ok(!huge.ok && /16777216 addresses/.test(huge.error));
  assert.ok(expandTargets(['10.0.0.0/22']).ok);
  assert.equal(expandTargets(['10.0.0.0/21']).ok, false);
  assert.equal(expandTargets(['http://10.0.0.1']).ok, false);
  assert.equal(expandTargets(['10.0.0.1/99']).ok, false);
  assert.equal(expandTargets(['10.0.0.1:70000']).ok, false);
});

const LAN_PRINT = `Set in Progress         : Set Complete
Auth Type Enable        : Callback : MD5
                        : Admin    : MD5
IP Address Source       : Static Address
IP Address              : 10.99.1.10
Subnet Mask             : 255.255.255.0
MAC Address             : 0C:C4:7A:11:22:33
Default Gateway IP      : 10.99.1.1
802.1q VLAN ID          : Disabled`.split('\n');

test('ipmitool output parsers and argv without the password', () => {
  assert.deepEqual(parseLanPrint(LAN_PRINT), {
    ipSource: 'Static Address',
    ip: '10.99.1.10',
    netmask: '255.255.255.0',
    mac: '0c:c4:7a:11:22:33',
    gateway: '10.99.1.1',
    vlan: 'Disabled',
  });
  assert.equal(
    parseMcGuid(['System GUID  : efcdab89-6745-23a1-efcd-ab89674523a1', 'GUID Encoding : IPMI']),
    'efcdab89-6745-23a1-efcd-ab89674523a1',
  );
  assert.equal(parseMcGuid(['nothing']), null);
  const args = ipmiArgs({host: '10.0.0.9', port: 9623, username: 'root', password: 's3cret!', cipherSuite: 3}, [
    'mc',
    'guid',
  ]);
  assert.ok(!args.includes('s3cret!'));
  assert.ok(args.includes('-E'));
  assert.ok(!args.includes('-P'));
  assert.deepEqual(args.slice(-2), ['mc', 'guid']);
  const msg = explainIpmiFailure(
    ['Error: Unable to establish IPMI v2 / RMCP+ session'],
    {host: '10.0.0.9', username: 'root', password: 's3cret!'},
    'exit code 1',
  );
  assert.match(msg, /refused the IPMI session/);
});

test('disk suggestion without controller information: smallest present drive of at least 25 GB, by protocol', () => {
  assert.equal(suggestDisk([]).disk, null);
  const s = suggestDisk([
    simpleStorage([
      {protocol: 'SATA', capacityBytes: 8e12},
      {protocol: 'NVMe', capacityBytes: 480e9, model: 'nv'},
      {protocol: 'SATA', capacityBytes: 16e9},
      {protocol: 'SATA', state: 'Absent'},
      {protocol: 'SATA', capacityBytes: 100e9, removable: true},
    ]),
  ]).disk;
  assert.equal(s?.device, '/dev/nvme0n1');
  assert.equal(s?.drive?.model, 'nv');
  assert.equal(suggestDisk([simpleStorage([{protocol: 'SAS', capacityBytes: 960e9}])]).disk?.device, '/dev/sda');
  assert.equal(suggestDisk([simpleStorage([{name: 'M.2 NVMe', capacityBytes: 960e9}])]).disk?.device, '/dev/nvme0n1');
});

test('MAC normalisation and bind/capture error explanations', () => {
  assert.equal(normalizeMac('AABB.CCDD.EEFF'), 'aa:bb:cc:dd:ee:ff');
  assert.equal(normalizeMac('aa-bb-cc-dd-ee-ff'), 'aa:bb:cc:dd:ee:ff');
  assert.equal(normalizeMac('aa:bb:cc:dd:ee'), null);
  assert.match(explainBindError('EACCES', '0.0.0.0', 67), /root or CAP_NET_BIND_SERVICE/);
  assert.match(explainBindError('EADDRINUSE', '0.0.0.0', 67), /SO_REUSEADDR.*passive capture/);
  assert.match(
    explainCaptureFailure("tcpdump: eth9: You don't have permission to capture on that device", 1),
    /CAP_NET_RAW/,
  );
  assert.match(explainCaptureFailure('', null, 'ENOENT'), /not installed/);
  assert.deepEqual(tcpdumpArgs('eno1').slice(0, 2), ['-i', 'eno1']);
});
