// Running processes, for the DHCP-conflict preflight and for spotting an orphaned eksctl on resume.
import {readdir, readFile, readlink} from 'node:fs/promises';
import {basename} from 'node:path';

export interface ProcessInfo {
  pid: number;
  argv: string[];
  /** Working directory when readable (our own processes; others need root). */
  cwd?: string;
}

export interface ProcessLister {
  list(): Promise<ProcessInfo[]>;
}

/** Linux: /proc/<pid>/cmdline holds argv separated by NUL bytes. */
export function procProcessLister(procRoot = '/proc'): ProcessLister {
  return {
    async list() {
      const out: ProcessInfo[] = [];
      let entries: string[];
      try {
        entries = await readdir(procRoot);
      } catch {
        return out;
      }
      for (const entry of entries) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const raw = await readFile(`${procRoot}/${entry}/cmdline`, 'utf8');
          const argv = raw.split('\0').filter(a => a !== '');
          if (argv.length === 0) continue; // kernel threads
          const info: ProcessInfo = {pid: Number(entry), argv};
          try {
            info.cwd = await readlink(`${procRoot}/${entry}/cwd`);
          } catch {
            // another user's process: cwd is unreadable, which is fine
          }
          out.push(info);
        } catch {
          // the process exited while we listed
        }
      }
      return out;
    },
  };
}

/** The ports' process table, or this machine's when none is wired. */
export function processesOf(ports: {processes?: ProcessLister}): ProcessLister {
  return ports.processes ?? procProcessLister();
}

export function programName(p: ProcessInfo): string {
  return basename(p.argv[0] ?? '');
}
