// Child process for namespace tests: runs the PXE listener where `ip netns exec` put it and prints
// {"ready":true}, then one JSON line per DHCP request (parsed packet plus the raw bytes in hex).
import {startPxeListener} from '../../source/discovery/pxe-listener.js';
import {parseDhcp} from '../../source/discovery/dhcp-packet.js';
import dgram from 'node:dgram';

const port = Number(process.argv[2] ?? 67);
const r = await startPxeListener({port});
if (!r.ok) {
  console.log(JSON.stringify({error: r.error}));
  process.exit(1);
}
// A second raw socket (reuseAddr as well) keeps the bytes for fixtures; it also proves two holders coexist.
const raw = dgram.createSocket({type: 'udp4', reuseAddr: true});
const rawByXid = new Map<number, string>();
raw.on('message', msg => {
  const p = parseDhcp(msg);
  if (p.ok) rawByXid.set(p.packet.xid, msg.toString('hex'));
});
raw.bind(port, '0.0.0.0', () => {
  r.listener.subscribe(e => {
    setTimeout(() => {
      const {options: _o, ...packet} = e.packet;
      console.log(JSON.stringify({from: e.from, packet, raw: rawByXid.get(e.packet.xid) ?? null}));
    }, 20);
  });
  console.log(JSON.stringify({ready: true}));
});
process.on('SIGTERM', () => {
  raw.close();
  void r.listener.close().then(() => process.exit(0));
});
setTimeout(() => process.exit(0), 60_000).unref();
