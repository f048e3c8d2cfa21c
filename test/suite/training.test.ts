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
    await applySettings({ 'training.epochs': 5000, 'training.patience': 0 });
    // 300 pairs with scrambled answers: nowhere near 100% after a few epochs, so the run cannot end by itself
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(`question ${i}\t${((i * 7919) % 1000).toString(36)} ${((i * 104729) % 997).toString(36)}`);
    const files = scratchFiles({ 'long.tsv': lines.join('\n') + '\n' });
    const before = await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello');
    const first = vscode.commands.executeCommand<TrainResult>('seq2seqChat.train', files['long.tsv'], { interactive: false });
    const deadline = Date.now() + 20_000;
    while (!(await vscode.commands.executeCommand<{ training: boolean }>('seq2seqChat.diagnostics')).training) {
      assert.ok(Date.now() < deadline, 'expected the training to start within 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const second = await vscode.commands.executeCommand<TrainResult>('seq2seqChat.train', files['long.tsv'], { interactive: false });
    assert.equal(second?.status, 'refused');
    // chat keeps answering with the current model during training
    assert.equal(await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello'), before);
    assert.equal(await vscode.commands.executeCommand('seq2seqChat.stopTraining'), true);
    const r = await first;
    assert.equal(r?.status, 'cancelled');
    assert.equal(await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello'), before);
    await restoreSettings({ 'training.patience': 0 });
    await applySettings(FAST_SETTINGS);
  });

  test('with storage.scope "workspace" the trained model is saved in workspace storage', async () => {
    await applySettings({ 'storage.scope': 'workspace' });
    try {
      const files = scratchFiles({ 'ws.tsv': TINY_PAIRS });
      const r = await vscode.commands.executeCommand<TrainResult>('seq2seqChat.train', files['ws.tsv'], { interactive: false });
      assert.equal(r?.status, 'completed');
      assert.match(r.savedTo ?? '', /workspaceStorage/, `expected workspace storage, got ${r.savedTo}`);
      const d = await vscode.commands.executeCommand<{ model: string }>('seq2seqChat.diagnostics');
      assert.equal(d.model, 'trained on ws.tsv');
    } finally {
      await restoreSettings({ 'storage.scope': 'workspace' });
    }
  });

  test('a malformed pairs file is refused before training starts', async () => {
    const files = scratchFiles({ 'bad.tsv': 'a\tb\nc\td\te\n' });
    const r = await vscode.commands.executeCommand<TrainResult | undefined>('seq2seqChat.train', files['bad.tsv'], { interactive: false });
    assert.equal(r, undefined, 'expected the error to end at the command boundary');
  });
});
