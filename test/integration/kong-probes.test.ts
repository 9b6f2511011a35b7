import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createServer} from 'node:net';
import {probeClusterTls, probeDns, probeTcp, probeTelemetryTls} from '../../source/kong/probes.js';
import {startFakeKongClusterListener} from '../../source/demo/fake-kong-cluster-listener.js';
import {makeCaWithLeaves, makeCert} from '../helpers/kong-fakes.js';

const T = {timeout: 20_000};

test('TLS probe against the fake Kong cluster listener: the same certificate is accepted (400)', T, async () => {
  const cert = await makeCert();
  const listener = await startFakeKongClusterListener(cert);
  try {
    const result = await probeClusterTls({host: listener.host, port: listener.port, ...cert, timeoutMs: 5000});
    assert.equal(result.outcome, 'accepted', result.title);
    assert.equal(result.status, 'ok');
    assert.deepEqual(listener.log, ["[clustering] data plane didn't pass the id"]);
    const telemetry = await probeTelemetryTls({host: listener.host, port: listener.port, ...cert, timeoutMs: 5000});
    assert.equal(telemetry.outcome, 'handshake-ok');
  } finally {
    await listener.close();
  }
});

test('TLS probe: an RSA cluster certificate works the same way', T, async () => {
  const cert = await makeCert({keyType: 'rsa'});
  const listener = await startFakeKongClusterListener(cert);
  try {
    assert.equal((await probeClusterTls({host: listener.host, port: listener.port, ...cert})).outcome, 'accepted');
  } finally {
    await listener.close();
  }
});

test('TLS probe: a different certificate is caught (the CP presents an untrusted certificate)', T, async () => {
  const cp = await makeCert();
  const other = await makeCert();
  const listener = await startFakeKongClusterListener(cp);
  try {
    const result = await probeClusterTls({host: listener.host, port: listener.port, ...other});
    assert.equal(result.status, 'fail');
    assert.equal(result.outcome, 'server-cert-mismatch');
    assert.match(result.detail ?? '', /self-signed certificate/);
    assert.equal(JSON.stringify(result).includes(other.keyPem.split('\n')[1]!), false);
  } finally {
    await listener.close();
  }
});

test(
  'TLS probe: a CP in shared mode closes without an answer when the client certificate differs (DP set up for pki)',
  T,
  async () => {
    const {ca, leaves} = await makeCaWithLeaves(['cp.example.com', 'dp.example.com']);
    const [cpCert, dpCert] = leaves as [typeof ca, typeof ca];
    const listener = await startFakeKongClusterListener(cpCert);
    try {
      const pki = {
        host: listener.host,
        port: listener.port,
        mode: 'pki' as const,
        caPem: ca.certPem,
        serverName: 'cp.example.com',
      };
      const result = await probeClusterTls({...pki, ...dpCert});
      assert.equal(result.outcome, 'rejected', result.title);
      // pki refuses with nginx's 400; a silent close is a CP in another cluster_mtls mode.
      assert.match(result.fix ?? '', /both sides must use pki/);
      assert.match(listener.log.join('\n'), /digest does not match/);
      // The pki path itself works: server name and CA check out when the certificates are the same.
      assert.equal((await probeClusterTls({...pki, ...cpCert})).outcome, 'accepted');
      assert.equal(
        (await probeClusterTls({...pki, ...cpCert, serverName: 'other.example.com'})).outcome,
        'host-mismatch',
      );
    } finally {
      await listener.close();
    }
  },
);

test('TLS probe: a certificate without kong_clustering fails the host check', T, async () => {
  const cert = await makeCert({cn: 'cp.example.com'});
  const listener = await startFakeKongClusterListener(cert);
  try {
    const result = await probeClusterTls({host: listener.host, port: listener.port, ...cert});
    assert.equal(result.outcome, 'host-mismatch');
    assert.match(result.detail ?? '', /certificate host mismatch/);
  } finally {
    await listener.close();
  }
});

test('TLS probe: a plain TCP server that never speaks TLS times out within the bound', T, async () => {
  const sockets: import('node:net').Socket[] = [];
  const server = createServer(s => sockets.push(s));
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as import('node:net').AddressInfo).port;
  try {
    const cert = await makeCert();
    const result = await probeClusterTls({host: '127.0.0.1', port, ...cert, timeoutMs: 300});
    assert.equal(result.outcome, 'timeout');
    const controller = new AbortController();
    const pending = probeTelemetryTls({host: '127.0.0.1', port, ...cert, timeoutMs: 5000, signal: controller.signal});
    controller.abort();
    assert.equal((await pending).outcome, 'cancelled');
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise(r => server.close(r));
  }
});

test('TCP probe: connected and refused', T, async () => {
  const server = createServer(s => s.end());
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as import('node:net').AddressInfo).port;
  assert.equal((await probeTcp('127.0.0.1', port)).outcome, 'connected');
  await new Promise(r => server.close(r));
  const refused = await probeTcp('127.0.0.1', port);
  assert.equal(refused.outcome, 'refused');
  assert.match(refused.fix ?? '', /8005/);
});

test('DNS probe: resolved, private-only, not found (injected resolver, no network)', T, async () => {
  const lookup = async (host: string) => {
    if (host === 'public.elb.amazonaws.com') return ['198.51.100.4', '198.51.100.5'];
    if (host === 'internal-x.elb.amazonaws.com') return ['10.0.1.2'];
    throw Object.assign(new Error('nope'), {code: 'ENOTFOUND'});
  };
  assert.equal((await probeDns('public.elb.amazonaws.com', {lookup})).status, 'ok');
  const internal = await probeDns('internal-x.elb.amazonaws.com', {lookup});
  assert.equal(internal.outcome, 'private');
  assert.equal(internal.status, 'warn');
  const missing = await probeDns('new.elb.amazonaws.com', {lookup});
  assert.equal(missing.outcome, 'not-found');
  assert.match(missing.fix ?? '', /few minutes/);
  const hang = await probeDns('slow.example', {lookup: () => new Promise(() => undefined), timeoutMs: 50});
  assert.equal(hang.outcome, 'timeout');
  assert.equal((await probeDns('203.0.113.9')).status, 'ok');
});
