// host:port of the control plane's cluster (8005) and telemetry (8006) listeners, as Kong wants them in
// cluster_control_plane / cluster_telemetry_endpoint: no scheme, no path.
import ipaddr from 'ipaddr.js';

export interface Endpoint {
  host: string;
  port: number;
}

export type EndpointParse =
  {ok: true; endpoint: Endpoint; value: string; note?: string} | {ok: false; message: string; fix: string};

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

export function isValidHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  return host
    .replace(/\.$/, '')
    .split('.')
    .every(label => LABEL.test(label));
}

/** Formats an endpoint as Kong reads it (IPv6 in brackets). */
export function formatEndpoint(endpoint: Endpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${host}:${endpoint.port}`;
}

/**
 * Parses what the admin typed. A scheme (https://, wss://, tcp://) is stripped with a note because the DP
 * fails on it with a DNS error; a path is refused. Without a port, defaultPort is used.
 */
export function parseEndpoint(input: string, defaultPort?: number): EndpointParse {
  let text = input.trim();
  let note: string | undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) {
    text = text.slice(scheme[0].length);
    note = `Removed "${scheme[0]}": Kong expects host:port without a scheme.`;
  }
  if (text.endsWith('/')) text = text.slice(0, -1);
  if (text.includes('/')) {
    return {
      ok: false,
      message: `"${input}" has a path; the cluster endpoint is host:port only.`,
      fix: 'Type it as host:port, e.g. cp.example.com:8005.',
    };
  }
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length > 1) {
    host = text; // bare IPv6 without port
  } else {
    const i = text.lastIndexOf(':');
    host = i >= 0 ? text.slice(0, i) : text;
    portText = i >= 0 ? text.slice(i + 1) : undefined;
  }
  if (host === '')
    return {ok: false, message: `"${input}" has no host.`, fix: 'Type it as host:port, e.g. cp.example.com:8005.'};
  const isIp = ipaddr.isValid(host);
  if (!isIp && !isValidHostname(host)) {
    return {
      ok: false,
      message: `"${host}" is neither an IP address nor a valid DNS name.`,
      fix: 'Copy the load balancer hostname from the control plane Service (EXTERNAL-IP column of kubectl get svc).',
    };
  }
  if (/^[\d.]+$/.test(host) && !ipaddr.IPv4.isValidFourPartDecimal(host)) {
    return {ok: false, message: `"${host}" is not a valid IPv4 address.`, fix: 'Check the address.'};
  }
  let port: number;
  if (portText === undefined || portText === '') {
    if (defaultPort === undefined)
      return {
        ok: false,
        message: `"${input}" has no port.`,
        fix: 'Add the port: :8005 for the cluster listener, :8006 for telemetry.',
      };
    port = defaultPort;
  } else {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      return {
        ok: false,
        message: `"${portText}" is not a TCP port.`,
        fix: 'Use a port between 1 and 65535 (normally 8005 and 8006).',
      };
    }
    port = Number(portText);
  }
  const endpoint = {host: host.toLowerCase(), port};
  return {ok: true, endpoint, value: formatEndpoint(endpoint), ...(note ? {note} : {})};
}
