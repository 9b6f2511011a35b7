// The built dist/cli.js on a terminal: the launcher and the demo played to Done, plus the headless
// commands, and then the check that every lazily loaded chunk of the bundle was loaded by one of them.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {CHUNK_RECORDER, dryRunEverything, generateEverything, runBundle} from '../helpers/bundle.js';
import {buildSmokeCli} from '../helpers/bundle.js';

const work = mkdtempSync(join(tmpdir(), 'eksa-kong-bundle-tty-'));
const chunkLog = join(work, 'chunks.log');
let cli = '';
let remove = () => {};
before(() => {
  if (skip) return;
  if (process.env['EKSA_KONG_CLI']) cli = resolve(process.env['EKSA_KONG_CLI']);
  else ({cli, remove} = buildSmokeCli('screens'));
});
after(() => {
  rmSync(work, {recursive: true, force: true});
  remove();
});

// Loaded only on paths a smoke run cannot take: Ink's React DevTools bridge (DEV=true), and the pager,
// which needs a key on a finished command's pane mid-step (test/unit/run-pager and child-env run it).
const NOT_SMOKED = [/^devtools-/, /^pager-/];

test(
  'dist: the launcher, the demo played to Done on screens, the headless commands; every chunk loaded (tmux)',
  {skip, timeout: 400_000},
  async () => {
    // First the headless runs, so that the launcher has a saved session to list.
    const sessionDir = dryRunEverything(cli, work, chunkLog);
    generateEverything(cli, work, chunkLog);
    const env = {
      EKSA_KONG_HOME: dirname(dirname(sessionDir)),
      HOME: work,
      NO_COLOR: '1',
      EKSA_KONG_CHUNK_LOG: chunkLog,
    };
    const launcher = new TmuxSession(
      'ek-smoke',
      ['sh', '-c', `node --import '${CHUNK_RECORDER}' '${cli}'; echo "EXIT=$?"; sleep 30`],
      {env},
    );
    try {
      await launcher.waitFor('New session');
      // Quit is the last item.
      await launcher.keys('Up', 'Enter');
      await launcher.waitFor(/EXIT=\d+/);
    } finally {
      launcher.kill();
    }
    const demo = new TmuxSession(
      'ek-smoke',
      ['sh', '-c', `node --import '${CHUNK_RECORDER}' '${cli}' demo --speed 1000 --autoplay; echo "EXIT=$?"; sleep 30`],
      {env, width: 100, height: 30},
    );
    try {
      const screen = await demo.waitFor(/EXIT=\d+/, 90_000);
      assert.match(screen, /EXIT=0/, screen);
    } finally {
      demo.kill();
    }
    // The deploy path on screens (its own home): the control-plane screen loads the deploy code lazily.
    const deployHome = join(work, 'deploy-home');
    const deploy = new TmuxSession(
      'ek-smoke',
      [
        'sh',
        '-c',
        `node --import '${CHUNK_RECORDER}' '${cli}' demo --control-plane deploy --speed 1000 --autoplay; echo "EXIT=$?"; sleep 30`,
      ],
      {env: {...env, EKSA_KONG_HOME: deployHome}, width: 100, height: 30},
    );
    try {
      const screen = await deploy.waitFor(/EXIT=\d+/, 120_000);
      assert.match(screen, /EXIT=0/, screen);
    } finally {
      deploy.kill();
    }
    // Day two on the finished demo session: the JSON status, the watch view until q, and the dry runs of
    // upgrade and destroy (the simulated data center restarts from its saved state around each).
    const home = {EKSA_KONG_HOME: env.EKSA_KONG_HOME};
    const status = runBundle(cli, work, chunkLog, ['status', 'demo', '--json'], home);
    assert.equal(status.status, 0, status.stdout + status.stderr);
    assert.equal(JSON.parse(status.stdout).proxy.ok, true, status.stdout);
    // The demo's API and smoke-test entities as decK state, read back from the simulated control plane.
    const deck = runBundle(cli, work, chunkLog, ['export', 'demo', '--deck'], home);
    assert.equal(deck.status, 0, deck.stdout + deck.stderr);
    assert.match(deck.stdout, /_format_version: "3\.0"/);
    assert.match(deck.stdout, /name: orders/);
    for (const args of [
      ['upgrade', 'demo', '--dp-version', '3.9.1.1', '--dry-run'],
      ['destroy', 'demo', '--dry-run'],
    ]) {
      const r = runBundle(cli, work, chunkLog, args, home);
      assert.equal(r.status, 0, `${args[0]}: ${r.stdout}${r.stderr}`);
    }
    const watch = new TmuxSession(
      'ek-smoke',
      ['sh', '-c', `node --import '${CHUNK_RECORDER}' '${cli}' status demo --watch; echo "EXIT=$?"; sleep 30`],
      {env, width: 100, height: 30},
    );
    try {
      await watch.waitFor('Data planes');
      await watch.keys('q');
      assert.match(await watch.waitFor(/EXIT=\d+/), /EXIT=0/);
    } finally {
      watch.kill();
    }
    // The launcher offers the finished session's status: Status of demo is third from the bottom.
    const again = new TmuxSession(
      'ek-smoke',
      ['sh', '-c', `node --import '${CHUNK_RECORDER}' '${cli}'; echo "EXIT=$?"; sleep 30`],
      {env, width: 100, height: 30},
    );
    try {
      await again.waitFor('Status of demo');
      await again.keys('Up', 'Up', 'Up', 'Enter');
      await again.waitFor('Data planes');
      await again.keys('q');
      await again.waitFor(/EXIT=\d+/);
    } finally {
      again.kill();
    }
    const chunksDir = join(dirname(cli), 'chunks');
    const loaded = new Set(readFileSync(chunkLog, 'utf8').split('\n').filter(Boolean));
    const missing = readdirSync(chunksDir)
      .filter(f => f.endsWith('.js') && !NOT_SMOKED.some(re => re.test(f)))
      .filter(f => !loaded.has(pathToFileURL(join(chunksDir, f)).href));
    assert.deepEqual(missing, [], 'chunks that no smoke run loaded');
  },
);
