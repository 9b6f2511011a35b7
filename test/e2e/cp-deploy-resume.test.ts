// End to end in a real terminal (issue 10): the demo with --control-plane deploy plays to the middle of
// `eksctl create cluster`, the wizard is killed with kill -9, and the next run finds the stack AWS went on
// creating (eksctl get cluster: CREATING, then ACTIVE) instead of creating a second one, and the deploy
// ends with the control plane connected. In AWS the stack does not depend on eksctl staying alive; the
// demo's simulated EKS keeps it in demo-state.json in the same way.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {cliBuiltBefore, tmuxSkip as skip, TmuxSession} from '../helpers/tmux.js';
import {tempHome} from '../helpers/cli.js';

const cli = cliBuiltBefore();

test(
  'demo --control-plane deploy: kill -9 while eksctl creates the EKS cluster, then the next run finds the stack (tmux)',
  {skip, timeout: 400_000},
  async () => {
    const home = tempHome();
    const env = {EKSA_KONG_HOME: home, NO_COLOR: '1'};
    const sessionFile = join(home, 'sessions', 'demo', 'session.json');
    const session = () => JSON.parse(readFileSync(sessionFile, 'utf8'));
    try {
      const first = new TmuxSession(
        'h10-cp-resume',
        ['node', cli(), 'demo', '--control-plane', 'deploy', '--speed', '30', '--autoplay'],
        {env, width: 80, height: 24},
      );
      try {
        await first.waitFor(/… EKS control plane \(CloudFormation stack\)/, 240_000);
        await first.killProgram();
      } finally {
        first.kill();
      }
      assert.equal(session().steps['control-plane'].state, 'running', 'killed in the middle of the deploy');

      const second = new TmuxSession('h10-cp-resume', ['node', cli(), 'demo', '--autoplay'], {
        env,
        width: 80,
        height: 24,
      });
      try {
        // (Cut at 80 columns: "kong-cp is still being created by an earlier run (CREATING)".)
        await second.waitFor(/kong-cp is still being created|kong-cp found/, 60_000);
        await second.waitFor(/Step 8\/10|Kong data plane \(/, 180_000);
      } finally {
        second.kill();
      }
      const record = session().steps['control-plane'];
      assert.equal(record.state, 'done');
      assert.equal(record.data.deploy.eksResumed, true, 'the cluster of the killed run, not a second one');
      assert.match(record.summary, /^deployed on EKS kong-cp \(eu-west-3\)/);
      const creates = session().commands.filter(
        (c: {command: string; args: string[]}) =>
          c.command === 'eksctl' && c.args[0] === 'create' && c.args[1] === 'cluster',
      );
      assert.equal(creates.length, 1, 'eksctl create cluster ran once');
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  },
);
