import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {sessionDir} from '../../source/session/home.js';
import {createSession, loadSession} from '../../source/session/store.js';
import {tempHome} from '../fixtures/session/tmp.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/session/save-loop.ts', import.meta.url));
const KILLS = 25;

/** Starts the saver, waits for its first save, lets it run a random while, then SIGKILLs it. */
async function killDuringSaves(home: string, maxDelayMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, home, 'lab1'], {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  child.stderr.on('data', d => (stderr += String(d)));
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', d => String(d).includes('ready') && resolve());
    child.once('exit', code => reject(new Error(`saver exited (${code}) before its first save: ${stderr}`)));
  });
  await new Promise(r => setTimeout(r, Math.random() * maxDelayMs));
  child.kill('SIGKILL');
  await exited;
}

test('atomicity: a saver killed at random moments always leaves a session that loads', {timeout: 110_000}, async t => {
  const home = tempHome(t);
  await createSession(home, 'lab1', 'real');
  const dir = sessionDir(home, 'lab1');
  let last = 0;
  for (let i = 0; i < KILLS; i++) {
    await killDuringSaves(home, i % 5 === 0 ? 2 : 60);
    const s = await loadSession(home, 'lab1');
    // Old or new content, never a mix: the records are a gapless, growing prefix.
    s.commands.forEach((c, k) => assert.equal(c.args[0], String(k)));
    assert.ok(s.commands.length >= last, `lost saves: ${s.commands.length} < ${last}`);
    last = s.commands.length;
    // The load removed the killed writer's temp files.
    assert.deepEqual(
      readdirSync(dir).filter(n => n.endsWith('.tmp')),
      [],
    );
  }
  assert.ok(last > 0, 'the saver never saved');
});
