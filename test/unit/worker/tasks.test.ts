/**
 * The worker's one-off tasks (src/worker/tasks.ts) through their host side (taskClient.ts), in real
 * worker_threads Workers: results equal the engine's in-place functions, errors come back as the same
 * classes (file and line kept), and the calling thread's event loop stays responsive meanwhile (#10 item 10).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { deserializeModel, evaluateChatModel, ModelFileError, PairFileError, readPairs, serializeModel, trainChatModel, type ChatModel } from '../../../src/chat';
import { modelFromContent, modelSteps, packedModelSteps, STEP_ITEMS, STEP_VALUES, type BuildStep } from '../../../src/chat/serialize';
import { packModel } from '../../../src/io/packed-model';
import { ChatModel as ChatModelClass } from '../../../src/chat/model';
import { DEFAULT_TRAIN_OPTIONS } from '../../../src/chat/defaults';
import { decodeModelFile } from '../../../src/io/model-file';
import { createModel } from '../../../src/models';
import { Random } from '../../../src/random';
import { Vocabulary } from '../../../src/text';
import { rowsOf } from '../../../src/matrix';
import { DEFAULT_DECODE_OPTIONS } from '../../../src/chat/defaults';
import { evaluateInWorker, loadModelInWorker, readPairsInWorker } from '../../../src/worker/taskClient';
import { reseal } from '../helpers/model-file-bytes';

const WORKER = join(__dirname, '../../../src/worker/trainWorker.js');
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const TRAIN = 'hello\thi there\nbye\tsee you\nname\tseq2seq\n';

/** Runs `work` and returns its result with the longest event-loop delay seen meanwhile, in ms. */
async function withLoopDelay<T>(work: () => Promise<T>): Promise<{ value: T; maxMs: number }> {
  const monitor = monitorEventLoopDelay({ resolution: 10 });
  monitor.enable();
  const value = await work();
  monitor.disable();
  return { value, maxMs: monitor.max / 1e6 };
}

describe('worker tasks', () => {
  let model: ChatModel;
  let bytes: Uint8Array;
  before(async () => {
    model = (await trainChatModel(readPairs(enc(TRAIN), 't.tsv').pairs, { hidden: 16, wordvec: 8, epochs: 60, batchSize: 3, validation: 0, patience: 0 })).model;
    bytes = serializeModel(model);
  });

  test('readPairs: the summary of the file (format, count, warnings, hash); a parse error keeps its file and line', async () => {
    const sent = enc('a\tb\na\tb\nc\td\n');
    const { summary, bytes: back } = await readPairsInWorker(WORKER, { bytes: sent, name: 'dup.tsv', limits: {} });
    // handed over (transferred, not cloned on this thread) and handed back unchanged
    assert.equal(sent.byteLength, 0);
    assert.equal(new TextDecoder().decode(back), 'a\tb\na\tb\nc\td\n');
    const inPlace = readPairs(enc('a\tb\na\tb\nc\td\n'), 'dup.tsv');
    assert.equal(summary.pairs, inPlace.pairs.length);
    assert.equal(summary.format, 'tsv');
    assert.deepEqual(summary.warnings, inPlace.warnings);
    assert.equal(summary.warningCount, inPlace.warnings.length);
    await assert.rejects(readPairsInWorker(WORKER, { bytes: enc('a\tb\nc\td\ne\tf\n'), name: 'three.tsv', limits: { maxPairs: 2 } }), (e: unknown) => {
      assert.ok(e instanceof PairFileError, String(e));
      assert.equal(e.file, 'three.tsv');
      assert.equal(e.line, 3);
      return true;
    });
  });

  test('evaluate: the same figures as in place, with the calling thread free', async () => {
    // 20,000 questions: evaluated in place they held the thread for many seconds.
    const lines = Array.from({ length: 20_000 }, (_, i) => ['hello\thi there', 'bye\tsee you', `name ${i}\tseq2seq`][i % 3]).join('\n');
    const file = { bytes: enc(lines), name: 'eval.tsv', limits: {} };
    const { value: ev, maxMs } = await withLoopDelay(() => evaluateInWorker(WORKER, { model: bytes, modelName: 'm', file, decode: DEFAULT_DECODE_OPTIONS }));
    const inPlace = evaluateChatModel(deserializeModel(bytes), readPairs(file.bytes, 'eval.tsv').pairs);
    assert.deepEqual([ev.correct, ev.answered, ev.total], [inPlace.correct, inPlace.answered, inPlace.total]);
    assert.deepEqual(ev.failures, inPlace.failures.slice(0, 50));
    assert.ok(maxMs < 200, `event loop blocked for ${maxMs.toFixed(0)} ms during the evaluation`);
  });

  test('a large model is built in steps of bounded work, into the same network as in one piece, from a packed reply too', () => {
    // The shape of the host benchmark's import (#10): a 30,000-token vocabulary (three weight matrices of
    // ≥ 960,000 values), and 45,000 trained questions, so that every list takes several steps.
    const V = 30_000;
    const vocabulary = Vocabulary.fromTokens(['<pad>', '<s>', '</s>', '<unk>', ...Array.from({ length: V - 4 }, (_, i) => String.fromCodePoint(0x4e00 + i))]);
    const engine = createModel('peeky', { vocabSize: V, wordvec: 32, hidden: 64, reverse: true }, new Random(3));
    const questions = Array.from({ length: 45_000 }, (_, i) => ({ text: `question ${i} 一`, answer: i % 2 }));
    const big = new ChatModelClass(engine, vocabulary, { ...DEFAULT_TRAIN_OPTIONS }, undefined, { answers: ['answer one', 'answer two'], questions, maxReplyLength: 10, threshold: 0.5 });
    const content = decodeModelFile(serializeModel(big), 'big.s2s');
    const whole = modelFromContent(content, 'big.s2s');
    const rows = engine.params.reduce((s, p) => s + p.rows, 0);
    const values = engine.params.reduce((s, p) => s + p.rows * p.columns, 0);
    const run = (steps: Generator<BuildStep, ChatModel, void>): { model: ChatModel; done: Map<string, number> } => {
      const done = new Map<string, number>();
      for (;;) {
        const r = steps.next();
        if (r.done) return { model: r.value, done };
        const limit = r.value.what === 'values' ? STEP_VALUES : STEP_ITEMS;
        assert.ok(r.value.count <= limit, `a step of ${r.value.count} ${r.value.what}, over ${limit}`);
        done.set(r.value.what, (done.get(r.value.what) ?? 0) + r.value.count);
      }
    };
    const fromFile = run(modelSteps(content, 'big.s2s'));
    // every token, row and weight passed through a bounded step (conversion from float32 included)
    assert.deepEqual(Object.fromEntries(fromFile.done), { tokens: V, network: engine.params.length, values, rows, questions: 45_000 });
    const fromWorker = run(packedModelSteps(packModel(content), 'big.s2s'));
    // the packed reply: its lists cut out in steps too; its float64 weights adopted as they are (no conversion)
    assert.deepEqual(Object.fromEntries(fromWorker.done), { strings: V + 2 + 45_000 + 45_000, questions: 45_000, tokens: V, network: engine.params.length, rows });
    for (const built of [fromFile.model, fromWorker.model]) {
      built.engine.params.forEach((p, i) => {
        assert.deepEqual(rowsOf(p)[p.rows - 1], rowsOf(whole.engine.params[i])[p.rows - 1], `param ${i}`);
        assert.deepEqual(rowsOf(p)[0], rowsOf(engine.params[i])[0].map((x) => Math.fround(x)), `param ${i} keeps the file's weights`);
      });
      assert.deepEqual(built.knowledge?.questions[44_999], questions[44_999]);
      assert.equal(built.reply('一 二').text, whole.reply('一 二').text);
    }
  });

  test('decodeModel: the file goes to the worker and comes back (transferred both ways), and the model built from the reply answers as the original does; a crafted header is refused with its reason', async () => {
    const sent = bytes.slice();
    let pauses = 0;
    const loaded = await loadModelInWorker(WORKER, sent, 'm.s2s', async () => {
      pauses++;
    });
    assert.equal(sent.byteLength, 0, 'the file was transferred to the worker, not cloned');
    assert.deepEqual(loaded.bytes, bytes);
    assert.ok(pauses >= 3, `expected the build to pause between its steps, got ${pauses} pauses`);
    for (const q of ['hello', 'bye', 'name', 'something else']) assert.equal(loaded.model.reply(q).text, model.reply(q).text, q);
    assert.deepEqual(loaded.model.knowledge?.questions, model.knowledge?.questions);
    // a view into a larger buffer is copied, not taken: the caller's buffer stays whole
    const larger = new Uint8Array(bytes.length + 8);
    larger.set(bytes, 8);
    const view = larger.subarray(8);
    await loadModelInWorker(WORKER, view, 'view.s2s', async () => undefined);
    assert.equal(view.byteLength, bytes.length);
    const crafted = bytes.slice();
    crafted.set(enc('[[[[[[[[[[[[[[[['), 16);
    await assert.rejects(loadModelInWorker(WORKER, reseal(crafted), 'evil.s2s', async () => undefined), (e: unknown) => {
      assert.ok(e instanceof ModelFileError, String(e));
      assert.match(e.message, /^evil\.s2s: invalid header: it nests \d+ levels deep, a model header at most 6$/);
      return true;
    });
  });
});
