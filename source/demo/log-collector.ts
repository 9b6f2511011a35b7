// A loopback HTTP log collector for the demo and tests: where the simulated data plane's http-log
// plugin delivers Kong's log entries, so the demo can show that an entry arrived. It keeps the JSON
// bodies it was sent (the last 100) and answers 201 as an OpenSearch `_doc` index call does.
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';

export interface LogCollector {
  url: string;
  port: number;
  /** The entries received, oldest first; a body that is not JSON is kept as {unparsed: text}. */
  entries: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

const KEEP = 100;

export async function startLogCollector(options: {onEntry?: (e: Record<string, unknown>) => void} = {}) {
  const entries: Array<Record<string, unknown>> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1024 * 1024) chunks.push(c);
    });
    req.on('end', () => {
      if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') {
        res.writeHead(405, {allow: 'POST, PUT, PATCH'}).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(text) as Record<string, unknown>;
      } catch {
        entry = {unparsed: text};
      }
      entries.push(entry);
      if (entries.length > KEEP) entries.shift();
      options.onEntry?.(entry);
      res.writeHead(201, {'content-type': 'application/json'}).end(JSON.stringify({result: 'created'}));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const collector: LogCollector = {
    url: `http://127.0.0.1:${port}`,
    port,
    entries,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return collector;
}
