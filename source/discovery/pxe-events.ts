// What the PXE listener and the passive capture report: DHCP requests from clients, parsed.
import {parseDhcp, type DhcpPacket} from './dhcp-packet.js';

export interface PxeEvent {
  /** When it was seen, ms since the epoch. */
  at: number;
  /** Sender as ip:port (0.0.0.0:68 for a client without an address). */
  from: string;
  via: 'socket' | 'capture';
  /** The capture interface (capture mode only: a UDP socket cannot tell the ingress interface). */
  iface?: string;
  /** Ethernet source (capture mode), which may differ from chaddr behind a relay. */
  srcMac?: string;
  packet: DhcpPacket;
}

export type PxeListener = (event: PxeEvent) => void;

export interface PxeEventSource {
  subscribe(listener: PxeListener): () => void;
}

export interface PxeStats {
  /** Client requests (DISCOVER/REQUEST) passed on to subscribers. */
  requests: number;
  /** Parsed packets that are not client requests (servers' replies, INFORM, RELEASE...). */
  ignored: number;
  /** Datagrams that did not parse; the last reason is kept for the screen. */
  invalid: number;
  lastInvalid?: string;
}

/** Fan-out shared by the socket listener and the capture: parse, keep requests, count the rest. */
export class PxeHub implements PxeEventSource {
  readonly stats: PxeStats = {requests: 0, ignored: 0, invalid: 0};
  private readonly listeners = new Set<PxeListener>();

  subscribe(listener: PxeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  handle(bytes: Uint8Array, meta: Omit<PxeEvent, 'packet'>): void {
    const result = parseDhcp(bytes);
    if (!result.ok) {
      this.stats.invalid += 1;
      this.stats.lastInvalid = result.error;
      return;
    }
    const p = result.packet;
    if (p.op !== 1 || (p.messageType !== 'DISCOVER' && p.messageType !== 'REQUEST')) {
      this.stats.ignored += 1;
      return;
    }
    this.stats.requests += 1;
    const event: PxeEvent = {...meta, packet: p};
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A faulty subscriber must not stop the others or the socket.
      }
    }
  }
}

/** Resolves with the next client request matching `accept` seen after the call, or null on timeout/abort. */
export function nextPxeEvent(
  source: PxeEventSource,
  options: {timeoutMs: number; signal?: AbortSignal; accept?: (e: PxeEvent) => boolean},
): Promise<PxeEvent | null> {
  return new Promise(resolve => {
    if (options.signal?.aborted) {
      resolve(null);
      return;
    }
    const finish = (e: PxeEvent | null) => {
      clearTimeout(timer);
      unsubscribe();
      options.signal?.removeEventListener('abort', onAbort);
      resolve(e);
    };
    const onAbort = () => finish(null);
    const unsubscribe = source.subscribe(e => {
      if (!options.accept || options.accept(e)) finish(e);
    });
    const timer = setTimeout(() => finish(null), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, {once: true});
  });
}
