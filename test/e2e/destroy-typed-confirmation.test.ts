// destroy on a terminal asks for typed words (issue 12): the control plane a session deployed by its own
// name, then the session's name. A wrong word removes nothing; the right ones remove both. Real terminal
// (tmux), real readline, the built binary, the demo world's stand-ins.
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {runCli, tempHome} from '../helpers/cli.js';

const cli = cliBuiltBefore();
const home = tempHome('eksa-kong-destroy-typed-');
const env = {EKSA_KONG_HOME: home, NO_COLOR: '1'};
const sessionFile = () => JSON.parse(readFileSync(join(home, 'sessions', 'demo', 'session.json'), 'utf8'));
after(() => rmSync(home, {recursive: true, force: true}));

/** Runs `destroy demo` in a terminal through a shell that prints its exit status. */
function destroyTerminal(): TmuxSession {
  return new TmuxSession('ek-destroy', ['sh', '-c', `node '${cli()}' destroy demo; echo "EXIT=$?"; sleep 30`], {
    env,
    width: 250,
    height: 60,
  });
}

test('a demo session that deployed its control plane', {skip, timeout: 240_000}, async () => {
  const run = await runCli(['demo', '--non-interactive', '--control-plane', 'deploy', '--speed', '1000'], env);
  assert.equal(run.code, 0, run.stdout.slice(-2000) + run.stderr.slice(-2000));
  assert.ok(sessionFile().steps['control-plane'].data.deploy.eksCluster);
});

test('a wrong session name at the prompt removes nothing and exits 1 (tmux)', {skip, timeout: 60_000}, async () => {
  const t = destroyTerminal();
  try {
    const ask = await t.waitFor(/Type (\S+) to remove it too, or Enter to keep it:/);
    assert.match(ask, /This session deployed the control plane \(EKS cluster \S+, release kong-cp\)/);
    await t.paste('no');
    await t.keys('Enter');
    const plan = await t.waitFor('Type the session name (demo) to remove what it created:');
    assert.match(plan, /control plane: release kong-cp .*stays/, 'a wrong word keeps the control plane');
    await t.paste('dem');
    await t.keys('Enter');
    const end = await t.waitFor(/EXIT=\d+/);
    assert.match(end, /Not confirmed: nothing was removed\./);
    assert.match(end, /EXIT=1/);
  } finally {
    t.kill();
  }
  assert.notEqual(sessionFile().status, 'destroyed');
});

test('the control plane’s name and the session name remove both (tmux)', {skip, timeout: 180_000}, async () => {
  const t = destroyTerminal();
  try {
    const ask = await t.waitFor(/Type (\S+) to remove it too, or Enter to keep it:/);
    const word = /Type (\S+) to remove it too/.exec(ask)![1]!;
    await t.paste(word);
    await t.keys('Enter');
    const plan = await t.waitFor('Type the session name (demo) to remove what it created:');
    assert.match(plan, /\$ eksctl delete cluster --name \S+ --region/, 'the EKS cluster is in the plan');
    await t.paste('demo');
    await t.keys('Enter');
    assert.match(await t.waitFor(/EXIT=\d+/, 150_000), /EXIT=0/);
  } finally {
    t.kill();
  }
  assert.equal(sessionFile().status, 'destroyed');
  const again = await runCli(['destroy', 'demo', '--dry-run'], env);
  assert.match(again.stdout, /nothing left to remove/);
  assert.doesNotMatch(again.stdout, /control plane stays/);
});
