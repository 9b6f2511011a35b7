// The demo's simulated Kong data plane against the fake cluster listener (both FAKES): it registers with
// the Admin API only after a handshake the CP accepts, logs Kong's error lines otherwise, and is Ready
// only while it holds a non-empty configuration (kong/status/ready.lua).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {generateClusterCert} from '../../source/kong/cluster-cert.js';
import {startFakeKongAdmin} from '../../source/demo/fake-kong-admin.js';
import {startFakeKongClusterListener} from '../../source/demo/fake-kong-cluster-listener.js';
import {createFakeKongDataPlane} from '../../source/demo/fake-kong-data-plane.js';
import {createDemoNet} from '../../source/demo/net.js';
import type {DpPodView} from '../../source/demo/scenarios/new-cluster-data-plane.js';
import {createAdminClient} from '../../source/kong/admin-api.js';
import {until} from '../helpers/wait.js';

const T = {timeout: 20_000};
const CP = 'cp-cluster.example.elb.amazonaws.com';

function pod(name: string, files: Record<string, string>, env: Record<string, string> = {}): DpPodView {
  return {
    name,
    namespace: 'kong',
    image: 'kong/kong-gateway:3.9.1.2',
    env: {
      role: 'data_plane',
      database: 'off',
      cluster_mtls: 'shared',
      cluster_control_plane: `${CP}:8005`,
      cluster_cert: '/etc/secrets/kong-cluster-cert/tls.crt',
      cluster_cert_key: '/etc/secrets/kong-cluster-cert/tls.key',
      ...env,
    },
    file: path => files[path],
  };
}

const certFiles = (c: {certPem: string; keyPem: string}) => ({
  '/etc/secrets/kong-cluster-cert/tls.crt': c.certPem,
  '/etc/secrets/kong-cluster-cert/tls.key': c.keyPem,
});

test('FAKE Kong DP: the CP certificate connects and registers; Ready only once the CP has entities', T, async () => {
  const cert = await generateClusterCert();
  const admin = await startFakeKongAdmin();
  const listener = await startFakeKongClusterListener({
    ...cert,
    onDataPlane: n => admin.registerDataPlane({id: n.id, hostname: n.hostname!, version: n.version}),
    onDataPlaneGone: id => admin.disconnectDataPlane(id),
  });
  const net = createDemoNet([{host: CP, port: 8005, to: {host: listener.host, port: listener.port}}], {
    [CP]: ['203.0.113.10'],
  });
  const dp = createFakeKongDataPlane({
    net,
    configHashOf: id => admin.dataPlanes().find(d => d.id === id && d.connected)?.config_hash,
  });
  try {
    const first = await dp.beat(pod('kong-dp-kong-abc-1', certFiles(cert)));
    assert.equal(first.ready, false, 'empty configuration: /status/ready answers 503');
    assert.deepEqual(
      admin.dataPlanes().map(d => [d.hostname, d.version, d.config_hash]),
      [['kong-dp-kong-abc-1', '3.9.1.2', '0'.repeat(32)]],
    );
    await createAdminClient({url: admin.url}).request('PUT', '/services/s1', {url: 'http://example.internal'});
    await until(() => admin.dataPlanes()[0]!.config_hash !== '0'.repeat(32), 'config propagated');
    assert.equal((await dp.beat(pod('kong-dp-kong-abc-1', certFiles(cert)))).ready, true);
    // The pod goes away: its row stays (14-day purge) but no longer moves.
    dp.forget('kong-dp-kong-abc-1');
    await until(() => admin.dataPlanes()[0]!.connected === false, 'row disconnected');
    assert.equal(admin.dataPlanes().length, 1);
  } finally {
    dp.close();
    await listener.close();
    await admin.close();
  }
});

test('FAKE Kong DP refuses like Kong: another certificate, an unknown name, a missing key file', T, async () => {
  const cert = await generateClusterCert();
  const other = await generateClusterCert();
  const admin = await startFakeKongAdmin();
  const listener = await startFakeKongClusterListener({
    ...cert,
    onDataPlane: n => admin.registerDataPlane({id: n.id, hostname: n.hostname!}),
  });
  const net = createDemoNet([{host: CP, port: 8005, to: {host: listener.host, port: listener.port}}], {
    [CP]: ['203.0.113.10'],
  });
  const dp = createFakeKongDataPlane({net, configHashOf: id => admin.dataPlanes().find(d => d.id === id)?.config_hash});
  try {
    const wrong = await dp.beat(pod('dp-wrong-cert', certFiles(other)));
    assert.equal(wrong.ready, false);
    assert.match(
      wrong.log.join('\n'),
      /\[clustering\] connection to control plane wss:\/\/cp-cluster\.example\.elb\.amazonaws\.com:8005\/v1\/outlet broken: ssl handshake failed: 18: self-signed certificate \(retrying after 5 seconds\)/,
    );
    // A failing pod does not repeat the same line every beat.
    assert.deepEqual((await dp.beat(pod('dp-wrong-cert', certFiles(other)))).log, []);
    const typo = await dp.beat(
      pod('dp-typo', certFiles(cert), {cluster_control_plane: 'cp-clustr.example.elb.amazonaws.com:8005'}),
    );
    assert.match(
      typo.log.join('\n'),
      /broken: failed to connect: \[cosocket\] DNS resolution failed: dns server error: 3 name error/,
    );
    const noKey = await dp.beat(pod('dp-no-key', {'/etc/secrets/kong-cluster-cert/tls.crt': cert.certPem}));
    assert.equal(
      noKey.crash,
      'Error: cluster_cert_key: failed loading certificate from /etc/secrets/kong-cluster-cert/tls.key',
    );
    assert.deepEqual(admin.dataPlanes(), [], 'nothing registered without an accepted handshake');
  } finally {
    dp.close();
    await listener.close();
    await admin.close();
  }
});
