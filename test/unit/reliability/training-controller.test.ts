/**
 * The extension's training controller (extension/training.ts) under faults, in plain Node on a fake
 * vscode with real worker threads: a second training asked for while one runs (even while the first is
 * still reading its file) is refused with a message; cancelling keeps the previous model; a worker that
 * dies gives a clear error, keeps the previous model and lets a new training start; a learning rate of
 * 1e6 ends with a message naming the learning rate.
 */
import { contextKeys, fakeContext, FakeUri, MemoryLog, progress, settings, shown } from './fake-vscode';
import { after, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { deserializeModel, type ChatModel } from '../../../src/chat';
import { TRAINING_CONTEXT_KEY, TrainingController } from '../../../extension/training';
import type { ChatSession } from '../../../extension/chatSession';
import type { ModelMeta, ModelStore } from '../../../extension/modelStore';

const ROOT = mkdtempSync(join(tmpdir(), 's2s-controller-'));
const REAL = join(__dirname, '../../../src/worker/trainWorker.js');
const FAULTY = join(__dirname, '../../reliability/faulty-worker.js');
// dist/worker.js of the fake extension: the real worker, or the faulty one when S2S_FAULT is set.
mkdirSync(join(ROOT, 'dist'));
writeFileSync(join(ROOT, 'dist', 'worker.js'), `require(process.env.S2S_FAULT ? ${JSON.stringify(FAULTY)} : ${JSON.stringify(REAL)});\n`);
const file = (name: string, text: string): vscode.Uri => {
  writeFileSync(join(ROOT, name), text);
  return FakeUri.file(join(ROOT, name)) as unknown as vscode.Uri;
};
const UNSOLVABLE = file('unsolvable.tsv', 'same\tone\nsame\ttwo\n');
const EASY = file('easy.tsv', 'hi\tyo\nbye\tciao\nwhat\tthat\n');

/** The model store: what answers now, and every replacement. */
class FakeStore {
  readonly replaced: ModelMeta[] = [];
  // The previous model: a stand-in with what the status bar's model card reads.
  model: { model: ChatModel; meta: ModelMeta } | null = { model: { kind: 'peeky', options: { tokenizer: 'word', hidden: 8, wordvec: 4 }, report: undefined } as unknown as ChatModel, meta: { source: 'default', label: 'previous model' } };
  decode(bytes: Uint8Array, source: string): Promise<{ model: ChatModel; bytes: Uint8Array }> {
    return Promise.resolve({ model: deserializeModel(bytes, source), bytes });
  }
  replace(model: ChatModel, meta: ModelMeta): Promise<vscode.Uri> {
    this.replaced.push(meta);
    this.model = { model, meta };
    return Promise.resolve(FakeUri.file(join(ROOT, 'global', 'model.s2s')) as unknown as vscode.Uri);
  }
}

function controller(): { ctl: TrainingController; store: FakeStore; log: MemoryLog } {
  const store = new FakeStore();
  const log = new MemoryLog();
  const session = { setTraining: () => undefined, refresh: () => undefined } as unknown as ChatSession;
  const ctx = fakeContext(ROOT) as vscode.ExtensionContext;
  const ctl = new TrainingController(ctx.extensionUri, store as unknown as ModelStore, session, log);
  return { ctl, store, log };
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const lastContext = (): unknown => [...contextKeys].reverse().find(([k]) => k === TRAINING_CONTEXT_KEY)?.[1];

describe('training controller under faults (fake vscode, real workers)', () => {
  beforeEach(() => {
    shown.length = 0;
    settings.clear();
    for (const [k, v] of Object.entries({ 'model.hiddenSize': 16, 'model.embeddingSize': 8, 'training.batchSize': 2, 'training.patience': 0, 'training.epochs': 100_000 })) settings.set(k, v);
  });
  after(() => rmSync(ROOT, { recursive: true, force: true }));

  test('a second training asked for at once is refused with a message; cancelling the first keeps the previous model', async () => {
    const { ctl, store } = controller();
    const first = ctl.train(UNSOLVABLE, { interactive: false });
    // Asked in the same tick: the first is still reading its file.
    const second = await ctl.train(EASY, { interactive: false });
    assert.equal(second.status, 'refused');
    const refusal = shown.find((s) => s.level === 'warning');
    assert.match(refusal?.message ?? '', /already running \(unsolvable\.tsv\)/);
    assert.equal(ctl.running, true);
    await until('the progress notification', () => progress.token !== null);
    // Refused again while the worker runs.
    assert.equal((await ctl.train(EASY, { interactive: false })).status, 'refused');
    progress.cancel(); // the notification's Cancel button
    assert.equal((await first).status, 'cancelled');
    assert.deepEqual(store.replaced, [], 'the previous model was not replaced');
    assert.equal(store.model?.meta.label, 'previous model');
    assert.match(shown.map((s) => s.message).join('\n'), /previous model keeps answering/);
    assert.equal(ctl.running, false);
    assert.equal(lastContext(), false, 'the seq2seqChat.training context key is reset');
  });

  test('stop pressed before the worker started: nothing trains', async () => {
    const { ctl, store } = controller();
    const run = ctl.train(EASY, { interactive: false });
    assert.equal(ctl.stop(), true);
    assert.equal((await run).status, 'cancelled');
    assert.deepEqual(store.replaced, []);
    assert.equal(ctl.running, false);
  });

  for (const fault of ['exit', 'throw'] as const) {
    test(`the worker thread ${fault === 'exit' ? 'exits' : 'throws'} mid-training: a clear error, the previous model stays, a new training completes`, async () => {
      const { ctl, store } = controller();
      process.env.S2S_FAULT = fault;
      process.env.S2S_FAULT_MS = '300';
      let run: Promise<unknown>;
      try {
        run = ctl.train(UNSOLVABLE, { interactive: false });
        await until('the worker to start', () => progress.token !== null);
      } finally {
        delete process.env.S2S_FAULT;
        delete process.env.S2S_FAULT_MS;
      }
      await assert.rejects(run, (e: Error) => {
        assert.match(e.message, fault === 'exit' ? /training worker exited with code 7 before reporting a result/ : /injected fault in training worker/);
        return true;
      });
      assert.deepEqual(store.replaced, []);
      assert.equal(ctl.running, false);
      assert.equal(lastContext(), false);
      settings.set('training.epochs', 3);
      const again = await ctl.train(EASY, { interactive: false });
      assert.equal(again.status, 'completed');
      assert.equal(store.replaced.length, 1);
    });
  }

  test('learning rate 1e6 in the settings is read as the declared maximum, 10: training runs and replaces the model', async () => {
    // The divergence message itself ("the learning rate (1000000) is probably too high") is tested through
    // the engine (training-faults.test.ts), where no setting clamps the value first.
    const { ctl, store } = controller();
    settings.set('training.learningRate', 1e6);
    settings.set('training.epochs', 5);
    const r = await ctl.train(EASY, { interactive: false });
    assert.equal(r.status, 'completed');
    assert.equal(store.replaced.length, 1);
    assert.equal(store.model?.model.options.learningRate, 10, 'the model was trained at the clamped rate');
    // At 10 the peeky model with the bag of embeddings (whose mean is added to the state unbounded) may
    // diverge after its first epoch and keep that epoch's weights; the warning must then name the clamped rate.
    const warning = shown.find((s) => s.level === 'warning');
    if (warning) assert.match(warning.message, /The learning rate \(10\) is probably too high/);
  });
});
