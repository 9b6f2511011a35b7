// Network namespaces for discovery integration tests: a server namespace and a node namespace joined by
// a veth pair, unique names per test run, always deleted by cleanup().
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], {stdio: 'ignore'}).status === 0;
}

/** Why a namespace test cannot run here, or undefined when it can. */
export function netnsSkipReason(...tools: string[]): string | undefined {
  if (!isRoot()) return 'needs root to create network namespaces';
  if (!hasTool('ip')) return 'needs ip (Debian package iproute2)';
  for (const t of tools) if (!hasTool(t)) return `needs ${t}`;
  const probe = `dscprobe${process.pid}`;
  if (spawnSync('ip', ['netns', 'add', probe]).status !== 0) return 'cannot create network namespaces here';
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, {encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

let counter = 0;

export interface NetnsPair {
  srv: string;
  node: string;
  srvIf: string;
  nodeIf: string;
  srvIp: string;
  cleanup(): void;
}

/** srv (10.99.x.1/24) <-veth-> node (no address, given MAC): the layout of discovery.md section 3. */
export function createNetnsPair(nodeMac: string): NetnsPair {
  counter += 1;
  const id = `${process.pid % 100000}${counter}`;
  const srv = `dsc-srv-${id}`;
  const node = `dsc-node-${id}`;
  const srvIf = `vs${id}`.slice(0, 15);
  const nodeIf = `vn${id}`.slice(0, 15);
  const srvIp = `10.99.${counter % 250}.1`;
  const cleanup = () => {
    for (const ns of [srv, node]) spawnSync('ip', ['netns', 'del', ns], {stdio: 'ignore'});
  };
  try {
    ip('netns', 'add', srv);
    ip('netns', 'add', node);
    ip('link', 'add', srvIf, 'type', 'veth', 'peer', 'name', nodeIf);
    ip('link', 'set', srvIf, 'netns', srv);
    ip('link', 'set', nodeIf, 'netns', node);
    ip('-n', srv, 'addr', 'add', `${srvIp}/24`, 'dev', srvIf);
    ip('-n', srv, 'link', 'set', srvIf, 'up');
    ip('-n', srv, 'link', 'set', 'lo', 'up');
    ip('-n', node, 'link', 'set', nodeIf, 'address', nodeMac);
    ip('-n', node, 'link', 'set', nodeIf, 'up');
    ip('-n', node, 'link', 'set', 'lo', 'up');
  } catch (error) {
    cleanup();
    throw error;
  }
  return {srv, node, srvIf, nodeIf, srvIp, cleanup};
}

/** Runs a command in a namespace, bounded; resolves with its exit code and output. */
export function runIn(ns: string, args: string[], timeoutMs: number): Promise<{code: number | null; out: string}> {
  const child = spawn('ip', ['netns', 'exec', ns, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
  let out = '';
  child.stdout.on('data', d => (out += d));
  child.stderr.on('data', d => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise(resolve =>
    child.on('close', code => {
      clearTimeout(timer);
      resolve({code, out});
    }),
  );
}

/** Starts the PXE listener in a namespace (test/helpers/discovery-listen-child.ts), one JSON line per event. */
export async function startListenerIn(
  ns: string,
  port: number,
): Promise<{child: ChildProcess; events: Array<Record<string, unknown>>; stop(): void}> {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, '--import', 'tsx', 'test/helpers/discovery-listen-child.ts', String(port)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const events: Array<Record<string, unknown>> = [];
  const lines = createInterface({input: child.stdout!});
  let ready: () => void;
  let failed: (e: Error) => void;
  const started = new Promise<void>((res, rej) => {
    ready = res;
    failed = rej;
  });
  let err = '';
  child.stderr!.on('data', d => (err += d));
  lines.on('line', line => {
    const msg = JSON.parse(line) as Record<string, unknown>;
    if (msg.ready) ready();
    else if (msg.error) failed(new Error(String(msg.error)));
    else events.push(msg);
  });
  child.on('exit', () => failed(new Error(`listener exited: ${err.slice(-300)}`)));
  const timer = setTimeout(() => failed(new Error('listener did not start in 15 s')), 15_000);
  try {
    await started;
  } finally {
    clearTimeout(timer);
  }
  return {child, events, stop: () => child.kill('SIGTERM')};
}

export async function waitFor<T>(get: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined || Date.now() > end) return v;
    await new Promise(r => setTimeout(r, 50));
  }
}

export {once};
