/**
 * The extension's model store (extension/modelStore.ts) on a fake vscode with real files: a stored model
 * that is truncated or garbage is skipped for the default model (logged, no crash); a save that fails
 * leaves the answering model as it was; a broken default model ends the first load in its error handler
 * with nothing answering, and the chat then says so instead of throwing.
 */
import { fakeContext, MemoryLog, settings } from './fake-vscode';
import { after, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { ModelFileError, serializeModel, trainChatModel, type ChatModel } from '../../../src/chat';
import { ChatSession } from '../../../extension/chatSession';
import { MODEL_FILE_NAME, ModelStore } from '../../../extension/modelStore';

const ROOT = mkdtempSync(join(tmpdir(), 's2s-store-'));
let model: ChatModel;
let bytes: Uint8Array;

/** A fresh extension folder with the default model (or `defaultBytes`) and an empty global storage. */
function setup(name: string, defaultBytes?: Uint8Array): { ctx: vscode.ExtensionContext; store: ModelStore; log: MemoryLog; stored: string } {
  const root = join(ROOT, name);
  mkdirSync(join(root, 'data', 'default'), { recursive: true });
  mkdirSync(join(root, 'global'), { recursive: true });
  writeFileSync(join(root, 'data', 'default', 'model.s2s'), defaultBytes ?? bytes);
  const ctx = fakeContext(root) as vscode.ExtensionContext;
  const log = new MemoryLog();
  return { ctx, store: new ModelStore(ctx, log), log, stored: join(root, 'global', MODEL_FILE_NAME) };
}

describe('model store under broken files (fake vscode)', () => {
  beforeEach(async () => {
    settings.clear();
    if (!bytes) {
      model = (await trainChatModel([{ question: 'hi', answer: 'yo', line: 1 }], { hidden: 8, wordvec: 4, epochs: 2, batchSize: 1 })).model;
      bytes = serializeModel(model);
    }
  });
  after(() => rmSync(ROOT, { recursive: true, force: true }));

  for (const [what, broken] of [
    ['truncated', (): Uint8Array => bytes.slice(0, bytes.length >> 1)],
    ['garbage', (): Uint8Array => Uint8Array.from({ length: 500 }, (_, i) => (i * 37) & 255)],
    ['empty', (): Uint8Array => new Uint8Array(0)],
  ] as const) {
    test(`a ${what} stored model is skipped for the default model, with a log line`, async () => {
      const { store, log, stored } = setup(what);
      writeFileSync(stored, broken());
      const current = await store.load();
      assert.equal(current?.meta.source, 'default');
      assert.ok(log.lines.some((l) => l.startsWith('ERROR stored model') && l.includes('unreadable; using the default model') && /ModelFileError|truncated|corrupted|not a Seq2Seq/.test(l)), log.lines.join('\n'));
    });
  }

  test('a stored model that cannot be read (a folder in its place) is skipped for the default model, with a log line', async () => {
    const { store, log, stored } = setup('unreadable');
    mkdirSync(stored);
    const current = await store.load();
    assert.equal(current?.meta.source, 'default');
    assert.ok(log.lines.some((l) => l.startsWith('ERROR stored model') && l.includes('using the default model')), log.lines.join('\n'));
  });

  test('a saved model loads back in a new session; a save that fails keeps the answering model', async () => {
    const { ctx, store } = setup('save');
    await store.load();
    await store.replace(model, { source: 'trained', label: 'trained on t.tsv' });
    const again = new ModelStore(ctx, new MemoryLog());
    assert.equal((await again.load())?.meta.label, 'trained on t.tsv');
    // A folder where the model file should be: the save's rename fails, the current model stays.
    const { store: failing, stored } = setup('save-fails');
    await failing.load();
    mkdirSync(join(stored, 'blocker'), { recursive: true });
    const before = failing.model;
    await assert.rejects(failing.replace(model, { source: 'trained', label: 'never saved' }));
    assert.equal(failing.model, before, 'the answering model is unchanged after a failed save');
  });

  test('a broken default model: the first load ends in its error handler, and the chat answers with a note', async () => {
    const { ctx, store } = setup('nodefault', bytes.slice(0, 40));
    const errors: unknown[] = [];
    store.startLoading((e) => errors.push(e));
    await store.ready;
    assert.equal(store.loading, false);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof ModelFileError, String(errors[0]));
    assert.equal(store.model, null);
    const session = new ChatSession(ctx, store, new MemoryLog());
    const reply = await session.ask('hello?');
    assert.equal(reply.role, 'note');
    assert.match(reply.text, /No model yet/);
  });

  test('Reset forgets only the active scope\'s model, and each scope keeps its own label', async () => {
    const root = join(ROOT, 'scopes');
    mkdirSync(join(root, 'data', 'default'), { recursive: true });
    writeFileSync(join(root, 'data', 'default', 'model.s2s'), bytes);
    const ctx = fakeContext(root, true) as vscode.ExtensionContext;
    const store = new ModelStore(ctx, new MemoryLog());
    await store.replace(model, { source: 'trained', label: 'global model' });
    settings.set('storage.scope', 'workspace');
    await store.replace(model, { source: 'trained', label: 'workspace model' });
    const globalFile = join(root, 'global', MODEL_FILE_NAME);
    const workspaceFile = join(root, 'workspace', MODEL_FILE_NAME);
    assert.ok(existsSync(globalFile) && existsSync(workspaceFile));
    assert.equal(ctx.globalState.get<{ label: string }>('seq2seqChat.modelMeta')?.label, 'global model', 'a workspace model leaves the global label alone');
    assert.equal(ctx.workspaceState.get<{ label: string }>('seq2seqChat.modelMeta')?.label, 'workspace model');
    assert.equal((await new ModelStore(ctx, new MemoryLog()).load())?.meta.label, 'workspace model');
    // Reset in the workspace scope: the workspace's model goes, the global one stays with its label.
    assert.equal((await store.reset())?.meta.source, 'default');
    assert.ok(!existsSync(workspaceFile), 'the workspace model is deleted');
    assert.ok(existsSync(globalFile), 'the global model is kept');
    settings.set('storage.scope', 'global');
    assert.equal((await new ModelStore(ctx, new MemoryLog()).load())?.meta.label, 'global model');
  });
});
