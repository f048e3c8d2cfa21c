/** In-host: training through the worker, refusal of a second run, cancel, evaluation, pre-flight errors. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { applySettings, FAST_SETTINGS, restoreSettings, scratchFiles, TINY_PAIRS } from './helpers';

interface TrainResult {
  readonly status: 'completed' | 'cancelled' | 'refused' | 'aborted';
  readonly report?: { readonly accuracy: number; readonly pairs: number };
  readonly savedTo?: string;
}

suite('training in a worker', () => {
  suiteSetup(() => applySettings(FAST_SETTINGS));
  suiteTeardown(async () => {
    await restoreSettings({ ...FAST_SETTINGS, 'training.epochs': 0 });
    await vscode.commands.executeCommand('seq2seqChat.resetModel');
  });

  test('training on a small pairs file replaces the model, which then answers the trained pairs', async () => {
    const files = scratchFiles({ 'tiny.tsv': TINY_PAIRS });
    const r = await vscode.commands.executeCommand<TrainResult>('seq2seqChat.train', files['tiny.tsv'], { interactive: false });
    assert.equal(r?.status, 'completed', `expected completed, got ${JSON.stringify(r)}`);
    assert.equal(r.report?.pairs, 4);
    assert.ok(r.savedTo && /model\.s2s$/.test(r.savedTo), `expected a saved model.s2s, got ${r.savedTo}`);
    const ev = await vscode.commands.executeCommand<{ correct: number; total: number }>('seq2seqChat.evaluate', files['tiny.tsv']);
    assert.equal(ev.total, 4);
    assert.ok(ev.correct >= 3, `expected at least 3/4 right after training, got ${ev.correct}/4`);
  });

  test('a second training while one runs is refused, and Stop cancels the first, keeping the model', async () => {
    await applySettings({ 'training.epochs': 5000 });
    const files = scratchFiles({ 'long.tsv': TINY_PAIRS });
    const before = await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello');
    const first = vscode.commands.executeCommand<TrainResult>('seq2seqChat.train', files['long.tsv'], { interactive: false });
    await new Promise((r) => setTimeout(r, 1500));
    const second = await vscode.commands.executeCommand<TrainResult>('seq2seqChat.train', files['long.tsv'], { interactive: false });
    assert.equal(second?.status, 'refused');
    // chat keeps answering with the current model during training
    assert.equal(await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello'), before);
    assert.equal(await vscode.commands.executeCommand('seq2seqChat.stopTraining'), true);
    const r = await first;
    assert.equal(r?.status, 'cancelled');
    assert.equal(await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello'), before);
    await applySettings(FAST_SETTINGS);
  });

  test('a malformed pairs file is refused before training starts', async () => {
    const files = scratchFiles({ 'bad.tsv': 'a\tb\nc\td\te\n' });
    const r = await vscode.commands.executeCommand<TrainResult | undefined>('seq2seqChat.train', files['bad.tsv'], { interactive: false });
    assert.equal(r, undefined, 'expected the error to end at the command boundary');
  });
});
