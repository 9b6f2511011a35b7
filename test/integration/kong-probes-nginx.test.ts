// The cluster-listener TLS probe against a REAL nginx (Debian's nginx-light) configured like Kong's
// cluster listener: shared mode `ssl_verify_client optional_no_ca` plus the client-certificate
// fingerprint check (Kong compares digests in Lua and closes with 444); pki mode `ssl_verify_client on`
// with the CA, where a refused client certificate still completes the handshake and gets nginx's 400.
// Each test starts nginx on a loopback port with its own config in a temp dir and stops it.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {X509Certificate} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {probeClusterTls} from '../../source/kong/probes.js';
import {issueDataPlaneCert} from '../../source/kong/pki.js';
import {generatePkiControlPlane} from '../../source/demo/scenarios/kong-pki.js';
import {startFakeKongClusterListener} from '../../source/demo/fake-kong-cluster-listener.js';
import {makeCaWithLeaves, makeCert, type TestCert} from '../helpers/kong-fakes.js';

const T = {timeout: 30_000};
const nginxBin = ['/usr/sbin/nginx', 'nginx'].find(b => spawnSync(b, ['-v']).status === 0);
const skip = nginxBin ? false : 'nginx is not installed (Debian nginx-light)';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as import('node:net').AddressInfo).port;
  await new Promise(r => srv.close(r));
  return port;
}

async function startNginx(
  server: TestCert,
  opts: {mode: 'shared' | 'pki'; caPem?: string},
): Promise<{port: number; log(): string; stop(): Promise<void>}> {
  const dir = mkdtempSync(join(tmpdir(), 'nginx-kong-'));
  writeFileSync(join(dir, 'cp.crt'), server.certPem);
  writeFileSync(join(dir, 'cp.key'), server.keyPem, {mode: 0o600});
  if (opts.caPem) writeFileSync(join(dir, 'ca.crt'), opts.caPem);
  const port = await freePort();
  // nginx's $ssl_client_fingerprint is the SHA-1 of the client certificate: equal certificates match.
  const fingerprint = new X509Certificate(server.certPem).fingerprint.replace(/:/g, '').toLowerCase();
  const verify =
    opts.mode === 'shared'
      ? `ssl_verify_client optional_no_ca;\n      location /v1/outlet { if ($ssl_client_fingerprint != "${fingerprint}") { return 444; } return 400; }`
      : `ssl_verify_client on; ssl_client_certificate ${join(dir, 'ca.crt')}; ssl_verify_depth 2;\n      location /v1/outlet { return 400; }`;
  writeFileSync(
    join(dir, 'nginx.conf'),
    `
daemon off; master_process off; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')} info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${join(dir, 'cp.crt')}; ssl_certificate_key ${join(dir, 'cp.key')};
    ${verify}
  }
}
`,
  );
  const child: ChildProcess = spawn(nginxBin!, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', d => (stderr += String(d)));
  // Up when the port accepts.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>(r => {
      const s = createServer();
      s.once('error', () => r(true));
      s.listen(port, '127.0.0.1', () => s.close(() => r(false)));
    });
    if (open) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start: ${stderr}`);
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    port,
    log: () => readFileSync(join(dir, 'error.log'), 'utf8'),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise(r => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, {recursive: true, force: true});
    },
  };
}

test(
  "REAL nginx like Kong's shared-mode listener: the CP's own certificate is accepted (400), another fails the server check",
  {...T, skip},
  async () => {
    const cp = await makeCert();
    const other = await makeCert();
    const nginx = await startNginx(cp, {mode: 'shared'});
    try {
      const ok = await probeClusterTls({host: '127.0.0.1', port: nginx.port, ...cp, timeoutMs: 5000});
      assert.equal(ok.outcome, 'accepted', ok.title);
      // The DP checks the server certificate against its own: another cert fails before any HTTP.
      const wrong = await probeClusterTls({host: '127.0.0.1', port: nginx.port, ...other, timeoutMs: 5000});
      assert.equal(wrong.outcome, 'server-cert-mismatch', wrong.title);
    } finally {
      await nginx.stop();
    }
  },
);

test(
  "REAL nginx like Kong's pki listener: a DP cert from the CA is accepted; a foreign one completes the handshake and gets nginx's 400, which the probe names",
  {...T, skip},
  async () => {
    const {ca, leaves} = await makeCaWithLeaves(['kong-cp.example.com', 'kong-dp-1']);
    const [server, client] = leaves as [TestCert, TestCert];
    const foreign = await makeCert({cn: 'kong-dp-rogue'});
    const nginx = await startNginx(server, {mode: 'pki', caPem: ca.certPem});
    try {
      const base = {
        host: '127.0.0.1',
        port: nginx.port,
        mode: 'pki' as const,
        caPem: ca.certPem,
        serverName: 'kong-cp.example.com',
        timeoutMs: 5000,
      };
      const ok = await probeClusterTls({...base, ...client});
      assert.equal(ok.outcome, 'accepted', ok.title);
      const refused = await probeClusterTls({...base, ...foreign});
      assert.equal(refused.outcome, 'client-cert-rejected', refused.title);
      assert.match(refused.title, /HTTP 400 "The SSL certificate error"/);
      assert.equal(refused.status, 'fail');
    } finally {
      await nginx.stop();
    }
  },
);

test(
  "REAL nginx vs the FAKE pki listener: the wizard's issued DP certificate is accepted by both; the CP's own (serverAuth) and another CA's are refused with the same 400 and the same OpenSSL verify error",
  {...T, skip},
  async () => {
    const name = 'kong-cp.cluster.example.internal';
    const {ca, cp} = await generatePkiControlPlane(name);
    const other = await generatePkiControlPlane(name);
    const dp = await issueDataPlaneCert({caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName: 'kong-dp'});
    const stranger = await issueDataPlaneCert({
      caCertPem: other.ca.certPem,
      caKeyPem: other.ca.keyPem,
      commonName: 'x',
    });
    const nginx = await startNginx({...cp, keys: undefined as never}, {mode: 'pki', caPem: ca.certPem});
    const fake = await startFakeKongClusterListener({...cp, mode: 'pki', caPem: ca.certPem});
    try {
      for (const [port, log] of [
        [nginx.port, () => nginx.log()],
        [fake.port, () => fake.log.join('\n')],
      ] as const) {
        const base = {
          host: '127.0.0.1',
          port,
          mode: 'pki' as const,
          caPem: ca.certPem,
          serverName: name,
          timeoutMs: 5000,
        };
        assert.equal((await probeClusterTls({...base, ...dp})).outcome, 'accepted');
        const own = await probeClusterTls({...base, ...cp});
        assert.equal(own.outcome, 'client-cert-rejected', own.title);
        assert.match(
          log(),
          /client SSL certificate verify error: \(26:unsuitable certificate purpose\) while reading client request headers/,
        );
        const foreign = await probeClusterTls({...base, ...stranger});
        assert.equal(foreign.outcome, 'client-cert-rejected', foreign.title);
        assert.match(
          log(),
          /client SSL certificate verify error: \(21:unable to verify the first certificate\) while reading client request headers/,
        );
      }
    } finally {
      await fake.close();
      await nginx.stop();
    }
  },
);
