// Where a Kong connection really goes: the steps hand in ctx.ports.net.route so the demo world can map
// simulated load balancers, Admin API and node addresses to loopback. Without a route, connect as told.
import {NetRouteError, type Net} from '../ports.js';

export type Route = Net['route'];

export {NetRouteError};

/** host:port to connect to; throws NetRouteError when the world has no path there. */
export function routeTo(route: Route | undefined, host: string, port: number): {host: string; port: number} {
  return route ? route(host, port) : {host, port};
}

/** Default port of an http(s) URL, as URL leaves port empty for it. */
export function urlPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * Request options for an http(s) URL through a route: connect to the routed address while the Host
 * header and the TLS server name stay those of the URL.
 */
export function routedRequestTarget(
  url: URL,
  route: Route | undefined,
): {hostname: string; port: number; path: string; headers: Record<string, string>; servername?: string} {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const dest = routeTo(route, hostname, urlPort(url));
  return {
    hostname: dest.host,
    port: dest.port,
    path: `${url.pathname}${url.search}`,
    headers: {host: url.host},
    ...(url.protocol === 'https:' && !/^[\d.]+$|:/.test(hostname) ? {servername: hostname} : {}),
  };
}
