// The rows of the Discover screen's source settings: each is a switch, a text value, or both.
import type {DiscoverySettings} from '../../discovery/plan.js';

export interface SourceRow {
  id: string;
  label: string;
  /** The switch of the row, when it has one. */
  toggle?: (s: DiscoverySettings) => DiscoverySettings;
  on?: (s: DiscoverySettings) => boolean;
  /** The text value of the row, when it has one. */
  text?: (s: DiscoverySettings, password: string) => string;
  set?: (s: DiscoverySettings, value: string) => DiscoverySettings;
  mask?: boolean;
  placeholder?: string;
  /** Shown only while this is true (sub-settings of a switched-off source are hidden). */
  visible?: (s: DiscoverySettings) => boolean;
}

export function sourceRows(iface: string | undefined): SourceRow[] {
  return [
    {
      id: 'pxe',
      label: 'PXE listener, UDP port',
      on: s => s.pxe.enabled && !s.pxe.capture,
      toggle: s => ({...s, pxe: {...s.pxe, enabled: !(s.pxe.enabled && !s.pxe.capture), capture: false}}),
      text: s => String(s.pxe.port),
      set: (s, v) => ({...s, pxe: {...s.pxe, port: /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN}}),
    },
    {
      id: 'capture',
      label: `PXE capture (tcpdump${iface ? ` on ${iface}` : ''})`,
      on: s => s.pxe.enabled && s.pxe.capture,
      toggle: s => ({
        ...s,
        pxe: {...s.pxe, enabled: !(s.pxe.enabled && s.pxe.capture), capture: !(s.pxe.enabled && s.pxe.capture)},
      }),
    },
    {
      id: 'redfish',
      label: 'Redfish sweep, BMCs',
      on: s => s.redfish.enabled,
      toggle: s => ({...s, redfish: {...s.redfish, enabled: !s.redfish.enabled}}),
      text: s => s.redfish.targets,
      set: (s, v) => ({...s, redfish: {...s.redfish, targets: v, enabled: v.trim() !== '' || s.redfish.enabled}}),
      placeholder: 'addresses or a range, e.g. 10.20.1.0/24',
    },
    {
      id: 'username',
      label: '  BMC username',
      text: s => s.redfish.username,
      set: (s, v) => ({...s, redfish: {...s.redfish, username: v.trim()}}),
      visible: s => s.redfish.enabled,
    },
    {id: 'password', label: '  BMC password', text: (_s, p) => p, mask: true, visible: s => s.redfish.enabled},
    {
      id: 'insecure',
      label: '  skip TLS verification',
      on: s => s.redfish.insecure,
      toggle: s => ({...s, redfish: {...s.redfish, insecure: !s.redfish.insecure}}),
      visible: s => s.redfish.enabled,
    },
    {
      id: 'neighbours',
      label: 'Neighbour table (ip neigh)',
      on: s => s.neighbours,
      toggle: s => ({...s, neighbours: !s.neighbours}),
    },
    {
      id: 'import',
      label: 'Import hardware.csv',
      on: s => s.importCsv.enabled,
      toggle: s => ({...s, importCsv: {...s.importCsv, enabled: !s.importCsv.enabled}}),
      text: s => s.importCsv.path,
      set: (s, v) => ({...s, importCsv: {enabled: v.trim() !== '' || s.importCsv.enabled, path: v.trim()}}),
      placeholder: 'path of an existing hardware.csv',
    },
  ];
}
