// pki mode (cluster_mtls: pki) of the FAKE cluster listener, the FAKE Kong data plane and the REAL TLS
// probe: the listener completes the handshake and refuses an untrusted or missing client certificate with
// nginx's 400 page, logging the OpenSSL verify error; the DP checks the chain to cluster_ca_cert and
// cluster_server_name (Kong's "certificate host mismatch"); the probe tells nginx's 400 from Kong's.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {connect} from 'node:tls';
import {startFakeKongAdmin} from '../../source/demo/fake-kong-admin.js';
import {startFakeKongClusterListener} from '../../source/demo/fake-kong-cluster-listener.js';
import {createFakeKongDataPlane} from '../../source/demo/fake-kong-data-plane.js';
import {createDemoNet} from '../../source/demo/net.js';
import {generatePkiControlPlane} from '../../source/demo/scenarios/kong-pki.js';
import type {DpPodView} from '../../source/demo/scenarios/new-cluster-data-plane.js';
import {issueDataPlaneCert} from '../../source/kong/pki.js';
import {probeClusterTls} from '../../source/kong/probes.js';

const T = {timeout: 30_000};
const CP = 'cp-cluster.example.elb.amazonaws.com';
const NAME = 'kong-cp.cluster.example.internal';

async function world() {
  const {ca, cp} = await generatePkiControlPlane(NAME);
  const other = await generatePkiControlPlane(NAME);
  const dpCert = await issueDataPlaneCert({caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName: 'kong-dp'});
  const strangerCert = await issueDataPlaneCert({
    caCertPem: other.ca.certPem,
    caKeyPem: other.ca.keyPem,
    commonName: 'kong-dp',
  });
  const admin = await startFakeKongAdmin({clusterMtls: 'pki'});
  const listener = await startFakeKongClusterListener({
    ...cp,
    mode: 'pki',
    caPem: ca.certPem,
    onDataPlane: n => admin.registerDataPlane({id: n.id, hostname: n.hostname!, version: n.version}),
  });
  return {ca, cp, other, dpCert, strangerCert, admin, listener};
}

test(
  'FAKE pki listener: a client certificate from another CA, or none, gets nginx 400 pages; the probe says which',
  T,
  async () => {
    const w = await world();
    try {
      const probe = {
        host: w.listener.host,
        port: w.listener.port,
        mode: 'pki' as const,
        caPem: w.ca.certPem,
        serverName: NAME,
      };
      const ok = await probeClusterTls({...probe, ...w.dpCert});
      assert.equal(ok.outcome, 'accepted', ok.title);
      assert.match(ok.title, /client certificate/);

      const stranger = await probeClusterTls({...probe, ...w.strangerCert});
      assert.equal(stranger.outcome, 'client-cert-rejected', stranger.title);
      assert.match(stranger.title, /HTTP 400 "The SSL certificate error"/);
      assert.match(
        w.listener.log.join('\n'),
        /client SSL certificate verify error: \(21:unable to verify the first certificate\) while reading client request headers/,
      );

      // The CP's own server certificate (EKU serverAuth only) is no client certificate.
      const cpOwn = await probeClusterTls({...probe, ...w.cp});
      assert.equal(cpOwn.outcome, 'client-cert-rejected', cpOwn.title);
      assert.match(w.listener.log.join('\n'), /\(26:unsuitable certificate purpose\)/);

      const wrongName = await probeClusterTls({...probe, ...w.dpCert, serverName: CP});
      assert.equal(wrongName.outcome, 'host-mismatch', wrongName.title);

      // No client certificate at all: the handshake still completes; nginx answers its 400 page.
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect({host: w.listener.host, port: w.listener.port, servername: NAME, ca: [w.ca.certPem]});
        let text = '';
        socket.on('secureConnect', () => socket.write(`GET /v1/outlet HTTP/1.1\r\nHost: ${NAME}\r\n\r\n`));
        socket.on('data', d => (text += d.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.match(raw, /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.match(raw, /<center>No required SSL certificate was sent<\/center>/);
      assert.deepEqual(w.admin.dataPlanes(), [], 'the probe never registers a data plane');
    } finally {
      await w.listener.close();
      await w.admin.close();
    }
  },
);

function pod(name: string, files: Record<string, string>, env: Record<string, string> = {}): DpPodView {
  const dir = '/etc/secrets/kong-cluster-cert';
  return {
    name,
    namespace: 'kong',
    image: 'kong/kong-gateway:3.9.1.2',
    env: {
      role: 'data_plane',
      database: 'off',
      cluster_mtls: 'pki',
      cluster_control_plane: `${CP}:8005`,
      cluster_cert: `${dir}/tls.crt`,
      cluster_cert_key: `${dir}/tls.key`,
      cluster_ca_cert: `${dir}/ca.crt`,
      cluster_server_name: NAME,
      ...env,
    },
    file: path => files[path.replace(`${dir}/`, '')],
  };
}

test(
  'FAKE Kong DP in pki mode: its own certificate connects; the LB name or a stranger CA fail like Kong',
  T,
  async () => {
    const w = await world();
    const net = createDemoNet([{host: CP, port: 8005, to: {host: w.listener.host, port: w.listener.port}}], {
      [CP]: ['203.0.113.10'],
    });
    const dp = createFakeKongDataPlane({
      net,
      configHashOf: id => w.admin.dataPlanes().find(d => d.id === id)?.config_hash,
    });
    const files = {'tls.crt': w.dpCert.certPem, 'tls.key': w.dpCert.keyPem, 'ca.crt': w.ca.certPem};
    try {
      // No cluster_server_name: Kong checks the load balancer's hostname on a certificate that names NAME.
      const noName = await dp.beat(pod('dp-no-name', files, {cluster_server_name: ''}));
      assert.match(noName.log.join('\n'), /broken: ssl handshake failed: certificate host mismatch/);
      // Trusting another CA (of the same name, as every demo CA is): the CP's certificate does not verify.
      const wrongCa = await dp.beat(pod('dp-wrong-ca', {...files, 'ca.crt': w.other.ca.certPem}));
      assert.match(wrongCa.log.join('\n'), /broken: ssl handshake failed: 7: certificate signature failure/);
      // A client certificate the CP's CA did not issue: the CP answers 400 and the DP never registers.
      const stranger = await dp.beat(
        pod('dp-stranger', {...files, 'tls.crt': w.strangerCert.certPem, 'tls.key': w.strangerCert.keyPem}),
      );
      assert.match(stranger.log.join('\n'), /bad HTTP status 400/);
      assert.deepEqual(w.admin.dataPlanes(), []);
      const good = await dp.beat(pod('dp-good', files));
      assert.match(good.log.join('\n'), /connected to control plane/);
      assert.deepEqual(
        w.admin.dataPlanes().map(d => d.hostname),
        ['dp-good'],
      );
    } finally {
      dp.close();
      await w.listener.close();
      await w.admin.close();
    }
  },
);
