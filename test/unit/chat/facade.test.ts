import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_MODEL_RELATIVE_PATH, DEFAULT_PAIRS_RELATIVE_PATH, DEFAULT_TRAIN_OPTIONS, deserializeModel, evaluateChatModel, ModelFileError, serializeModel,
  trainChatModel, TrainingError, type ChatModel, type ModelKind, type Pair,
} from '../../../src/chat';
import { decodeModelFile, encodeModelFile } from '../../../src/io/model-file';
import { rowsOf } from '../../../src/matrix';
import { PAD, START, END, UNK } from '../../../src/models/tokens';
import { PAD_ID, START_ID, END_ID, UNK_ID } from '../../../src/text';

const PAIRS: Pair[] = [
  { question: 'Hello?', answer: 'Hi!', line: 1 },
  { question: 'cat', answer: 'ねこ😺', line: 2 },
  { question: 'dog', answer: 'いぬ', line: 3 },
  { question: '元気？', answer: 'はい', line: 4 },
];

const TINY = { wordvec: 16, hidden: 32, batchSize: 4, learningRate: 0.02, epochs: 150, patience: 0 } as const;

const trained = new Map<ModelKind, Promise<ChatModel>>();
function tinyModel(kind: ModelKind): Promise<ChatModel> {
  let m = trained.get(kind);
  if (!m) {
    m = trainChatModel(PAIRS, { ...TINY, model: kind }).then((r) => r.model);
    trained.set(kind, m);
  }
  return m;
}

describe('trainChatModel', () => {
  test('uses the engine special ids', () => {
    assert.deepEqual([PAD_ID, START_ID, END_ID, UNK_ID], [PAD, START, END, UNK]);
  });

  for (const kind of ['simple', 'peeky', 'attention'] as const) {
    test(`a ${kind} model learns a handful of bilingual pairs exactly`, async () => {
      const model = await tinyModel(kind);
      assert.equal(model.kind, kind);
      const ev = evaluateChatModel(model, PAIRS);
      assert.deepEqual(ev.failures, []);
      assert.equal(ev.correct, 4);
      // Questions are case-folded, answers keep their case.
      assert.equal(model.reply('HELLO').text, 'Hi!');
      assert.equal(model.report?.accuracy, 1);
      assert.equal(model.report?.stoppedBy, 'early-stopping');
    });
  }

  test('threads: 2 trains on two threads (the same losses up to rounding); without a worker script it trains on one', async () => {
    const workerFile = join(__dirname, '..', '..', '..', 'src', 'worker', 'trainWorker.js');
    const options = { ...TINY, model: 'peeky' as const, epochs: 6 };
    const losses = async (threads: number, environment?: { workerFile?: string }): Promise<number[]> => {
      const warnings: string[] = [];
      const r = await trainChatModel(PAIRS, { ...options, threads }, { onWarning: (m) => warnings.push(m) }, undefined, '', environment);
      assert.deepEqual(warnings, []);
      assert.equal(r.epochs.length, 6);
      return r.epochs.map((e) => e.loss);
    };
    const one = await losses(1);
    const two = await losses(2, { workerFile });
    const fallback = await losses(2);
    assert.deepEqual(fallback, one, 'no worker script: one thread, bit for bit');
    const worst = Math.max(...one.map((l, i) => Math.abs(l - two[i]) / l));
    assert.ok(worst < 1e-4, `relative loss difference ${worst}`);
    assert.ok(worst > 0, 'two threads add the gradients in another order, so some loss differs in its last bits; identical losses mean no helper thread ran');
  });

  test('threads absent: two threads for batches of 64 or more when the caller reports 2+ processors, else one', async () => {
    const workerFile = join(__dirname, '..', '..', '..', 'src', 'worker', 'trainWorker.js');
    const losses = async (options: { batchSize: number; threads?: number }, cores?: number): Promise<number[]> => {
      const r = await trainChatModel(PAIRS, { ...TINY, model: 'peeky', epochs: 3, ...options }, {}, undefined, '', { workerFile, ...(cores === undefined ? {} : { cores }) });
      return r.epochs.map((e) => e.loss);
    };
    const [one, two] = [await losses({ batchSize: 64, threads: 1 }), await losses({ batchSize: 64, threads: 2 })];
    assert.notDeepEqual(one, two, 'one and two threads round differently, so the runs below can tell which ran');
    assert.deepEqual(await losses({ batchSize: 64 }, 2), two, 'batch 64 on 2 processors: two threads');
    assert.deepEqual(await losses({ batchSize: 64 }, 1), one, 'one processor: one thread');
    assert.deepEqual(await losses({ batchSize: 64 }), one, 'processors not reported: one thread');
    assert.deepEqual(await losses({ batchSize: 63 }, 2), await losses({ batchSize: 63, threads: 1 }), 'batch 63: one thread');
  });

  test('a helper thread that cannot start is reported as a warning and training goes on', async () => {
    const warnings: string[] = [];
    const r = await trainChatModel(PAIRS, { ...TINY, model: 'simple', epochs: 2, threads: 2 }, { onWarning: (m) => warnings.push(m) }, undefined, '', {
      workerFile: join(__dirname, 'no-such-worker.js'),
    });
    assert.equal(r.epochs.length, 2);
    assert.equal(warnings.length, 1, warnings.join('; '));
    assert.match(warnings[0], /no-such-worker\.js is missing, so no helper thread could start; training goes on without them/);
  });

  test('threads must be a whole number from 1 to 64', async () => {
    await assert.rejects(trainChatModel(PAIRS, { ...TINY, threads: 0 }), /expected threads to be an integer from 1 to 64, got 0/);
    await assert.rejects(trainChatModel(PAIRS, { ...TINY, threads: 65 }), /got 65/);
  });

  test('reports progress and epochs through callbacks and stops early at 100%', async () => {
    const seen: number[] = [];
    let progress = 0;
    const r = await trainChatModel(PAIRS, { ...TINY, model: 'peeky' }, { onEpoch: (e) => seen.push(e.epoch), onProgress: () => progress++ }, undefined, 'abc');
    assert.deepEqual(seen, r.epochs.map((e) => e.epoch));
    assert.ok(progress >= seen.length);
    assert.ok(r.epochs.length < TINY.epochs);
    assert.equal(r.report.dataHash, 'abc');
    assert.equal(r.report.pairs, 4);
  });

  test('the progress ETA bounds the time actually left, since training stops before the last epoch', async () => {
    const reports: { at: number; eta: number }[] = [];
    const r = await trainChatModel(PAIRS, { ...TINY, model: 'peeky' }, { onProgress: (p) => reports.push({ at: Date.now(), eta: p.eta }) });
    const end = Date.now();
    assert.ok(r.report.epochs < TINY.epochs);
    assert.ok(reports.length > 0);
    for (const { at, eta } of reports) assert.ok(Number.isFinite(eta) && eta * 1000 >= end - at, `ETA ${eta} s with ${(end - at) / 1000} s really left`);
  });

  test('is deterministic for a fixed seed', async () => {
    const a = await trainChatModel(PAIRS, { ...TINY, epochs: 3 });
    const b = await trainChatModel(PAIRS, { ...TINY, epochs: 3 });
    assert.deepEqual(a.epochs.map((e) => e.loss), b.epochs.map((e) => e.loss));
  });

  test('a cancelled run returns a usable model marked cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await trainChatModel(PAIRS, TINY, {}, controller.signal);
    assert.equal(r.report.stoppedBy, 'cancelled');
    assert.equal(typeof r.model.reply('cat').text, 'string');
    const token = { isCancellationRequested: false };
    const r2 = await trainChatModel(PAIRS, TINY, { onEpoch: () => (token.isCancellationRequested = true) }, token);
    assert.equal(r2.report.stoppedBy, 'cancelled');
    assert.equal(r2.epochs.length, 1);
  });

  test('rejects bad options and empty data with TrainingError', async () => {
    await assert.rejects(trainChatModel(PAIRS, { hidden: 0 }), (e: unknown) => e instanceof TrainingError && /expected hidden to be a positive integer, got 0/.test(e.message));
    await assert.rejects(trainChatModel([], {}), TrainingError);
    await assert.rejects(trainChatModel(PAIRS, { learningRate: -1 }), /expected learningRate above 0, got -1/);
    await assert.rejects(trainChatModel(PAIRS, { validation: 1 }), /expected validation in \[0, 1\), got 1/);
  });

  test('word tokens: the vocabulary holds words and the model still replies exactly', async () => {
    const pairs: Pair[] = [
      { question: 'how do I train', answer: 'run the train command', line: 1 },
      { question: 'what formats', answer: 'tsv csv json', line: 2 },
      { question: '猫は好き', answer: '猫はかわいい', line: 3 },
    ];
    const { model } = await trainChatModel(pairs, { ...TINY, tokenizer: 'word', model: 'peeky' });
    assert.ok(model.vocabulary.tokens.includes('command'));
    assert.ok(model.vocabulary.tokens.includes('猫'));
    assert.equal(evaluateChatModel(model, pairs).correct, 3);
    const back = deserializeModel(serializeModel(model));
    assert.equal(back.options.tokenizer, 'word');
    assert.equal(back.reply('What formats?').text, 'tsv csv json');
  });

  test('holds out a validation share when asked', async () => {
    const r = await trainChatModel(PAIRS, { ...TINY, epochs: 2, validation: 0.25 });
    assert.equal(typeof r.epochs[0].valLoss, 'number');
  });
});

describe('ChatModel.reply', () => {
  test('never throws on unknown characters or an empty question', async () => {
    const model = await tinyModel('attention');
    for (const q of ['🦄🦄 zzz', '', '   ', 'ｘ'.repeat(300), 'cat '.repeat(5000)]) {
      const r = model.reply(q, { strategy: 'greedy', maxLength: 10 });
      assert.ok(r.text.length <= 10 * 2);
      assert.equal(r.tokens.length <= 10, true);
    }
  });

  test('attention replies carry weights over the question', async () => {
    const model = await tinyModel('attention');
    const r = model.reply('cat and dog');
    assert.ok(r.attention);
    assert.equal(r.attention.length, r.tokens.length);
    // One weight per question token: the question is read as words, ["cat", "and", "dog"].
    assert.deepEqual(model.questionTokens('cat and dog'), ['cat', 'and', 'dog']);
    for (const row of r.attention) {
      assert.equal(row.length, 3);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    }
  });

  test('beam search returns the best-scored reply first with alternatives', async () => {
    const model = await tinyModel('peeky');
    const r = model.reply('dog', { strategy: 'beam', beamWidth: 3 });
    assert.ok(r.alternatives && r.alternatives.length >= 2 && r.alternatives.length <= 3);
    assert.equal(r.alternatives[0].text, r.text);
    for (let i = 1; i < r.alternatives.length; i++) assert.ok(r.alternatives[i - 1].score >= r.alternatives[i].score);
    assert.equal(new Set(r.alternatives.map((a) => a.text)).size, r.alternatives.length);
    // One beam is greedy search.
    for (const p of PAIRS) assert.equal(model.reply(p.question, { strategy: 'beam', beamWidth: 1 }).text, model.reply(p.question).text);
  });

  test('sampling is reproducible with a seed and near-greedy at a low temperature', async () => {
    const model = await tinyModel('peeky');
    const a = model.reply('cat', { strategy: 'sample', temperature: 1.5, seed: 9 });
    const b = model.reply('cat', { strategy: 'sample', temperature: 1.5, seed: 9 });
    assert.equal(a.text, b.text);
    assert.equal(model.reply('cat', { strategy: 'sample', temperature: 0.05, seed: 1 }).text, 'ねこ😺');
  });

  test('reports maxLength cuts as unfinished', async () => {
    const r = (await tinyModel('peeky')).reply('cat', { strategy: 'greedy', maxLength: 1 });
    assert.equal(r.finished, false);
    assert.equal(r.tokens.length, 1);
  });
});

describe('serializeModel / deserializeModel', () => {
  for (const kind of ['simple', 'peeky', 'attention'] as const) {
    test(`round-trips a ${kind} model bit-exactly in float32 and replies the same`, async () => {
      const model = await tinyModel(kind);
      const bytes = serializeModel(model);
      const back = deserializeModel(bytes, 'tiny.s2s');
      assert.equal(back.kind, kind);
      assert.deepEqual(back.options, model.options);
      assert.deepEqual(back.report, model.report);
      back.engine.params.forEach((p, i) => {
        const original = rowsOf(model.engine.params[i]).flatMap((row) => Array.from(Float32Array.from(row)));
        assert.deepEqual(rowsOf(p).flatMap((row) => Array.from(row)), original);
      });
      assert.deepEqual(serializeModel(back), bytes);
      for (const p of PAIRS) assert.equal(back.reply(p.question).text, model.reply(p.question).text);
    });
  }

  test('the bag of embeddings: on by default for peeky (one more parameter, stored as config.bag), off for simple and attention', async () => {
    const peeky = await tinyModel('peeky');
    assert.equal(peeky.engine.config.bag, true);
    assert.equal(decodeModelFile(serializeModel(peeky)).header.config.bag, true);
    assert.equal(deserializeModel(serializeModel(peeky)).engine.params.length, 11);
    for (const kind of ['simple', 'attention'] as const) {
      const model = await tinyModel(kind);
      assert.equal(model.engine.config.bag, undefined);
      assert.equal('bag' in decodeModelFile(serializeModel(model)).header.config, false, `${kind}: the header is as before`);
    }
  });

  test('a file without config.bag (written before it existed) loads as the model without the bag and replies the same', async () => {
    const model = (await trainChatModel(PAIRS, { ...TINY, epochs: 40, model: 'peeky', bag: false })).model;
    const bytes = serializeModel(model);
    assert.equal('bag' in decodeModelFile(bytes).header.config, false);
    const back = deserializeModel(bytes, 'old.s2s');
    assert.equal(back.engine.config.bag, undefined);
    assert.equal(back.engine.params.length, 10);
    for (const p of PAIRS) assert.equal(back.reply(p.question).text, model.reply(p.question).text);
  });

  test('a header that claims a bag its weights lack is refused by its shapes', async () => {
    const content = decodeModelFile(serializeModel((await trainChatModel(PAIRS, { ...TINY, epochs: 1, model: 'peeky', bag: false })).model));
    const tampered = encodeModelFile({ header: { ...content.header, config: { ...content.header.config, bag: true } }, weights: content.weights });
    assert.throws(() => deserializeModel(tampered, 'b.s2s'), (e: unknown) => e instanceof ModelFileError && /^b\.s2s: invalid shapes: 10 parameters stored, expected 11/.test(e.message));
  });

  test('rejects stored shapes that do not match the config', async () => {
    const content = decodeModelFile(serializeModel(await tinyModel('peeky')));
    const shapes = content.header.shapes.map(([r, c]) => [r, c] as const);
    const weights = [...content.weights];
    // Claim a wider hidden size while the weights stay those of hidden 32.
    const tampered = encodeModelFile({ header: { ...content.header, config: { ...content.header.config, hidden: 33 }, shapes }, weights });
    assert.throws(() => deserializeModel(tampered, 'x.s2s'), (e: unknown) => e instanceof ModelFileError && /^x\.s2s: invalid shapes: parameter \d+ is \d+×\d+, expected/.test(e.message));
  });

  test('rejects a vocabulary that lacks the special tokens', async () => {
    const content = decodeModelFile(serializeModel(await tinyModel('simple')));
    const vocabulary = ['<x>', ...content.header.vocabulary.slice(1)];
    const tampered = encodeModelFile({ header: { ...content.header, vocabulary }, weights: content.weights });
    assert.throws(() => deserializeModel(tampered, 'v.s2s'), /v\.s2s: invalid header: vocabulary: expected "<pad>" at id 0/);
  });
});

describe('defaults', () => {
  test('name the embedded files that exist in the package', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    assert.ok(existsSync(join(root, DEFAULT_PAIRS_RELATIVE_PATH)));
    assert.equal(DEFAULT_MODEL_RELATIVE_PATH, 'data/default/model.s2s');
    assert.equal(DEFAULT_TRAIN_OPTIONS.validation, 0);
  });
});
