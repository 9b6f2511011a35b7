// Serves one of the real Redfish trees of ../shared/fixtures/redfish with ../shared/tools/redfish-mockup-server.mjs
// (loopback HTTPS, self-signed test certificate), as a BMC would. Tests skip when shared/ is absent.
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const TREES_DIR = join(shared, 'fixtures/redfish');
const SERVER = join(shared, 'tools/redfish-mockup-server.mjs');

/** Why the real trees cannot be used here, or null. */
export function realTreesMissing(): string | null {
  return existsSync(SERVER) && existsSync(TREES_DIR)
    ? null
    : 'needs ../shared/fixtures/redfish and ../shared/tools (not beside this clone)';
}

export function realTreeNames(): string[] {
  return existsSync(TREES_DIR)
    ? readdirSync(TREES_DIR)
        .filter(f => f.endsWith('.json'))
        .map(f => f.slice(0, -5))
        .sort()
    : [];
}

export interface MockupBmc {
  key: string;
  port: number;
  /** Request lines of the access log ("GET /path 200"). */
  requests(): string[];
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startMockup(tree: string, opts: {latencyMs?: number} = {}): Promise<MockupBmc> {
  const port = await freePort();
  const log = join(mkdtempSync(join(tmpdir(), 'rf-mockup-')), 'access.log');
  const child: ChildProcess = spawn(process.execPath, [SERVER, join(TREES_DIR, `${tree}.json`), String(port), log], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      MAX_LIFE_MS: '300000',
      ...(opts.latencyMs ? {LATENCY_MS: String(opts.latencyMs)} : {}),
    },
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`mockup server for ${tree} did not start`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', code => reject(new Error(`mockup server exited (${code})`)));
  });
  return {
    key: `127.0.0.1:${port}`,
    port,
    requests: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    close: () =>
      new Promise<void>(resolve => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
