/**
 * Learning from the conversation (issue #14; docs/corrections.md) in a real VS Code (registered in e2e.ts,
 * after the model is trained on train.tsv): 👎 under a reply opens "What should it have said?" pre-filled with
 * the reply; Save records the pair in the workspace's .seq2seq/corrections.tsv; *Apply Corrections* fine-tunes
 * the model in the training worker, and the same question then gets the corrected answer; *Undo Corrections*
 * brings the previous model, and its answer, back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Scenario } from './e2eReliability';
import { viewFrame } from './e2eReliability';
import { ask, runCommand, waitForNotification } from './workbench';

const QUESTION = 'how are you';
const TRAINED_ANSWER = 'fine thanks';
const CORRECTED = 'great, thanks for asking';

function expectSame(got: string, expected: string, what: string): void {
  if (got !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
}

export async function correctionScenarios(page: Page, scenario: Scenario, workspace: string, log: (m: string) => void): Promise<void> {
  await scenario('👎 → "What should it have said?" → Apply Corrections: the next ask gets the corrected answer', async () => {
    const f = await viewFrame(page);
    expectSame(await ask(f, QUESTION), TRAINED_ANSWER, `reply to "${QUESTION}" before the correction`);
    const reply = f.locator('.entry.bot').last();
    await reply.getByRole('button', { name: 'Wrong reply: correct it' }).click();
    const box = reply.getByLabel('What should it have said?');
    expectSame(await box.inputValue(), TRAINED_ANSWER, 'the editor is pre-filled with the reply');
    await box.fill(CORRECTED);
    await reply.getByRole('button', { name: 'Save the correction' }).click();
    await f.locator('.entry.bot .feedback-done', { hasText: 'corrected' }).last().waitFor({ timeout: 10_000 });
    // The note comes once the pair is written.
    await f.locator('.entry.note', { hasText: 'Correction saved' }).last().waitFor({ timeout: 10_000 });
    const file = join(workspace, '.seq2seq', 'corrections.tsv');
    const text = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (text === null || !text.includes(`${QUESTION}\t${CORRECTED}\n`)) throw new Error(`expected ${file} to hold the correction, got ${text === null ? 'no file' : JSON.stringify(text)}`);
    await runCommand(page, 'Seq2Seq Chat: Apply Corrections');
    const done = await waitForNotification(page, /learnt 1 of 1 corrections/, 180_000);
    log(`  ${done.slice(0, 160)}`);
    await f.locator('.model-label', { hasText: '+ corrections' }).waitFor({ timeout: 15_000 });
    expectSame(await ask(f, QUESTION), CORRECTED, `reply to "${QUESTION}" after the correction`);
    expectSame(await ask(f, 'what is your name'), 'seq2seq bot', 'an answer the correction did not touch');
  });

  await scenario('Undo Corrections brings the previous model and its answer back', async () => {
    await runCommand(page, 'Seq2Seq Chat: Undo Corrections');
    const f = await viewFrame(page);
    await f.locator('.entry.note', { hasText: 'Undid the corrections' }).waitFor({ timeout: 15_000 });
    await f.locator('.model-label', { hasText: /trained on train\.tsv \(/ }).waitFor({ timeout: 15_000 });
    expectSame(await ask(f, QUESTION), TRAINED_ANSWER, `reply to "${QUESTION}" after Undo`);
    await runCommand(page, 'Notifications: Clear All Notifications');
  });
}
