// Dry run of the existing-cluster flow: answers with cluster.existing and no machines, `--dry-run
// --non-interactive`. Every step it reaches records its commands (each aimed at the chosen context),
// the runbook prints them, and nothing is touched: no connection, no datagram, the kubeconfig and
// everything outside the session folder unchanged.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import net from 'node:net';
import dgram from 'node:dgram';
import {runCli, tempHome} from '../helpers/cli.js';
import {STEP_IDS} from '../../source/wizard/step-ids.js';

const KONG_ADMIN_TOKEN = 'kpat_existing_dry_run_5151';

function trapNetwork(): {attempts: string[]; restore(): void} {
  const attempts: string[] = [];
  const connect = net.Socket.prototype.connect;
  const send = dgram.Socket.prototype.send;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    attempts.push(`tcp ${JSON.stringify(args[0])}`);
    throw new Error('network is off in this test');
  } as typeof connect;
  dgram.Socket.prototype.send = function (...args: unknown[]) {
    attempts.push(`udp ${String(args[args.length - 2] ?? '')}`);
    throw new Error('network is off in this test');
  } as typeof send;
  return {
    attempts,
    restore() {
      net.Socket.prototype.connect = connect;
      dgram.Socket.prototype.send = send;
    },
  };
}

/** Every file under dir with its size and mtime, except the given folder. */
function tree(dir: string, except: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      const p = join(d, e.name);
      if (p === except) continue;
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out.set(relative(dir, p), `${s.size}:${s.mtimeMs}:${s.mode}`);
      }
    }
  };
  walk(dir);
  return out;
}

test(
  'dry run of the existing-cluster flow: every command recorded (with the chosen context) in the runbook, nothing touched',
  {timeout: 60_000},
  async () => {
    const dir = tempHome('eksa-kong-existing-dry-');
    const kubeconfig = join(dir, 'vsphere.kubeconfig');
    // Two contexts: the current one is NOT the cluster the data plane goes onto.
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: other, cluster: {server: "https://10.99.0.9:6443"}}, {name: vs, cluster: {server: "https://10.99.0.1:6443"}}]',
        'users: [{name: u, user: {token: abc}}]',
        'contexts: [{name: other, context: {cluster: other, user: u}}, {name: vs1, context: {cluster: vs, user: u}}]',
        'current-context: other',
      ].join('\n') + '\n',
      {mode: 0o600},
    );
    const answers = join(dir, 'dp2.yaml');
    writeFileSync(
      answers,
      [
        'session: dp2',
        `cluster: {existing: {kubeconfig: ${kubeconfig}, context: vs1}}`,
        'controlPlane:',
        `  kubeconfig: ${kubeconfig}`,
        '  context: other',
        '  adminUrl: "https://cp-admin.example.com:8444"',
        '  adminTokenEnv: KONG_ADMIN_TOKEN',
        '  clusterEndpoint: kong-cp-cluster.example.com:8005',
        '  telemetryEndpoint: kong-cp-telemetry.example.com:8006',
        '  version: "3.9.1.2"',
        'dataPlane: {namespace: kong, release: kong-dp2, proxyType: NodePort, httpNodePort: 32080, smokeTest: true}',
      ].join('\n') + '\n',
    );
    const home = join(dir, 'home');
    const sessionFolder = join(home, 'sessions', 'dp2');
    const env = {EKSA_KONG_HOME: home, KONG_ADMIN_TOKEN, PATH: '/nonexistent'};
    const before = tree(dir, sessionFolder);

    const trap = trapNetwork();
    let run;
    try {
      run = await runCli(['--dry-run', '--non-interactive', '--answers', answers], env);
    } finally {
      trap.restore();
    }
    assert.deepEqual(trap.attempts, [], 'no connection, no datagram');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Create cluster: dry run: the existing cluster vs \(context vs1\) would be used/);
    // Done's next command names the context as well: the current one is another cluster.
    assert.match(run.stdout, /Next: kubectl --kubeconfig \S+vsphere\.kubeconfig --context vs1 -n kong get pods/);

    const session = JSON.parse(readFileSync(join(sessionFolder, 'session.json'), 'utf8'));
    assert.equal(session.world, 'dry-run');
    assert.equal(session.status, 'done');
    const skipped = ['discover', 'hardware', 'cluster-spec'];
    for (const id of STEP_IDS) assert.equal(session.steps[id].state, skipped.includes(id) ? 'skipped' : 'done', id);
    const commands = (session.commands as Array<{command: string; args: string[]; recorded?: boolean}>).map(c =>
      [c.command, ...c.args].join(' '),
    );
    // The cluster is only looked at, never created; the data plane goes onto context vs1, not the current one.
    assert.ok(!commands.some(c => /eksctl|create cluster/.test(c)), commands.join('\n'));
    for (const wanted of [
      /^kubectl --kubeconfig \S+vsphere\.kubeconfig --context vs1 get nodes/,
      /^kubectl --kubeconfig \S+vsphere\.kubeconfig --context vs1 apply -f kong-dp-secrets\.yaml$/,
      /^helm upgrade --install --kubeconfig \S+vsphere\.kubeconfig --kube-context vs1 -n kong .* kong-dp2 kong\/kong$/,
    ])
      assert.ok(
        commands.some(c => wanted.test(c)),
        `${String(wanted)} in\n${commands.join('\n')}`,
      );

    const book = await runCli(['runbook', 'dp2'], env);
    assert.equal(book.code, 0, book.stderr);
    for (const c of commands) assert.ok(book.stdout.includes(c.split(' -- ')[0]!), `runbook has: ${c}`);
    assert.ok(!book.stdout.includes(KONG_ADMIN_TOKEN) && !JSON.stringify(session).includes(KONG_ADMIN_TOKEN));

    // Nothing outside the session folder changed (the answers, the kubeconfig, the home).
    const after = tree(dir, sessionFolder);
    assert.deepEqual([...after], [...before]);
  },
);
