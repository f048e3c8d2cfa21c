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
import { modelFromContent, modelFromContentInSlices } from '../../../src/chat/serialize';
import { ChatModel as ChatModelClass } from '../../../src/chat/model';
import { DEFAULT_TRAIN_OPTIONS } from '../../../src/chat/defaults';
import { decodeModelFile } from '../../../src/io/model-file';
import { createModel } from '../../../src/models';
import { Random } from '../../../src/random';
import { Vocabulary } from '../../../src/text';
import { rowsOf } from '../../../src/matrix';
import { DEFAULT_DECODE_OPTIONS } from '../../../src/chat/defaults';
import { decodeModelInWorker, evaluateInWorker, readPairsInWorker } from '../../../src/worker/taskClient';
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
    const summary = await readPairsInWorker(WORKER, { bytes: enc('a\tb\na\tb\nc\td\n'), name: 'dup.tsv', limits: {} });
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

  test('a large model is built in slices (the host pauses between them) into the same network as in one piece', async () => {
    // The shape of the host benchmark's import (#10): a 30,000-token vocabulary, so three weight matrices of ≥ 960,000.
    const V = 30_000;
    const vocabulary = Vocabulary.fromTokens(['<pad>', '<s>', '</s>', '<unk>', ...Array.from({ length: V - 4 }, (_, i) => String.fromCodePoint(0x4e00 + i))]);
    const engine = createModel('peeky', { vocabSize: V, wordvec: 32, hidden: 64, reverse: true }, new Random(3));
    const big = new ChatModelClass(engine, vocabulary, { ...DEFAULT_TRAIN_OPTIONS }, undefined, {
      answers: ['answer one', 'answer two'], questions: [{ text: '一 二', answer: 0 }, { text: '三', answer: 1 }], maxReplyLength: 10, threshold: 0.5,
    });
    const content = decodeModelFile(serializeModel(big), 'big.s2s');
    let pauses = 0;
    const sliced = await modelFromContentInSlices(content, 'big.s2s', async () => {
      pauses++;
    });
    const whole = modelFromContent(content, 'big.s2s');
    // vocabularies | network allocated | encoder embedding | decoder embedding | affine | knowledge
    assert.ok(pauses >= 5, `expected at least 5 pauses, got ${pauses}`);
    sliced.engine.params.forEach((p, i) => {
      assert.deepEqual(rowsOf(p)[p.rows - 1], rowsOf(whole.engine.params[i])[p.rows - 1], `param ${i}`);
      assert.deepEqual(rowsOf(p)[0], rowsOf(engine.params[i])[0].map((x) => Math.fround(x)), `param ${i} keeps the file's weights`);
    });
    assert.equal(sliced.reply('一 二').text, whole.reply('一 二').text);
  });

  test('decodeModel: weights come back (transferred) and build the same model; a crafted header is refused with its reason', async () => {
    const content = await decodeModelInWorker(WORKER, bytes, 'm.s2s');
    const built = modelFromContent(content, 'm.s2s');
    assert.equal(built.reply('hello').text, deserializeModel(bytes, 'm.s2s').reply('hello').text);
    const crafted = bytes.slice();
    crafted.set(enc('[[[[[[[[[[[[[[[['), 16);
    await assert.rejects(decodeModelInWorker(WORKER, reseal(crafted), 'evil.s2s'), (e: unknown) => {
      assert.ok(e instanceof ModelFileError, String(e));
      assert.match(e.message, /^evil\.s2s: invalid header: it nests \d+ levels deep, a model header at most 6$/);
      return true;
    });
  });
});
