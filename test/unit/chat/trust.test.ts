/**
 * The pieces behind trustworthy answers (issue #9): noise under a seed, the answer trie and constrained
 * decoding, the confidence's monotonicity, the reply limit, default pairs merged with the user's winning.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keywordQuestion, noisyQuestion } from '../../../src/chat/augment';
import { buildTrie, FUNCTION_WORD_FACTOR, QuestionIndex } from '../../../src/chat/answers';
import { confidenceOf, type ConfidenceFeatures } from '../../../src/chat/confidence';
import { EncodedQuestions, encodeStates } from '../../../src/chat/encoded';
import { readDefaultPairs, withDefaultPairs } from '../../../src/chat/default-pairs';
import { deserializeModel, serializeModel, trainChatModel, DEFAULT_NORMALIZE_OPTIONS, DEFAULT_PAIRS_RELATIVE_PATH, readPairs, type Pair } from '../../../src/chat';
import { constrainedBatch } from '../../../src/decode/constrained';
import { beamSearch } from '../../../src/decode/beam';
import { END, UNK } from '../../../src/models/tokens';
import { Random } from '../../../src/random';

describe('question noise', () => {
  test('is deterministic under a seed and keeps at least one original token', () => {
    const q = [10, 11, 12, 13, 14, 15];
    const a = Array.from({ length: 50 }, (_, i) => noisyQuestion(q, new Random(i), 0.5));
    const b = Array.from({ length: 50 }, (_, i) => noisyQuestion(q, new Random(i), 0.5));
    assert.deepEqual(a, b);
    for (const n of a) {
      assert.ok(n.some((id) => q.includes(id)), JSON.stringify(n));
      assert.ok(n.every((id) => id === UNK || q.includes(id)));
    }
    assert.ok(a.some((n) => n.includes(UNK)), 'some tokens become UNK');
    assert.deepEqual(noisyQuestion([7], new Random(1), 0.9), [7]);
  });

  test('keyword copies always keep the rarest word', () => {
    const weight = (id: number): number => (id === 12 ? 5 : 1);
    for (let s = 0; s < 30; s++) assert.ok(keywordQuestion([10, 11, 12, 13], new Random(s), weight).includes(12));
  });
});

describe('answer trie and constrained decoding', () => {
  test('the trie spells every answer and ends each with END', () => {
    const trie = buildTrie([[5, 6], [5, 7, 8], [5, 6, 9]]);
    assert.deepEqual([...trie.next.keys()], [5]);
    const after56 = trie.next.get(5)?.next.get(6);
    assert.deepEqual([...(after56?.next.keys() ?? [])].sort(), [END, 9].sort());
    assert.equal(after56?.next.get(END)?.answer, 0);
  });

  test('a trained model answers with one of its trained answers, even for gibberish', async () => {
    const pairs: Pair[] = [
      { question: 'how do i reset my password', answer: 'Use the reset link on the login page.', line: 1 },
      { question: 'where is my order', answer: 'Track it under My orders.', line: 2 },
      { question: 'can i return an item', answer: 'Yes, within 30 days.', line: 3 },
    ];
    const { model } = await trainChatModel(pairs, { epochs: 60, includeDefaultPairs: false });
    const answers = new Set(pairs.map((p) => p.answer));
    for (const q of ['zzzz qqqq', 'password', 'return?', 'order status', '']) {
      const r = model.reply(q);
      assert.ok(answers.has(r.text), `${q} → ${r.text}`);
      assert.equal(r.cut, false);
    }
    const trie = model.answerTrie;
    assert.ok(trie);
    const rows = constrainedBatch(model.engine, pairs.map((p) => model.encodeQuestion(p.question)), trie, model.maxReplyLength);
    assert.deepEqual(rows.map((r) => r.answer), [0, 1, 2]);
    for (const r of rows) assert.ok(r.logPosterior <= 0 && r.probs.every((p) => p > 0 && p <= 1));
    // Free generation stays available and is capped by the model's own limit.
    const free = model.reply('where is my order', { strategy: 'greedy', constrained: false });
    assert.equal(free.text, 'Track it under My orders.');
    assert.ok(model.maxReplyLength >= model.encodeAnswer(pairs[0].answer).length - 2 + 10);
    // Beam search at the settings' maxima stops once its replies have ended (it ran every beam to 1,000
    // tokens: 10 s a reply), so its cost is bounded by the answers, not by maxLength.
    let steps = 0;
    const step = model.engine.step.bind(model.engine);
    const counting = Object.assign(Object.create(model.engine) as typeof model.engine, { step: (s: Parameters<typeof step>[0], ids: number[]) => (steps++, step(s, ids)) });
    const beam = beamSearch(counting, model.encodeQuestion('where is my order'), { beamWidth: 32, maxLength: 1000 });
    assert.ok(beam[0].finished);
    assert.ok(steps <= 32 * 40, `${steps} decoder steps`);
    // The knowledge survives a save.
    const back = deserializeModel(serializeModel(model));
    assert.deepEqual(back.knowledge?.answers, model.knowledge?.answers);
    assert.equal(back.maxReplyLength, model.maxReplyLength);
    assert.equal(back.reply('order status').text, model.reply('order status').text);
    // The encoder-space closeness (src/chat/encoded.ts, measured by scripts/calibrate.ts): a trained question
    // encoded alone has the state it has in a batch (PAD is masked), so it is its own closest, at cosine 1.
    const ids = pairs.map((p) => model.encodeQuestion(p.question));
    const encoded = new EncodedQuestions(encodeStates(model.engine, ids), [0, 1, 2]);
    const own = encoded.closeness(encodeStates(model.engine, [ids[1]])[0], 1);
    assert.ok(Math.abs(own.similarity - 1) < 1e-9 && Math.abs(own.support - 1) < 1e-9 && own.centroid > 0.999, JSON.stringify(own));
    // The new signals come back from a saved model (its weights are stored as float32).
    for (const q of ['order status', 'zzzz qqqq']) {
      const [a, b] = [back.reply(q).signals, model.reply(q).signals];
      assert.ok(a?.margin !== undefined && b?.margin !== undefined && Math.abs(a.margin - b.margin) < 1e-6, q);
      assert.equal(a.topicCoverage, b.topicCoverage);
    }
  });
});

describe('confidence', () => {
  const base: ConfidenceFeatures = { posterior: 0.6, minProb: 0.5, coverage: 0.6, similarity: 0.5, agrees: false };
  test('is in [0, 1] and never falls when a signal gets better', () => {
    const c0 = confidenceOf(base);
    assert.ok(c0 > 0 && c0 < 1);
    for (const better of [{ posterior: 0.9 }, { minProb: 0.9 }, { coverage: 0.9 }, { similarity: 0.9 }, { agrees: true }, { support: 0.9 }, { margin: 0.9 }, { firstMargin: 0.9 }, { topicCoverage: 0.9 }, { answerCoverage: 0.9 }]) {
      assert.ok(confidenceOf({ ...base, ...better }) >= c0, JSON.stringify(better));
    }
    assert.ok(confidenceOf({ ...base, answerCoverage: 0.9 }) > confidenceOf(base) + 0.1, 'a question in the words of the answer is surer');
    // a trained question asked as trained is sure, with or without the answer's words
    assert.ok(confidenceOf({ posterior: 1, minProb: 1, coverage: 1, similarity: 1, agrees: true, support: 1 }) > 0.7);
    assert.ok(confidenceOf({ posterior: 1, minProb: 1, coverage: 1, similarity: 1, agrees: true, support: 1, answerCoverage: 1 }) > 0.99);
    assert.ok(confidenceOf({ posterior: 0.2, minProb: 0.05, coverage: 0, similarity: 0, agrees: false }) < 0.1);
  });

  test('encoder closeness: the cosine to the closest state, and to the closest of the reply\'s answer', () => {
    const states = [Float64Array.from([1, 0, 0]), Float64Array.from([0, 2, 0]), Float64Array.from([1, 1, 0])];
    const encoded = new EncodedQuestions(states, [0, 1, 1]);
    const c = encoded.closeness(Float64Array.from([3, 0, 0]), 1);
    assert.ok(Math.abs(c.similarity - 1) < 1e-12);
    assert.ok(Math.abs(c.support - Math.SQRT1_2) < 1e-12, 'the closest of answer 1 is [1, 1, 0]');
    // answer 1's centroid: the mean of [0, 1, 0] and [√½, √½, 0]
    const mean = [Math.SQRT1_2 / 2, (1 + Math.SQRT1_2) / 2];
    assert.ok(Math.abs(c.centroid - mean[0] / Math.hypot(mean[0], mean[1])) < 1e-12, `${c.centroid}`);
    assert.deepEqual(encoded.closeness(Float64Array.from([0, 0, 1]), 7), { similarity: 0, support: 0, centroid: 0 });
    assert.throws(() => new EncodedQuestions(states, [0]), /one answer per state, got 1 for 3/);
  });

  test('question similarity: the same question is 1, a question with no shared word is far', () => {
    const index = new QuestionIndex([{ text: 'a', answer: 0 }, { text: 'b', answer: 1 }], [['reset', 'password'], ['track', 'order']]);
    assert.ok(Math.abs(index.nearest(['reset', 'password'], 1)[0].similarity - 1) < 1e-12);
    assert.deepEqual(index.nearest(['capital', 'peru'], 1), []);
    assert.equal(index.coverage(['capital', 'peru']), 0);
    assert.equal(index.coverage(['password']), 1);
  });

  test('function words barely count: a question that shares only its frame with a trained one is far from it', () => {
    const index = new QuestionIndex(
      [{ text: 'a', answer: 0 }, { text: 'b', answer: 1 }],
      [['how', 'do', 'i', 'reset', 'my', 'password'], ['track', 'order']],
    );
    // "how do i bake bread": three words of a trained question, but only its frame; the two content words unknown
    const seen = Math.log(1 + 2) * FUNCTION_WORD_FACTOR;
    const unseen = index.unseenWeight;
    assert.ok(Math.abs(index.coverage(['how', 'do', 'i', 'bake', 'bread']) - (3 * seen) / (3 * seen + 2 * unseen)) < 1e-12);
    assert.ok(index.coverage(['how', 'do', 'i', 'bake', 'bread']) < 0.2, 'weighed as any word, the frame would be 3/5 of it');
    assert.ok(index.nearest(['how', 'do', 'i', 'bake', 'bread'], 1)[0].similarity < 0.05);
    // one content word outweighs the frame: "password" alone is most of the way to the trained question
    assert.ok(index.nearest(['how', 'do', 'i', 'change', 'password'], 1)[0].similarity > 0.4);
    // a question of function words only still has weight (never read as "no words": coverage 1)
    assert.equal(index.coverage(['what', 'is', 'it']), 0);
  });

  test('topic coverage: the share of the question\'s word weight that the answer\'s questions have, all together', () => {
    const index = new QuestionIndex(
      [{ text: 'a', answer: 0 }, { text: 'b', answer: 0 }, { text: 'c', answer: 1 }],
      [['reset', 'password'], ['forgot', 'password'], ['track', 'order']],
    );
    assert.equal(index.topicCoverage(['forgot', 'reset'], 0), 1, 'two phrasings of one answer explain it together');
    assert.equal(index.topicCoverage(['forgot', 'reset'], 1), 0);
    // both words in one question each, so the same weight: half of the words are the topic's
    assert.ok(Math.abs(index.topicCoverage(['reset', 'order'], 0) - 0.5) < 1e-12);
    // 'password' (in two questions) weighs log(1 + 3/2), an unknown word log(1 + 3)
    const expected = Math.log(2.5) / (Math.log(2.5) + Math.log(4));
    assert.ok(Math.abs(index.topicCoverage(['password', 'peru'], 0) - expected) < 1e-12);
    assert.equal(index.topicCoverage([], 0), 1);
  });

  test('answer coverage: the share of the question\'s word weight that the reply\'s answer text has', () => {
    const index = new QuestionIndex([{ text: 'a', answer: 0 }, { text: 'b', answer: 1 }], [['bring', 'pet'], ['check', 'time']]);
    const answer = new Set(['dog', 'cat', 'welcom', 'pet']);
    // 'cat' is in no trained question (the weight of an unseen word, log(1 + 2)), 'bring' in one (log(1 + 2)):
    // the same weight, so half of the question is the answer's
    assert.ok(Math.abs(index.answerCoverage(['bring', 'cat'], answer) - 0.5) < 1e-12);
    assert.equal(index.answerCoverage(['dog', 'cat'], answer), 1);
    assert.equal(index.answerCoverage(['capit', 'peru'], answer), 0);
    assert.equal(index.answerCoverage([], answer), 0, 'no words: nothing backs the answer');
  });
});

describe('unknown words read as known ones', () => {
  test('a typo by its trigrams; a derived word by the known word that begins it or that it begins; nothing else', async () => {
    const pairs: Pair[] = [
      { question: 'can i reserve a table', answer: 'Yes, book online.', line: 1 },
      { question: 'where can i print', answer: 'At the front desk.', line: 2 },
      { question: 'how do i transfer money', answer: 'Use the app.', line: 3 },
      { question: 'how do i cancel', answer: 'Write to us.', line: 4 },
      { question: 'do you have audiobooks', answer: 'Yes, in the app.', line: 5 },
    ];
    const { model } = await trainChatModel(pairs, { epochs: 2, includeDefaultPairs: false });
    assert.deepEqual(model.readTokens('a reservation'), ['a', 'reserv']);
    assert.deepEqual(model.readTokens('printer'), ['print']);
    assert.deepEqual(model.readTokens('cancellation'), ['cancel']);
    assert.deepEqual(model.readTokens('audio'), ['audiobook']);
    assert.deepEqual(model.readTokens('transfre'), ['transfer'], 'a typo, by trigrams');
    // a shared beginning alone is not derivation, and a known word under half the unknown one is not read into it
    assert.deepEqual(model.readTokens('translate'), ['translat']);
    assert.deepEqual(model.readTokens('printability'), ['printabiliti']);
  });
});

describe('default pairs', () => {
  test('join the user pairs; the user pair wins on the same question after normalisation', () => {
    const user: Pair[] = [{ question: 'Hello!', answer: 'Welcome to the planets FAQ.', line: 1 }];
    const defaults: Pair[] = [{ question: 'hello', answer: 'Hello! Ask me anything.', line: 3 }, { question: 'thanks', answer: 'No problem!', line: 4 }];
    const merged = withDefaultPairs(user, defaults, DEFAULT_NORMALIZE_OPTIONS);
    assert.deepEqual(merged.map((p) => p.answer), ['Welcome to the planets FAQ.', 'No problem!']);
    assert.equal(merged[1].line, -4);
  });
});

describe('the small talk trained with a user\'s pairs', () => {
  const root = join(__dirname, '..', '..', '..', '..');
  const all = readPairs(new Uint8Array(readFileSync(join(root, DEFAULT_PAIRS_RELATIVE_PATH))), DEFAULT_PAIRS_RELATIVE_PATH).pairs;
  const smallTalk = readDefaultPairs(root);

  test('is a part of the default model\'s pairs, each answered the same', () => {
    const answerOf = new Map(all.map((p) => [p.question, p.answer]));
    assert.ok(smallTalk.length >= 40 && smallTalk.length < all.length / 2, `${smallTalk.length} of ${all.length}`);
    for (const p of smallTalk) assert.equal(answerOf.get(p.question), p.answer, p.question);
  });

  test('greets, thanks, says goodbye and says what it is, in English and Japanese', () => {
    const questions = new Set(smallTalk.map((p) => p.question));
    for (const q of ['hello', 'thanks', 'thank you', 'bye', 'how are you', 'who are you', 'what can you do', 'こんにちは', 'ありがとう', 'さようなら', '何ができますか']) {
      assert.ok(questions.has(q), q);
    }
    assert.ok(!questions.has('what is gradient clipping'), 'the book\'s terms stay in the default model only');
  });
});
