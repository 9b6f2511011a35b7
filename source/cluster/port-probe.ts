// Is a port free for the Tinkerbell stack? TCP is dialled as eksctl dials it: aws/eks-anywhere
// pkg/networkutils IsPortInUse connects with a 500 ms timeout and calls the port in use when the
// connection is accepted. Dialling needs no privileges, so a busy port 80 is seen as any user.
// UDP has no connection to make: we try to bind, as Smee will, and release at once; below 1024
// that needs root, and then we say we cannot tell.
import {connect} from 'node:net';
import {createSocket} from 'node:dgram';
import {NetRouteError, type Net} from '../ports.js';

export type PortState = 'free' | 'in-use' | 'no-permission' | 'error';
export type Protocol = 'tcp' | 'udp';

export interface PortProber {
  probe(host: string, port: number, protocol: Protocol): Promise<PortState>;
}

/** eksctl's dial timeout (networkutils.IsPortInUse). */
const DIAL_TIMEOUT_MS = 500;

/**
 * A connection means a listener (eksctl: in use); a reset (ECONNREFUSED) means none. Anything else we
 * cannot judge. A specific address is dialled from itself, so the dial never leaves this host: an
 * address this host does not hold fails (EADDRNOTAVAIL) instead of asking another machine.
 */
export function dialTcp(host: string, port: number, timeoutMs = DIAL_TIMEOUT_MS): Promise<PortState> {
  return new Promise(resolve => {
    const socket = connect({host, port, ...(host === '0.0.0.0' ? {} : {localAddress: host})});
    const done = (state: PortState) => {
      socket.destroy();
      resolve(state);
    };
    socket.setTimeout(timeoutMs, () => done('error'));
    socket.once('connect', () => done('in-use'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'free' : 'error'));
  });
}

function classifyBind(error: NodeJS.ErrnoException): PortState {
  if (error.code === 'EADDRINUSE') return 'in-use';
  // Ports below 1024 need root (or a lowered ip_unprivileged_port_start): we cannot tell.
  if (error.code === 'EACCES' || error.code === 'EPERM') return 'no-permission';
  return 'error';
}

function bindUdp(host: string, port: number): Promise<PortState> {
  return new Promise(resolve => {
    const socket = createSocket({type: 'udp4', reuseAddr: false});
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(classifyBind(error));
    });
    socket.bind({address: host, port, exclusive: true}, () => socket.close(() => resolve('free')));
  });
}

export const realPortProber: PortProber = {
  probe: (host, port, protocol) => (protocol === 'tcp' ? dialTcp(host, port) : bindUdp(host, port)),
};

/**
 * Probes where the network port routes the address: the real world's Net routes every address to
 * itself, so this is the plain probe; the demo's routes the simulated admin server's listeners to the
 * parts that play them and refuses every other address, which for the admin server means nobody holds
 * that port (a dial is refused, a bind would succeed). So a demo never probes this machine's ports.
 */
export function routedPortProber(net: Net, prober: PortProber = realPortProber): PortProber {
  return {
    async probe(host, port, protocol) {
      let to: {host: string; port: number};
      try {
        to = net.route(host, port);
      } catch (error) {
        if (error instanceof NetRouteError) return 'free';
        throw error;
      }
      return prober.probe(to.host, to.port, protocol);
    },
  };
}
