// The simulated admin server's process table: its daemons (the ones its `ss -lntup` stand-in shows
// listening) and the stand-ins this demo started, which are real processes on this machine (a
// stand-in eksctl outlives a killed wizard, and resume must find it). Nothing else of this machine:
// its DHCP server, if any, is not the simulated server's.
import {dirname, resolve} from 'node:path';
import {procProcessLister, type ProcessInfo, type ProcessLister} from '../cluster/processes.js';

/** Same pids and names as templates/transcripts/ss-lntup.txt. */
const DAEMONS: readonly ProcessInfo[] = [
  {pid: 1, argv: ['/sbin/init']},
  {pid: 612, argv: ['/lib/systemd/systemd-resolved']},
  {pid: 701, argv: ['/usr/sbin/chronyd', '-F', '1']},
  {pid: 905, argv: ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups']},
  {pid: 1130, argv: ['/usr/bin/dockerd', '-H', 'fd://', '--containerd=/run/containerd/containerd.sock']},
];

export function demoProcessLister(binDir: string, machine: ProcessLister = procProcessLister()): ProcessLister {
  const bin = resolve(binDir);
  // A stand-in runs as `node <binDir>/<tool> …` (its shim's interpreter) or as `<binDir>/<tool> …`.
  const isStandin = (p: ProcessInfo) => p.argv.slice(0, 2).some(a => a.includes('/') && dirname(resolve(a)) === bin);
  return {
    async list() {
      return [...DAEMONS, ...(await machine.list()).filter(isStandin)];
    },
  };
}
