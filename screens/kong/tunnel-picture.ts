// The picture of the hybrid topology: the control plane in AWS, the data plane on bare metal, and the
// two tunnels the data plane opens (cluster 8005, telemetry 8006) with a live mark each.
import {cut} from '../cluster/autoplay.js';

export type Mark = '✔' | '✖' | '…';

export interface TopologyModel {
  cp: string;
  cpDetail: string;
  dp: string;
  dpDetail: string;
  cluster: Mark;
  telemetry: Mark;
}

const box = (text: string, w: number) => `[${cut(text, w - 2).padEnd(w - 2)}]`;

/** Four lines, each at most width characters. */
export function topologyLines(m: TopologyModel, width: number): string[] {
  const side = Math.max(10, Math.min(22, Math.floor((width - 21) / 2)));
  const mid = Math.max(6, width - 2 * side - 2);
  const tunnel = (port: number, name: string, mark: Mark) => {
    const label = ` ${port} ${name} ${mark} `;
    const text =
      mid >= label.length + 2
        ? `◀─${label}${'─'.repeat(mid - label.length - 2)}`
        : `◀${` ${port} ${mark} `.padEnd(mid - 1, '─')}`;
    return ` ${cut(text, mid)} `;
  };
  const head = `${'AWS · EKS'.padEnd(side + mid + 2)}bare metal`;
  return [
    cut(head, width),
    cut(`${box(m.cp, side)}${tunnel(8005, 'cluster', m.cluster)}${box(m.dp, side)}`, width),
    cut(`${box(m.cpDetail, side)}${tunnel(8006, 'telemetry', m.telemetry)}${box(m.dpDetail, side)}`, width),
  ];
}
