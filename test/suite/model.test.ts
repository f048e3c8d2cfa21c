/** In-host: the answering model, its storage round trip (export, import, reset) and the chat session. */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { copyLines, copyTaskModel } from '../unit/helpers/tiny-model';
import { activeExtension, scratchFiles } from './helpers';

suite('model storage', () => {
  test('the default model answers a question right after activation', async () => {
    await activeExtension();
    await vscode.commands.executeCommand('seq2seqChat.resetModel');
    const reply = await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello');
    assert.equal(typeof reply, 'string');
    assert.ok(reply.length > 0, 'expected a non-empty reply from the default model');
  });

  test('export then import gives a model that answers the same', async () => {
    const dir = scratchFiles({ 'keep.txt': '' });
    const target = vscode.Uri.joinPath(dir['keep.txt'], '..', 'exported.s2s');
    const before = await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'what is your name');
    const saved = await vscode.commands.executeCommand<string>('seq2seqChat.exportModel', target);
    assert.ok(saved, 'expected the export command to return the file it wrote');
    assert.ok(existsSync(target.fsPath) && readFileSync(target.fsPath).length > 100, 'expected a model file of some size');
    const kind = await vscode.commands.executeCommand<string>('seq2seqChat.importModel', target);
    assert.ok(['simple', 'peeky', 'attention'].includes(kind), `expected a model kind, got ${kind}`);
    const after = await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'what is your name');
    assert.equal(after, before);
  });

  test('an imported model is saved in global storage and Reset forgets it', async () => {
    const d = await vscode.commands.executeCommand<{ model: string; storedModel: string }>('seq2seqChat.diagnostics');
    assert.match(d.model, /^imported from exported\.s2s$/);
    assert.ok(existsSync(d.storedModel), `expected the imported model saved at ${d.storedModel}`);
    const label = await vscode.commands.executeCommand<string | null>('seq2seqChat.resetModel');
    assert.equal(label, 'default model');
    assert.equal(existsSync(d.storedModel), false, 'expected Reset to delete the saved model');
  });

  test('importing a file that is not a model fails without replacing the model', async () => {
    const files = scratchFiles({ 'bad.s2s': 'not a model at all' });
    const before = await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello');
    const r = await vscode.commands.executeCommand<string | undefined>('seq2seqChat.importModel', files['bad.s2s']);
    assert.equal(r, undefined, 'expected the import to fail (handled by handleError)');
    assert.equal(await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello'), before);
  });

  test('an imported model of a character task replies and is evaluated as the CLI does: free greedy, every reply an answer', async function () {
    this.timeout(120_000);
    // A copy task trained as `seq2seq-chat train` trains a fixed-width file; its new words' answers were never trained.
    const { model, bytes, fresh } = await copyTaskModel();
    const right = fresh.filter((w) => model.reply(w, { strategy: 'greedy', constrained: false, threshold: 0 }).text === w);
    assert.ok(right.length > 0, 'precondition: some new words are copied right by free generation');
    const files = scratchFiles({ 'copy-new.txt': copyLines(fresh) });
    const target = vscode.Uri.joinPath(files['copy-new.txt'], '..', 'copy.s2s');
    writeFileSync(target.fsPath, bytes);
    assert.equal(await vscode.commands.executeCommand<string>('seq2seqChat.importModel', target), 'attention');
    // The chat's default settings (constrained replies, the model's threshold) could give neither.
    assert.equal(await vscode.commands.executeCommand<string>('seq2seqChat.ask', right[0]), right[0]);
    const ev = await vscode.commands.executeCommand<{ correct: number; total: number }>('seq2seqChat.evaluate', files['copy-new.txt']);
    assert.deepEqual(ev && { correct: ev.correct, total: ev.total }, { correct: right.length, total: fresh.length });
    assert.equal(await vscode.commands.executeCommand<string | null>('seq2seqChat.resetModel'), 'default model');
  });

  test('New Chat clears the conversation kept in workspace state', async () => {
    assert.equal(await vscode.commands.executeCommand('seq2seqChat.newChat'), true);
  });
});
