// Every step screen under the one key dispatcher: a burst of keys in one read each acts, in order, and
// Esc (nothing open inside the step) goes back exactly one step.
import {test, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {appTree} from '../helpers/app.js';
import {sessionAt, specAnswers} from '../helpers/step-screen.js';
import {cleanupInk, KEYS, renderInk, stripAnsi, tick} from '../helpers/ink.js';
import {getStep} from '../../source/wizard/registry.js';
import {STEP_IDS} from '../../source/wizard/step-ids.js';

afterEach(() => cleanupInk());

// On these screens a field has the keys: ? types into it, so the burst types and erases instead.
const FORMS = new Set(['cluster-spec', 'control-plane', 'data-plane']);

for (const id of STEP_IDS.slice(1, -1)) {
  const burst = FORMS.has(id)
    ? '"z q Backspace" types z and q and erases q'
    : '"? Enter ?" opens, closes and opens help';
  test(`${id}: ${burst} (one read); Esc then goes back exactly one step`, {timeout: 20_000}, async () => {
    const {tree, controller} = appTree({session: sessionAt(id, specAnswers)});
    const app = renderInk(tree, {columns: 100, rows: 30});
    const title = getStep(id).title;
    await app.waitFor(`Step ${STEP_IDS.indexOf(id) + 1}/10`);
    await tick(50);
    const before = app.frames.length;
    if (FORMS.has(id)) {
      app.stdin.write(`zq${KEYS.backspace}`);
      await app.waitFor(
        s => s.includes('z') && !s.includes('zq') && app.frames.slice(before).some(f => stripAnsi(f).includes('zq')),
      );
      assert.equal(controller.get().currentStep, id);
      await app.press(KEYS.escape);
      await app.waitFor(() => controller.get().currentStep !== id);
      await app.press();
      await tick(20);
      assert.equal(controller.get().currentStep, STEP_IDS[STEP_IDS.indexOf(id) - 1]);
      return;
    }
    app.stdin.write(`?${KEYS.enter}?`);
    await app.waitFor(`Help: ${title}`);
    await tick(50);
    const seen = app.frames.slice(before).map(f => stripAnsi(f).includes(`Help: ${title}`));
    // open, closed, open again: the three keys acted one after another
    assert.ok(
      seen.indexOf(true) >= 0 &&
        seen.indexOf(false, seen.indexOf(true)) > 0 &&
        seen.lastIndexOf(true) > seen.indexOf(false, seen.indexOf(true)),
      `help frames: ${seen.join(',')}`,
    );
    await app.press(KEYS.escape);
    await app.waitFor(s => !s.includes(`Help: ${title}`));
    assert.equal(controller.get().currentStep, id, 'Esc closed the help and did nothing else');
    await app.press(KEYS.escape);
    await app.waitFor(() => controller.get().currentStep !== id);
    await app.press();
    await tick(20);
    assert.equal(controller.get().currentStep, STEP_IDS[STEP_IDS.indexOf(id) - 1]);
  });
}
