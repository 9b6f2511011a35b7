// A restarted demo world offers the same pre-filled answers, byte for byte: otherwise a resume merges
// them again over the admin's edits (run-demo compares their digest). Deploy mode's licence was made
// anew on every start (a fresh signature) and so changed them.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {answersDigest, openDemoWorld} from '../../source/demo/open-world.js';

for (const mode of ['existing', 'deploy'] as const) {
  test(`${mode} control plane: the same answers after a restart of the world`, {timeout: 60_000}, async t => {
    const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-demo-answers-'));
    t.after(() => rmSync(dir, {recursive: true, force: true}));
    const first = await openDemoWorld({sessionDir: dir, speed: 100, controlPlaneMode: mode});
    const before = answersDigest(first.answers);
    await first.close();
    const again = await openDemoWorld({sessionDir: dir});
    try {
      assert.equal(again.world.controlPlaneMode, mode);
      assert.equal(answersDigest(again.answers), before);
    } finally {
      await again.close();
    }
  });
}
