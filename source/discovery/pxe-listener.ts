// Listens for PXE DHCP requests on UDP :67 and never answers (Smee does). SO_REUSEADDR lets it share
// the port with Smee when Smee sets it too; otherwise the capture mode (pxe-capture.ts) is the way.
import dgram from 'node:dgram';
import {networkInterfaces} from 'node:os';
import {PxeHub, type PxeEventSource, type PxeListener, type PxeStats} from './pxe-events.js';

export interface PxeListenerOptions {
  /** Default 67. */
  port?: number;
  /** Default 0.0.0.0 (broadcast DISCOVERs only reach a socket bound to the wildcard address). */
  address?: string;
  /**
   * The provisioning interface. Node cannot bind a UDP socket to a device (no SO_BINDTODEVICE), so this
   * only checks the interface exists and adds a warning; use the capture mode to restrict to it.
   */
  interface?: string;
  now?: () => number;
  signal?: AbortSignal;
}

export interface RunningPxeListener extends PxeEventSource {
  readonly port: number;
  readonly address: string;
  readonly stats: PxeStats;
  readonly warnings: string[];
  close(): Promise<void>;
}

export type PxeListenResult = {ok: true; listener: RunningPxeListener} | {ok: false; code: string; error: string};

/** Turns a bind error into what the admin should do about it. */
export function explainBindError(code: string, address: string, port: number): string {
  const where = `UDP ${address}:${port}`;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `Cannot listen on ${where}: permission denied. Ports below 1024 need root or CAP_NET_BIND_SERVICE: run the wizard with sudo, or grant the capability to node (setcap cap_net_bind_service=+ep on the node binary), or use passive capture (tcpdump) instead.`;
    case 'EADDRINUSE':
      return `Cannot listen on ${where}: another process holds the port without SO_REUSEADDR (a DHCP server such as dnsmasq, or a Smee container). Stop it while discovering, or use passive capture (tcpdump), which does not bind the port.`;
    case 'EADDRNOTAVAIL':
      return `Cannot listen on ${where}: ${address} is not an address of this machine. Use 0.0.0.0 or an address of the provisioning interface.`;
    default:
      return `Cannot listen on ${where}: ${code}.`;
  }
}

export function startPxeListener(options: PxeListenerOptions = {}): Promise<PxeListenResult> {
  const port = options.port ?? 67;
  const address = options.address ?? '0.0.0.0';
  const now = options.now ?? Date.now;
  const warnings: string[] = [];
  if (options.interface !== undefined) {
    if (!(options.interface in networkInterfaces())) {
      return Promise.resolve({
        ok: false,
        code: 'ENODEV',
        error: `No network interface named ${options.interface} on this machine.`,
      });
    }
    warnings.push(
      `The listener sees DHCP requests from every interface, not only ${options.interface}; use passive capture to restrict to it.`,
    );
  }
  const hub = new PxeHub();
  const socket = dgram.createSocket({type: 'udp4', reuseAddr: true});

  return new Promise(resolve => {
    let bound = false;
    const close = () =>
      new Promise<void>(done => {
        options.signal?.removeEventListener('abort', onAbort);
        try {
          socket.close(() => done());
        } catch {
          done(); // already closed
        }
      });
    const onAbort = () => void close();

    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!bound) {
        const code = error.code ?? 'EUNKNOWN';
        try {
          socket.close();
        } catch {
          // never bound
        }
        resolve({ok: false, code, error: explainBindError(code, address, port)});
      }
      // After binding, receive errors are transient (ICMP feedback); the socket stays usable.
    });
    socket.on('message', (msg, rinfo) => {
      hub.handle(msg, {at: now(), from: `${rinfo.address}:${rinfo.port}`, via: 'socket'});
    });
    socket.bind({port, address, exclusive: false}, () => {
      bound = true;
      try {
        socket.setBroadcast(true);
      } catch {
        // only matters for sending
      }
      const listener: RunningPxeListener = {
        port: socket.address().port,
        address,
        stats: hub.stats,
        warnings,
        subscribe: (l: PxeListener) => hub.subscribe(l),
        close,
      };
      if (options.signal?.aborted) void close();
      else options.signal?.addEventListener('abort', onAbort, {once: true});
      resolve({ok: true, listener});
    });
  });
}
