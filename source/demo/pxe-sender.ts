// Demo world: plays PXE ROMs by sending DISCOVERs to the wizard's listener over loopback (unicast, so
// no broadcast route or privileged port is needed).
import dgram from 'node:dgram';
import {buildDiscover, pxeVendorClass, type DiscoverSpec} from '../discovery/dhcp-build.js';

export interface SendOptions {
  host?: string;
  port: number;
}

/** A DISCOVER as a UEFI x64 PXE ROM sends it, for the given MAC and (optional) SMBIOS UUID. */
export function pxeRomDiscover(mac: string, uuid?: string, arch = 7): DiscoverSpec {
  const spec: DiscoverSpec = {mac, vendorClass: pxeVendorClass(arch), arch, nii: [1, 3, 16]};
  if (uuid) spec.uuid = uuid;
  return spec;
}

export function sendDiscover(spec: DiscoverSpec, options: SendOptions): Promise<void> {
  const socket = dgram.createSocket('udp4');
  const bytes = buildDiscover(spec);
  return new Promise((resolve, reject) => {
    socket.send(bytes, options.port, options.host ?? '127.0.0.1', error => {
      socket.close();
      if (error) reject(error);
      else resolve();
    });
  });
}
