import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkPairs, deserializeModel, DEFAULT_NORMALIZE_OPTIONS, fineTuneChatModel, knownPairs, mergeCorrections, regressionCheck, sampleReplay, serializeModel,
  trainChatModel, TrainingError, ChatModel, type ModelKind, type Pair,
} from '../../../src/chat';
import { correctedKnowledge } from '../../../src/chat/finetune';
import { memoize } from '../helpers/memo';

const pair = (question: string, answer: string, line = 1): Pair => ({ question, answer, line });

const PAIRS: Pair[] = [
  pair('hello', 'Hi!', 1),
  pair('cats', 'ねこ', 2),
  pair('where is the dog', 'In the garden.', 3),
  pair('what time is it', 'Time to learn.', 4),
  pair('who are you', 'A small model.', 5),
  pair('good night', 'Sleep well.', 6),
];

const TINY = { wordvec: 16, hidden: 32, batchSize: 4, epochs: 200, patience: 0 } as const;

const tinyModel = memoize((kind: ModelKind): Promise<ChatModel> => trainChatModel(PAIRS, { ...TINY, model: kind }).then((r) => r.model));

const rightCount = (model: ChatModel, pairs: readonly Pair[]): number => checkPairs(model, pairs).filter((c) => c.right).length;

describe('sampleReplay', () => {
  const pool = Array.from({ length: 50 }, (_, i) => i);

  test('the same seed draws the same sample; another seed another one', () => {
    assert.deepEqual(sampleReplay(pool, 10, 7), sampleReplay(pool, 10, 7));
    assert.notDeepEqual(sampleReplay(pool, 10, 7), sampleReplay(pool, 10, 8));
  });

  test('draws distinct items in the pool order, and all of them when asked for as many or more', () => {
    const s = sampleReplay(pool, 10, 3);
    assert.equal(new Set(s).size, 10);
    assert.deepEqual(s, [...s].sort((a, b) => a - b));
    assert.deepEqual(sampleReplay(pool, 80, 3), pool);
    assert.deepEqual(sampleReplay(pool, 0, 3), []);
  });
});

describe('corrections and knowledge', () => {
  test('mergeCorrections keeps the last answer given for a question (compared after normalisation)', () => {
    const merged = mergeCorrections([pair('Hello?', 'A'), pair('cats', 'B'), pair('hello', 'C')], DEFAULT_NORMALIZE_OPTIONS);
    assert.deepEqual(merged.map((p) => [p.question, p.answer]), [['cats', 'B'], ['hello', 'C']]);
  });

  test('correctedKnowledge changes a known question, adds a new one, drops answers no question has and grows the reply limit', () => {
    const k = { answers: ['Hi!', 'ねこ'], questions: [{ text: 'hello', answer: 0 }, { text: 'Hello!', answer: 0 }, { text: 'cats', answer: 1 }], maxReplyLength: 12, threshold: 0.5 };
    const c = correctedKnowledge(k, [pair('HELLO', 'Good day.'), pair('dogs', 'いぬ')], DEFAULT_NORMALIZE_OPTIONS, 30);
    assert.deepEqual(c.answers, ['Good day.', 'ねこ', 'いぬ']);
    assert.deepEqual(c.questions, [{ text: 'hello', answer: 0 }, { text: 'Hello!', answer: 0 }, { text: 'cats', answer: 1 }, { text: 'dogs', answer: 2 }]);
    assert.ok(c.maxReplyLength >= 30, `reply limit ${c.maxReplyLength}`);
    assert.equal(c.threshold, 0.5);
  });
});

describe('fineTuneChatModel', () => {
  for (const kind of ['simple', 'peeky', 'attention'] as const) {
    test(`${kind}: learns a changed answer and a new question with new words and characters, and keeps the others`, async () => {
      const base = await tinyModel(kind);
      assert.equal(rightCount(base, PAIRS), PAIRS.length, 'the base model knows its pairs');
      const before = serializeModel(base);
      const corrections = [pair('good night', 'おやすみなさい。'), pair('is the shop open', 'Yes, until nine.')];
      const r = await fineTuneChatModel(base, corrections, { epochs: 150 });
      assert.ok(r.check.accepted, JSON.stringify(r.check));
      assert.equal(r.model, r.candidate);
      assert.deepEqual(Buffer.from(serializeModel(base)), Buffer.from(before), 'the base model is not changed');
      for (const c of corrections) assert.equal(r.model.reply(c.question).text, c.answer);
      const others = PAIRS.filter((p) => p.question !== 'good night');
      assert.equal(rightCount(r.model, others), others.length);
      // Old tokens keep their ids; the new ones come after.
      base.vocabulary.tokens.forEach((t, i) => assert.equal(r.model.vocabulary.id(t), i));
      assert.ok(r.grown.answers > 0 && r.grown.questions > 0, JSON.stringify(r.grown));
      assert.equal(r.model.vocabulary.size, base.vocabulary.size + r.grown.answers);
      // The grown model saves and loads.
      const again = deserializeModel(serializeModel(r.model));
      for (const c of corrections) assert.equal(again.reply(c.question).text, c.answer);
    });
  }

  test('with nothing left to replay (every original pair corrected), it stops once the corrections are learnt', async () => {
    const base = await tinyModel('peeky');
    const all = PAIRS.map((p) => pair(p.question, `${p.answer} (corrected)`));
    const r = await fineTuneChatModel(base, all, { epochs: 150 }, {}, undefined, [PAIRS[0]]);
    assert.equal(r.replayed, 0);
    assert.equal(r.check.checked, 0);
    assert.ok(r.epochs.length < 150, `stopped after ${r.epochs.length} epochs`);
    assert.equal(r.check.learned, all.length);
  });

  test('is deterministic under a seed', async () => {
    const base = await tinyModel('peeky');
    const corrections = [pair('is the shop open', 'Yes, until nine.')];
    const a = await fineTuneChatModel(base, corrections, { epochs: 5, seed: 4 });
    const b = await fineTuneChatModel(base, corrections, { epochs: 5, seed: 4 });
    assert.deepEqual(Buffer.from(serializeModel(a.candidate)), Buffer.from(serializeModel(b.candidate)));
  });

  test('the regression guard keeps the old model when a correction breaks previously right answers, and lists them', async () => {
    const base = await tinyModel('peeky');
    // "cat" reads as the same question word as "cats" (stemming): teaching "cat" a new answer must change "cats".
    const r = await fineTuneChatModel(base, [pair('cat', 'Meow.')], { epochs: 150, maxBroken: 0 });
    assert.equal(r.candidate.reply('cat').text, 'Meow.');
    assert.equal(r.check.accepted, false);
    assert.deepEqual(r.check.broken.map((b) => [b.question, b.expected]), [['cats', 'ねこ']]);
    assert.equal(r.model, base, 'the old model stays');
  });

  test('refuses no corrections, and a model that does not keep its pairs', async () => {
    const base = await tinyModel('peeky');
    await assert.rejects(fineTuneChatModel(base, []), TrainingError);
    const shared = (await trainChatModel(PAIRS, { ...TINY, epochs: 1, questionTokens: 'same' })).model;
    const bare = new ChatModel(shared.engine, shared.vocabulary, shared.options, shared.report);
    await assert.rejects(fineTuneChatModel(bare, [pair('a', 'b')]), /does not keep its training pairs/);
  });
});

describe('regressionCheck', () => {
  test('counts a previously right answer that is now wrong as broken, and accepts up to the share allowed', async () => {
    const model = await tinyModel('peeky');
    const original = [...knownPairs(model), pair('who are you', 'Nobody.', 99)];
    const n = original.length;
    // Told that all were right before: the one the model gets wrong is broken.
    const all = original.map(() => true);
    const strict = regressionCheck(model, model, original, [], 0, all);
    assert.deepEqual([strict.previouslyRight, strict.stillRight, strict.accepted], [n, n - 1, false]);
    assert.deepEqual(strict.broken.map((b) => [b.question, b.expected, b.got]), [['who are you', 'Nobody.', 'A small model.']]);
    assert.equal(regressionCheck(model, model, original, [], 1 / n, all).accepted, true);
    // Asked itself, the model breaks nothing.
    const same = regressionCheck(model, model, original, [pair('hello', 'Hi!')]);
    assert.deepEqual([same.previouslyRight, same.broken.length, same.learned, same.accepted], [n - 1, 0, 1, true]);
  });
});
