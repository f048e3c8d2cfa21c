/** In-host: the answering model, its storage round trip (export, import, reset) and the chat session. */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
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

  test('New Chat clears the conversation kept in workspace state', async () => {
    assert.equal(await vscode.commands.executeCommand('seq2seqChat.newChat'), true);
  });
});
