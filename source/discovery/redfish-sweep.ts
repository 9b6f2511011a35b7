// Probes many BMCs at once: bounded concurrency, a per-request budget, one AbortSignal for all.
import {probeRedfish, type RedfishCredentials, type RedfishResult} from './redfish-client.js';
import type {RouteFn} from './redfish-http.js';
import {expandTargets, DEFAULT_MAX_TARGETS, type BmcTarget} from './targets.js';

export interface RedfishSweepOptions {
  /** Addresses, host:port, https URLs or IPv4 CIDR ranges. */
  targets: readonly string[];
  credentials: RedfishCredentials;
  /** Remembered certificate fingerprints by target key (the session's trust map). */
  trust?: Readonly<Record<string, string>>;
  insecure?: boolean;
  /** Default 8. */
  concurrency?: number;
  /** Per request to a BMC (the whole inventory has its own deadline), default 15 s. */
  timeoutMs?: number;
  maxTargets?: number;
  /** The Net port's route for every BMC connection. */
  route?: RouteFn;
  signal?: AbortSignal;
  /** Called as each host finishes, for live screens. */
  onResult?: (result: RedfishResult) => void;
}

export type RedfishSweepResult = {ok: true; results: RedfishResult[]} | {ok: false; error: string};

export async function sweepRedfish(options: RedfishSweepOptions): Promise<RedfishSweepResult> {
  const expanded = expandTargets(options.targets, options.maxTargets ?? DEFAULT_MAX_TARGETS);
  if (!expanded.ok) return expanded;
  const queue: BmcTarget[] = [...expanded.targets];
  const results: RedfishResult[] = [];
  const limit = Math.max(1, Math.min(options.concurrency ?? 8, 64));

  const worker = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      if (options.signal?.aborted) return;
      const fingerprint = options.trust?.[t.key];
      const result = await probeRedfish(t, {
        credentials: options.credentials,
        tls: {...(fingerprint ? {fingerprint} : {}), ...(options.insecure ? {insecure: true} : {})},
        ...(options.signal ? {signal: options.signal} : {}),
        ...(options.timeoutMs ? {timeoutMs: options.timeoutMs} : {}),
        ...(options.route ? {route: options.route} : {}),
      });
      results.push(result);
      try {
        options.onResult?.(result);
      } catch {
        // a faulty screen callback must not stop the sweep
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(limit, queue.length)}, worker));
  // Keep the order the admin typed, not completion order.
  const order = new Map(expanded.targets.map((t, i) => [t.key, i]));
  results.sort((a, b) => order.get(a.target.key)! - order.get(b.target.key)!);
  return {ok: true, results};
}
