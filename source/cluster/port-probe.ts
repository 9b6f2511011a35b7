// Is a port free for the Tinkerbell stack? We try to bind it, as the stack will, and release it at once.
import {createServer} from 'node:net';
import {createSocket} from 'node:dgram';

export type PortState = 'free' | 'in-use' | 'no-permission' | 'error';
export type Protocol = 'tcp' | 'udp';

export interface PortProber {
  probe(host: string, port: number, protocol: Protocol): Promise<PortState>;
}

function classify(error: NodeJS.ErrnoException): PortState {
  if (error.code === 'EADDRINUSE') return 'in-use';
  // Ports below 1024 need root (or a lowered ip_unprivileged_port_start): we cannot tell.
  if (error.code === 'EACCES' || error.code === 'EPERM') return 'no-permission';
  return 'error';
}

function probeTcp(host: string, port: number): Promise<PortState> {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(classify(error)));
    server.listen({host, port, exclusive: true}, () => server.close(() => resolve('free')));
  });
}

function probeUdp(host: string, port: number): Promise<PortState> {
  return new Promise(resolve => {
    const socket = createSocket({type: 'udp4', reuseAddr: false});
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(classify(error));
    });
    socket.bind({address: host, port, exclusive: true}, () => socket.close(() => resolve('free')));
  });
}

export const bindPortProber: PortProber = {
  probe: (host, port, protocol) => (protocol === 'tcp' ? probeTcp(host, port) : probeUdp(host, port)),
};
