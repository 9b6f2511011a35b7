// Reachability checks of the control plane listeners from the admin server, run before installing the
// data plane. They test this host's path only: the DP's path from the cluster can still differ (NAT,
// egress firewall), so the DP logs stay the ground truth after the install.
import {promises as dns} from 'node:dns';
import {connect as netConnect} from 'node:net';
import {checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket} from 'node:tls';
import ipaddr from 'ipaddr.js';
import {CLUSTER_CN} from './cluster-cert.js';
import {NetRouteError, routeTo, type Route} from './net-route.js';

export type ProbeName = 'dns' | 'tcp' | 'tls-cluster' | 'tls-telemetry';

export interface ProbeResult {
  probe: ProbeName;
  /** host or host:port */
  target: string;
  status: 'ok' | 'warn' | 'fail';
  /** Machine-readable outcome, e.g. accepted, rejected, refused, timeout. */
  outcome: string;
  title: string;
  detail?: string;
  fix?: string;
  addresses?: string[];
}

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Where host:port really is (ctx.ports.net.route); a NetRouteError means unreachable. */
  route?: Route;
}

function unreachable(probe: ProbeName, target: string, error: unknown): ProbeResult {
  return {
    probe,
    target,
    status: 'fail',
    outcome: 'unreachable',
    title: `${target} is unreachable from this host${error instanceof Error && error.message ? ` (${error.message.split('\n')[0]})` : ''}`,
    fix: 'Check routing and firewalls between this host and the load balancer.',
  };
}

function destination(
  probe: ProbeName,
  host: string,
  port: number,
  route: Route | undefined,
): {host: string; port: number} | ProbeResult {
  try {
    return routeTo(route, host, port);
  } catch (error) {
    if (error instanceof NetRouteError) return unreachable(probe, `${host}:${port}`, error);
    throw error;
  }
}

const DEFAULT_TIMEOUT = 5000;

export type Lookup = (host: string) => Promise<string[]>;
const systemLookup: Lookup = async host => (await dns.lookup(host, {all: true, verbatim: true})).map(a => a.address);

/** Resolves the LB hostname; NLB names take a few minutes to appear after the Service gets them. */
export async function probeDns(host: string, options: ProbeOptions & {lookup?: Lookup} = {}): Promise<ProbeResult> {
  if (ipaddr.isValid(host)) return judgeAddresses(host, [host]);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT;
  let timer: NodeJS.Timeout | undefined;
  try {
    const addresses = await Promise.race([
      (options.lookup ?? systemLookup)(host),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timeout'), {code: 'ETIMEOUT'})), timeoutMs);
      }),
    ]);
    return judgeAddresses(host, addresses);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const notFound = code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'ENODATA';
    return {
      probe: 'dns',
      target: host,
      status: 'fail',
      outcome: notFound ? 'not-found' : code === 'ETIMEOUT' ? 'timeout' : 'error',
      title: notFound ? `${host} does not resolve (yet)` : `Resolving ${host} failed (${code})`,
      fix: notFound
        ? 'A new AWS load balancer name takes a few minutes to resolve; wait and retry. Otherwise check the name for typos.'
        : 'Check the nameservers of this host (/etc/resolv.conf).',
    };
  } finally {
    clearTimeout(timer);
  }
}

function judgeAddresses(host: string, addresses: string[]): ProbeResult {
  const privateOnes = addresses.filter(
    a => ipaddr.isValid(a) && ['private', 'loopback', 'uniqueLocal', 'linkLocal'].includes(ipaddr.parse(a).range()),
  );
  if (addresses.length > 0 && privateOnes.length === addresses.length && !ipaddr.isValid(host)) {
    return {
      probe: 'dns',
      target: host,
      status: 'warn',
      outcome: 'private',
      addresses,
      title: `${host} resolves to private addresses only (${addresses.join(', ')})`,
      detail: 'An internal load balancer: reachable from the data center only over VPN or Direct Connect.',
      fix: 'Make the control plane load balancers internet-facing (aws-load-balancer-scheme: internet-facing) unless the site has a private route.',
    };
  }
  return {
    probe: 'dns',
    target: host,
    status: 'ok',
    outcome: 'resolved',
    addresses,
    title: `${host} resolves to ${addresses.join(', ')}`,
  };
}

/** Opens and closes a TCP connection. */
export function probeTcp(host: string, port: number, options: ProbeOptions = {}): Promise<ProbeResult> {
  const target = `${host}:${port}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT;
  const dest = destination('tcp', host, port, options.route);
  if ('probe' in dest) return Promise.resolve(dest);
  return new Promise(resolve => {
    const socket = netConnect({host: dest.host, port: dest.port, signal: options.signal});
    const finish = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        finish({
          probe: 'tcp',
          target,
          status: 'fail',
          outcome: 'timeout',
          title: `No TCP answer from ${target} within ${timeoutMs} ms`,
          fix: "Packets are dropped: an internal load balancer, a security group / NACL, or this site's egress firewall.",
        }),
      timeoutMs,
    );
    socket.once('connect', () =>
      finish({probe: 'tcp', target, status: 'ok', outcome: 'connected', title: `TCP connection to ${target} opened`}),
    );
    socket.once('error', error => finish(networkFailure('tcp', target, error)));
  });
}

function networkFailure(probe: ProbeName, target: string, error: Error): ProbeResult {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') {
    return {
      probe,
      target,
      status: 'fail',
      outcome: 'refused',
      title: `${target} refused the connection`,
      fix: 'Nothing listens there: check the port (8005 / 8006), that the control plane runs, and cluster.tls.enabled in its values.',
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      probe,
      target,
      status: 'fail',
      outcome: 'not-found',
      title: `${target.replace(/:\d+$/, '')} does not resolve`,
      fix: 'Wait for the load balancer name to resolve, or check it for typos.',
    };
  }
  if (code === 'ABORT_ERR')
    return {probe, target, status: 'fail', outcome: 'cancelled', title: `Probe of ${target} cancelled`};
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return {
      probe,
      target,
      status: 'fail',
      outcome: 'reset',
      title: `${target} reset the connection`,
      fix: 'Something between here and the control plane cut the connection (proxy, firewall); or the control plane refused the certificate.',
    };
  }
  return {
    probe,
    target,
    status: 'fail',
    outcome: 'error',
    title: `Connecting to ${target} failed (${code || error.message.split('\n')[0]})`,
    fix: 'Check routing and firewalls between this host and the load balancer.',
  };
}

export interface TlsProbeOptions extends ProbeOptions {
  host: string;
  port: number;
  /** The cluster certificate and key the data plane will present (PEM). The key is never echoed. */
  certPem: string;
  keyPem: string;
  mode?: 'shared' | 'pki';
  /** pki: the CA that issued the CP certificate; shared: the cluster certificate itself is trusted. */
  caPem?: string;
  /** pki: the name checked against the CP certificate (cluster_server_name); defaults to host. */
  serverName?: string;
}

const VERIFY_MISMATCH_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

function openTls(
  options: TlsProbeOptions,
  probe: ProbeName,
  onSecure: (socket: TLSSocket, finish: (r: ProbeResult) => void) => void,
): Promise<ProbeResult> {
  const target = `${options.host}:${options.port}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT;
  const shared = (options.mode ?? 'shared') === 'shared';
  const expectedName = shared ? CLUSTER_CN : (options.serverName ?? options.host);
  const dest = destination(probe, options.host, options.port, options.route);
  if ('probe' in dest) return Promise.resolve(dest);
  return new Promise(resolve => {
    let done = false;
    const socket = tlsConnect({
      host: dest.host,
      port: dest.port,
      // Kong's data plane sends SNI kong_clustering in shared mode and checks that name on the CP's cert.
      servername: ipaddr.isValid(expectedName) ? undefined : expectedName,
      cert: options.certPem,
      key: options.keyPem,
      ca: [shared ? options.certPem : (options.caPem ?? options.certPem)],
      checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(expectedName, cert),
    });
    let secured = false;
    const onAbort = () =>
      finish({probe, target, status: 'fail', outcome: 'cancelled', title: `Probe of ${target} cancelled`});
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    if (options.signal?.aborted) queueMicrotask(onAbort);
    else options.signal?.addEventListener('abort', onAbort, {once: true});
    const timer = setTimeout(
      () =>
        finish({
          probe,
          target,
          status: 'fail',
          outcome: 'timeout',
          title: `No TLS answer from ${target} within ${timeoutMs} ms`,
          fix: "Check the load balancer scheme, security groups and this site's egress firewall.",
        }),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      secured = true;
      onSecure(socket, finish);
    });
    socket.once('error', error => finish(tlsFailure(probe, target, error, !secured, shared)));
  });
}

function tlsFailure(
  probe: ProbeName,
  target: string,
  error: Error,
  duringHandshake: boolean,
  shared: boolean,
): ProbeResult {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (VERIFY_MISMATCH_CODES.has(code)) {
    return {
      probe,
      target,
      status: 'fail',
      outcome: 'server-cert-mismatch',
      title: `${target} presents a certificate other than the cluster certificate (${code})`,
      detail: 'The data plane would log "ssl handshake failed: 18: self-signed certificate".',
      fix: shared
        ? 'Use the very secret the control plane mounts (same tls.crt); re-read it from the control plane cluster.'
        : 'Give the CA that issued the control plane certificate (cluster_ca_cert).',
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      probe,
      target,
      status: 'fail',
      outcome: 'host-mismatch',
      title: `The certificate of ${target} does not name ${shared ? CLUSTER_CN : 'the expected server name'}`,
      detail: 'The data plane would log "ssl handshake failed: certificate host mismatch".',
      fix: shared
        ? `Use a cluster certificate with CN=${CLUSTER_CN} (and no DNS SAN without it).`
        : 'Set cluster_server_name to a name in the control plane certificate.',
    };
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return {
      probe,
      target,
      status: 'fail',
      outcome: 'expired',
      title: `The certificate of ${target} has expired`,
      fix: 'Renew the cluster certificate on the control plane and copy it again.',
    };
  }
  if (code.startsWith('ERR_SSL') || /alert|handshake|wrong version/i.test(error.message)) {
    return {
      probe,
      target,
      status: 'fail',
      outcome: 'handshake-failed',
      title: `TLS handshake with ${target} failed (${code || 'alert'})`,
      // nginx (ssl_verify_client on, pki) completes the handshake even for an untrusted client
      // certificate and answers 400 afterwards, so a failure here is not the client certificate.
      detail: duringHandshake
        ? 'The handshake itself failed: a protocol or cipher mismatch, or a plain-TCP / TLS-terminating proxy in the way.'
        : undefined,
      fix: 'Check cluster_mtls on both sides and that the load balancer passes TCP through (NLB, not ALB/Ingress).',
    };
  }
  return networkFailure(probe, target, error);
}

/**
 * TLS to the cluster listener (8005) presenting the data plane's certificate, then `GET /v1/outlet`
 * without the node id. A Kong CP that accepts the certificate answers its own plain 400 (the id is
 * missing). A refused certificate: shared mode closes without an answer (nginx 444 after the digest
 * check); pki mode (ssl_verify_client on) completes the handshake and nginx answers 400 with the body
 * "The SSL certificate error" or "No required SSL certificate was sent".
 */
export function probeClusterTls(options: TlsProbeOptions): Promise<ProbeResult> {
  const target = `${options.host}:${options.port}`;
  const pki = options.mode === 'pki';
  // The DP's request carries the name it dialed: kong_clustering (shared) or cluster_server_name (pki).
  const hostHeader = pki ? (options.serverName ?? options.host) : CLUSTER_CN;
  return openTls(options, 'tls-cluster', (socket, finish) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const statusLine = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r?\n/.exec(received);
      if (!statusLine) {
        if (received.length > 4096)
          finish({
            probe: 'tls-cluster',
            target,
            status: 'fail',
            outcome: 'not-http',
            title: `${target} answered something other than HTTP`,
            fix: 'Make sure the endpoint is the Kong cluster listener (port 8005).',
          });
        return;
      }
      const status = Number(statusLine[1]);
      // nginx's own 400s for a client certificate (pki: ssl_verify_client on) come with an HTML body
      // naming it; Kong's 400 for the missing node_id has none. Wait for the body before judging.
      const headEnd = received.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(received)?.[1] ?? 0);
      if (status === 400 && (headEnd < 0 || received.length - headEnd - 4 < length)) return;
      const nginxCert = /No required SSL certificate was sent|The SSL certificate error/.exec(received)?.[0];
      if (status === 400 && nginxCert) {
        finish({
          probe: 'tls-cluster',
          target,
          status: 'fail',
          outcome: 'client-cert-rejected',
          title: `${target} refused the data plane's client certificate (HTTP 400 "${nginxCert}")`,
          detail:
            'In pki mode the control plane completes the TLS handshake and then refuses a client certificate that does not chain to its cluster_ca_cert.',
          fix: 'Issue the data plane certificate from the CA the control plane trusts (cluster_ca_cert), with extended key usage clientAuth.',
        });
      } else if (status === 400) {
        finish({
          probe: 'tls-cluster',
          target,
          status: 'ok',
          outcome: 'accepted',
          title: pki
            ? `${target} accepted the data plane's client certificate (pki: it chains to the CA; GET /v1/outlet answered Kong's 400 as expected)`
            : `${target} accepted the cluster certificate (GET /v1/outlet answered 400 as expected)`,
        });
      } else {
        finish({
          probe: 'tls-cluster',
          target,
          status: 'fail',
          outcome: 'unexpected-http',
          title: `${target} answered HTTP ${status} to GET /v1/outlet, not Kong's 400`,
          detail:
            'Something other than the Kong cluster listener answered: a TLS-terminating load balancer, an Ingress, or another service.',
          fix: 'Expose 8005 through a TCP (NLB) LoadBalancer Service that passes TLS through to Kong.',
        });
      }
    });
    socket.once('end', () =>
      finish(
        pki
          ? {
              probe: 'tls-cluster',
              target,
              status: 'fail',
              outcome: 'rejected',
              title: `${target} closed the connection without answering`,
              detail:
                'A pki control plane answers a refused client certificate with 400; a silent close means the listener runs in another cluster_mtls mode (shared closes with nginx 444).',
              fix: 'Check cluster_mtls on the control plane (KONG_CLUSTER_MTLS): both sides must use pki.',
            }
          : {
              probe: 'tls-cluster',
              target,
              status: 'fail',
              outcome: 'rejected',
              title: `${target} closed the connection without answering: the control plane did not accept the cluster certificate`,
              detail:
                'The control plane logs "data plane presented incorrect client certificate during handshake (digest does not match the control plane certificate)".',
              fix: "Copy the control plane's cluster certificate secret again: both sides must hold the same tls.crt and tls.key.",
            },
      ),
    );
    socket.write(`GET /v1/outlet HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: close\r\n\r\n`);
  });
}

/** TLS handshake with the telemetry listener (8006) presenting the cluster certificate. */
export function probeTelemetryTls(options: TlsProbeOptions): Promise<ProbeResult> {
  const target = `${options.host}:${options.port}`;
  return openTls(options, 'tls-telemetry', (_socket, finish) =>
    finish({
      probe: 'tls-telemetry',
      target,
      status: 'ok',
      outcome: 'handshake-ok',
      // What a handshake proves: the listener is reachable and presents a certificate the DP trusts.
      // Kong checks the client certificate after the handshake, so that part is not proven here.
      title: `${target} is reachable and presents the certificate the data plane trusts (TLS handshake; the client certificate is checked after it)`,
    }),
  );
}
