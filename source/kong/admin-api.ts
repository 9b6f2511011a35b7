// A small client of the control plane's Admin API: Kong-Admin-Token header, per-call timeout and abort,
// JSON in and out. Error messages never carry the token (nor URL credentials).
import {readFile} from 'node:fs/promises';
import {X509Certificate} from 'node:crypto';
import {checkServerIdentity, type PeerCertificate} from 'node:tls';
import {request as httpRequest} from 'node:http';
import {request as httpsRequest} from 'node:https';
import type {KubeApi, KubePod} from './kube-api.js';
import {describeKubeError} from './kube-api.js';
import {NetRouteError, routedRequestTarget, type Route} from './net-route.js';

export const ADMIN_TOKEN_HEADER = 'Kong-Admin-Token';

export type AdminTokenSource =
  | {kind: 'none'}
  | {kind: 'inline'; value: string}
  | {kind: 'env'; name: string}
  | {kind: 'file'; path: string}
  | {kind: 'secret'; kube: KubeApi; namespace: string; name: string; key: string};

export type TokenResult = {ok: true; token: string | undefined} | {ok: false; message: string; fix: string};

/** Reads the token from where the admin said it is. The token itself only ever goes into the header. */
export async function resolveAdminToken(
  source: AdminTokenSource,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<TokenResult> {
  switch (source.kind) {
    case 'none':
      return {ok: true, token: undefined};
    case 'inline':
      return {ok: true, token: source.value};
    case 'env': {
      const value = env[source.name];
      if (!value)
        return {
          ok: false,
          message: `Environment variable ${source.name} is not set or empty.`,
          fix: `export ${source.name}=<admin token> before starting eksa-kong, or give controlPlane.adminTokenFile.`,
        };
      return {ok: true, token: value};
    }
    case 'file': {
      try {
        const value = (await readFile(source.path, 'utf8')).trim();
        if (!value)
          return {
            ok: false,
            message: `The token file ${source.path} is empty.`,
            fix: 'Write the RBAC admin token (KONG_PASSWORD of kong_admin) into it.',
          };
        return {ok: true, token: value};
      } catch (error) {
        return {
          ok: false,
          message: `Cannot read the token file ${source.path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
          fix: 'Check the path and its permissions.',
        };
      }
    }
    case 'secret': {
      try {
        const secret = await source.kube.get('Secret', source.namespace, source.name);
        const b64 = secret?.data?.[source.key];
        if (!b64)
          return {
            ok: false,
            message: `Secret ${source.namespace}/${source.name} has no key ${source.key}.`,
            fix: 'Name the secret and key that hold the admin token (the CP chart: env.password).',
          };
        return {ok: true, token: Buffer.from(b64, 'base64').toString('utf8').trim()};
      } catch (error) {
        return {
          ok: false,
          message: describeKubeError(error, 'get', `secret ${source.namespace}/${source.name}`),
          fix: 'Grant "get" on that secret, or give the token through an environment variable.',
        };
      }
    }
  }
}

/** The token source named by the answers (env var, file or inline), or none. */
export function adminTokenSourceFromAnswers(
  cp: {adminToken?: string; adminTokenEnv?: string; adminTokenFile?: string} | undefined,
): AdminTokenSource {
  if (cp?.adminTokenEnv) return {kind: 'env', name: cp.adminTokenEnv};
  if (cp?.adminTokenFile) return {kind: 'file', path: cp.adminTokenFile};
  if (cp?.adminToken) return {kind: 'inline', value: cp.adminToken};
  return {kind: 'none'};
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export interface AdminResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface AdminRequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface AdminClientOptions {
  /** e.g. https://cp-admin.example.com:8444 or http://127.0.0.1:8001 (a port-forward). */
  url: string;
  token?: string;
  timeoutMs?: number;
  /** Extra CA (PEM) for an https Admin API with a private certificate. */
  ca?: string;
  /** Accept any certificate (the admin explicitly asked; shown on screen). */
  insecure?: boolean;
  /** Where the URL's host:port really is (ctx.ports.net.route); a NetRouteError means unreachable. */
  route?: Route;
  /** TLS server name to send and verify when the URL's host is not it (a port-forward to 127.0.0.1). */
  servername?: string;
}

export interface KongInfo {
  version: string;
  edition?: string;
  hostname?: string;
  role?: string;
  clusterMtls?: string;
  routerFlavor?: string;
  vitals?: boolean;
  enforceRbac?: string;
  clusterListen?: string[];
  clusterTelemetryListen?: string[];
}

export interface AdminClient {
  readonly url: string;
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options?: AdminRequestOptions,
  ): Promise<AdminResponse<T>>;
  getInfo(options?: AdminRequestOptions): Promise<KongInfo>;
}

function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function toList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(',').map(s => s.trim());
  return undefined;
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const base = new URL(options.url);
  const display = safeUrl(base);
  const defaultTimeout = options.timeoutMs ?? 10_000;

  const request = <T>(
    method: string,
    path: string,
    body?: unknown,
    requestOptions: AdminRequestOptions = {},
  ): Promise<AdminResponse<T>> =>
    new Promise((resolve, reject) => {
      const target = new URL(path.replace(/^\/+/, ''), base.href.endsWith('/') ? base.href : `${base.href}/`);
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = {accept: 'application/json'};
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      if (options.token) headers[ADMIN_TOKEN_HEADER] = options.token;
      const timeoutMs = requestOptions.timeoutMs ?? defaultTimeout;
      const what = `${method} ${target.pathname} on ${display}`;
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      let routed: ReturnType<typeof routedRequestTarget>;
      try {
        routed = routedRequestTarget(target, options.route);
      } catch (error) {
        if (error instanceof NetRouteError)
          return reject(new AdminApiError(`${what}: unreachable from this host`, undefined, 'EUNREACHABLE'));
        throw error;
      }
      const req = send(
        {
          protocol: target.protocol,
          hostname: routed.hostname,
          port: routed.port,
          path: routed.path,
          method,
          headers: {...routed.headers, ...headers},
          signal: requestOptions.signal,
          ...(target.protocol === 'https:'
            ? {
                ca: options.ca,
                rejectUnauthorized: !options.insecure,
                servername: options.servername ?? routed.servername,
                ...(options.servername
                  ? {
                      checkServerIdentity: (_host: string, cert: PeerCertificate) =>
                        checkServerIdentity(options.servername!, cert),
                    }
                  : {}),
              }
            : {}),
        },
        res => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > 16 * 1024 * 1024) req.destroy(new AdminApiError(`${what}: response larger than 16 MiB`));
            else chunks.push(chunk);
          });
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if (text.length > 0) {
              try {
                parsed = JSON.parse(text);
              } catch {
                parsed = text;
              }
            }
            resolve({status: res.statusCode ?? 0, headers: res.headers, body: parsed as T});
          });
          res.on('error', error => {
            clearTimeout(timer);
            reject(new AdminApiError(`${what}: ${error.message}`));
          });
        },
      );
      const timer = setTimeout(
        () => req.destroy(new AdminApiError(`${what}: no answer within ${timeoutMs} ms`, undefined, 'ETIMEDOUT')),
        timeoutMs,
      );
      req.on('error', error => {
        clearTimeout(timer);
        if (error instanceof AdminApiError) return reject(error);
        if (requestOptions.signal?.aborted)
          return reject(new AdminApiError(`${what}: cancelled`, undefined, 'ABORT_ERR'));
        const code = (error as NodeJS.ErrnoException).code;
        reject(new AdminApiError(`${what}: ${code ?? error.message}`, undefined, code));
      });
      if (payload) req.write(payload);
      req.end();
    });

  return {
    url: display,
    request,
    async getInfo(requestOptions) {
      const res = await request<Record<string, unknown>>('GET', '/', undefined, requestOptions);
      if (res.status === 401 || res.status === 403) {
        throw new AdminApiError(
          res.status === 401
            ? `GET / on ${display}: 401, the Admin API needs a valid ${ADMIN_TOKEN_HEADER} (RBAC is on)`
            : `GET / on ${display}: 403, the token's role may not read this`,
          res.status,
        );
      }
      if (res.status !== 200 || typeof res.body !== 'object' || res.body === null) {
        throw new AdminApiError(
          `GET / on ${display}: unexpected HTTP ${res.status}; is this the Kong Admin API?`,
          res.status,
        );
      }
      const body = res.body;
      const conf = (body.configuration ?? {}) as Record<string, unknown>;
      const vitals = conf.vitals;
      return {
        version: String(body.version ?? ''),
        edition: typeof body.edition === 'string' ? body.edition : undefined,
        hostname: typeof body.hostname === 'string' ? body.hostname : undefined,
        role: typeof conf.role === 'string' ? conf.role : undefined,
        clusterMtls: typeof conf.cluster_mtls === 'string' ? conf.cluster_mtls : undefined,
        routerFlavor: typeof conf.router_flavor === 'string' ? conf.router_flavor : undefined,
        vitals: typeof vitals === 'boolean' ? vitals : typeof vitals === 'string' ? vitals === 'on' : undefined,
        enforceRbac: conf.enforce_rbac === undefined ? undefined : String(conf.enforce_rbac),
        clusterListen: toList(conf.cluster_listen),
        clusterTelemetryListen: toList(conf.cluster_telemetry_listen),
      };
    },
  };
}

/** Checks that GET / describes a hybrid control plane; findings for the screen. */
export function judgeCpInfo(info: KongInfo): {ok: boolean; title: string; fix?: string} {
  if (info.role !== 'control_plane') {
    return {
      ok: false,
      title: `The Admin API reports role ${info.role ?? 'unknown'}, not control_plane`,
      fix: 'Point the wizard at the Admin API of the hybrid control plane.',
    };
  }
  return {
    ok: true,
    title:
      `Kong ${info.edition ?? ''} ${info.version}, control_plane, cluster_mtls ${info.clusterMtls ?? 'shared'}, router ${info.routerFlavor ?? 'traditional'}`.replace(
        /\s+/g,
        ' ',
      ),
  };
}

export interface AdminEndpoint {
  url: string;
  /** How to speak TLS to it (a port-forward to an https admin listener); pass to createAdminClient. */
  tls?: {ca?: string; servername?: string; insecure?: boolean};
  /** What the TLS check proves, or why it cannot be made: for the screen. */
  note?: string;
  close(): Promise<void>;
}

/** One admin listener of KONG_ADMIN_LISTEN ("0.0.0.0:8001, 0.0.0.0:8444 http2 ssl"). */
export interface AdminListener {
  port: number;
  https: boolean;
}

/** Kong's default admin_listen (kong.conf.default) when the Deployment does not set KONG_ADMIN_LISTEN. */
export const DEFAULT_ADMIN_LISTEN =
  '127.0.0.1:8001 reuseport backlog=16384, 127.0.0.1:8444 http2 ssl reuseport backlog=16384';

/** The listeners of an admin_listen value; `off` yields none. Plain HTTP first: no certificate to trust. */
export function parseAdminListen(value: string | undefined): AdminListener[] {
  const text = (value ?? DEFAULT_ADMIN_LISTEN).trim();
  if (text === 'off') return [];
  const out: AdminListener[] = [];
  for (const entry of text.split(',')) {
    const [address = '', ...flags] = entry.trim().split(/\s+/);
    const port = Number(/:(\d+)$/.exec(address)?.[1]);
    if (Number.isInteger(port) && port > 0) out.push({port, https: flags.includes('ssl')});
  }
  return out.sort((a, b) => Number(a.https) - Number(b.https));
}

const envOf = (pod: KubePod, name: string) =>
  (pod.spec?.containers ?? []).flatMap(c => c.env ?? []).find(e => e.name === name);

/**
 * The certificate an https admin listener serves, when it comes from a mounted secret
 * (KONG_ADMIN_SSL_CERT = /etc/secrets/<volume>/tls.crt): the PEM, to trust it and check its name.
 */
async function adminCertOf(kube: KubeApi, namespace: string, pod: KubePod): Promise<string | undefined> {
  const path = envOf(pod, 'KONG_ADMIN_SSL_CERT')?.value;
  if (!path) return undefined;
  if (path.startsWith('-----BEGIN')) return path; // inline PEM
  for (const container of pod.spec?.containers ?? []) {
    for (const mount of container.volumeMounts ?? []) {
      if (!path.startsWith(`${mount.mountPath.replace(/\/+$/, '')}/`)) continue;
      const secretName = pod.spec?.volumes?.find(v => v.name === mount.name)?.secret?.secretName;
      if (!secretName) continue;
      const secret = await kube.get('Secret', namespace, secretName).catch(() => null);
      const b64 = secret?.data?.[path.slice(mount.mountPath.replace(/\/+$/, '').length + 1)];
      if (b64) return Buffer.from(b64, 'base64').toString('utf8');
    }
  }
  return undefined;
}

/**
 * The Admin API through the Kubernetes API, like `kubectl port-forward` to the CP pod's admin port,
 * for control planes whose admin Service is not exposed. Port and scheme come from the pod's
 * KONG_ADMIN_LISTEN (the chart's default is 8444 with TLS only). Needs a KubeApi with portForward.
 */
export async function openAdminViaPortForward(
  kube: KubeApi,
  target: {namespace: string; release: string; port?: number; https?: boolean},
): Promise<AdminEndpoint> {
  if (!kube.portForward)
    throw new AdminApiError('This Kubernetes connection cannot port-forward; give the Admin API URL instead.');
  const pods = await kube.list('Pod', target.namespace, {
    labelSelector: `app.kubernetes.io/instance=${target.release},app.kubernetes.io/component=app`,
  });
  const pod = pods.find(p => p.status?.phase === 'Running');
  if (!pod)
    throw new AdminApiError(
      `No running control plane pod of release ${target.release} in ${target.namespace} to port-forward to.`,
    );
  const listen = envOf(pod, 'KONG_ADMIN_LISTEN')?.value;
  const listener =
    target.port !== undefined ? {port: target.port, https: target.https === true} : parseAdminListen(listen)[0];
  if (!listener)
    throw new AdminApiError(
      `The control plane pod ${pod.metadata.name} has admin_listen ${listen ?? 'unset'}: no Admin API to reach; give the Admin API URL instead.`,
    );
  const handle = await kube.portForward(target.namespace, pod.metadata.name, listener.port);
  const url = `${listener.https ? 'https' : 'http'}://127.0.0.1:${handle.localPort}`;
  if (!listener.https) return {url, close: () => handle.close()};
  const certPem = await adminCertOf(kube, target.namespace, pod);
  if (certPem) {
    let servername: string | undefined;
    try {
      const cert = new X509Certificate(certPem);
      servername =
        cert.subjectAltName
          ?.split(', ')
          .find(n => n.startsWith('DNS:'))
          ?.slice(4) ?? /CN=([^\n,]+)/.exec(cert.subject)?.[1];
    } catch {
      servername = undefined;
    }
    if (servername)
      return {
        url,
        tls: {ca: certPem, servername},
        note: `TLS to the admin listener ${listener.port} verified against its own certificate (${servername})`,
        close: () => handle.close(),
      };
  }
  return {
    url,
    tls: {insecure: true},
    note: `The admin listener ${listener.port} serves Kong's self-generated certificate (no KONG_ADMIN_SSL_CERT from a secret), which nothing can verify; it is reached only through the port-forward to ${pod.metadata.name}, which the Kubernetes API authenticates`,
    close: () => handle.close(),
  };
}
