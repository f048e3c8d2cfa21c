/**
 * Two aids to understanding rephrasings (issue #9): an answer's own distinctive words trained as questions
 * for it (TrainOptions.answerWords), and the lexical prior of constrained replies (DecodeOptions.lexicalPrior,
 * src/decode/constrained.ts `AnswerPrior`).
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { answerWordsQuestion } from '../../../src/chat/augment';
import { buildTrie } from '../../../src/chat/answers';
import { trainChatModel, DEFAULT_NORMALIZE_OPTIONS, type Pair } from '../../../src/chat';
import { answerWordQuestions, resolveTrainOptions } from '../../../src/chat/train';
import { questionWords } from '../../../src/text/analyze';
import { normalizeQuestion } from '../../../src/text';
import { constrainedBatch } from '../../../src/decode/constrained';
import { createModel } from '../../../src/models/factory';
import { UNK } from '../../../src/models/tokens';
import { Random } from '../../../src/random';

const PETS = 'Dogs and cats are welcome for $15 per night.';
const BREAKFAST = 'Breakfast is served from 7 to 10 am in the lobby.';
const PAIRS: Pair[] = [
  { question: 'are pets allowed', answer: PETS, line: 1 },
  { question: 'can i bring my dog', answer: PETS, line: 2 },
  { question: 'when is breakfast', answer: BREAKFAST, line: 3 },
  { question: 'what time is breakfast served', answer: BREAKFAST, line: 4 },
];

describe('answer words as questions', () => {
  test('a drawn question is deterministic under a seed, in the answer order, one to 2 × size words', () => {
    const ids = Array.from({ length: 40 }, (_, i) => 10 + i);
    const a = Array.from({ length: 200 }, (_, s) => answerWordsQuestion(ids, new Random(s), 3));
    const b = Array.from({ length: 200 }, (_, s) => answerWordsQuestion(ids, new Random(s), 3));
    assert.deepEqual(a, b);
    for (const q of a) {
      assert.ok(q.length >= 1 && q.length <= 6, `${q.length} words`);
      assert.ok(q.every((id, i) => ids.includes(id) && (i === 0 || id > q[i - 1])), JSON.stringify(q));
    }
    const mean = a.reduce((s, q) => s + q.length, 0) / a.length;
    assert.ok(mean > 2 && mean < 4, `mean ${mean} words`);
    assert.deepEqual(answerWordsQuestion([5, 6], new Random(1), 3), [5, 6]);
  });

  test('only words no other answer and no other answer’s question uses are kept', () => {
    const o = resolveTrainOptions({});
    const tokens = PAIRS.map((p) => questionWords(normalizeQuestion(p.question, DEFAULT_NORMALIZE_OPTIONS)));
    const chosen = answerWordQuestions(PAIRS, PAIRS, tokens, o);
    assert.deepEqual(chosen.map((c) => c.pair.answer), [PETS, BREAKFAST]);
    assert.deepEqual(chosen[0].words, ['dog', 'and', 'cat', 'are', 'welcom', 'for', '15', 'per', 'night']);
    assert.ok(chosen[1].words.includes('breakfast') && chosen[1].words.includes('lobbi'), JSON.stringify(chosen[1].words));
    // A word of the pets answer that a breakfast question uses is nobody's own.
    const shared: Pair[] = [...PAIRS, { question: 'are dogs welcome at breakfast', answer: BREAKFAST, line: 5 }];
    const sharedTokens = shared.map((p) => questionWords(normalizeQuestion(p.question, DEFAULT_NORMALIZE_OPTIONS)));
    const again = answerWordQuestions(shared, shared, sharedTokens, o);
    assert.ok(!again[0].words.includes('welcom') && !again[0].words.includes('dog'), JSON.stringify(again[0].words));
    assert.ok(again[0].words.includes('cat'));
  });

  test('an answer-only word becomes a known question word, and a question made of it is answered', async () => {
    const on = await trainChatModel(PAIRS, { includeDefaultPairs: false, epochs: 60 });
    const off = await trainChatModel(PAIRS, { includeDefaultPairs: false, epochs: 60, answerWords: false });
    assert.notEqual(on.model.encodeQuestion('cats')[0], UNK);
    assert.equal(off.model.encodeQuestion('cats')[0], UNK);
    // Words only the answers have, read by the decoder alone (no lexical prior), under three seeds (without
    // answer words, each seed gets one of them wrong).
    for (const seed of [1, 2, 3]) {
      const { model } = seed === 1 ? on : await trainChatModel(PAIRS, { includeDefaultPairs: false, epochs: 60, seed });
      assert.equal(model.reply('cats?', { strategy: 'greedy', lexicalPrior: 0 }).text, PETS, `seed ${seed}`);
      assert.equal(model.reply('lobby', { strategy: 'greedy', lexicalPrior: 0 }).text, BREAKFAST, `seed ${seed}`);
      // The trained questions stay answered exactly.
      for (const p of PAIRS) assert.equal(model.reply(p.question).text, p.answer);
    }
  });
});

describe('the lexical prior of constrained replies', () => {
  const engine = (): ReturnType<typeof createModel> => createModel('peeky', { vocabSize: 12, wordvec: 4, hidden: 6, reverse: true }, new Random(3));
  const answers = [[4, 5], [4, 6, 7], [8]];
  const trie = buildTrie(answers);
  const questions = [[4, 5, 6], [7, 9], [10]];

  test('weight 0 or no bonus changes nothing; a large bonus on an answer makes it the reply', () => {
    const m = engine();
    const plain = constrainedBatch(m, questions, trie, 6);
    const none = constrainedBatch(m, questions, trie, 6, true, { bonus: questions.map(() => new Map()), weight: 4, answers });
    const zero = constrainedBatch(m, questions, trie, 6, true, { bonus: questions.map(() => new Map([[2, 1]])), weight: 0, answers });
    assert.deepEqual(none, plain);
    assert.deepEqual(zero, plain);
    for (const target of [0, 1, 2]) {
      const pushed = constrainedBatch(m, questions, trie, 6, true, { bonus: questions.map(() => new Map([[target, 1]])), weight: 100, answers });
      assert.deepEqual(pushed.map((r) => r.answer), [target, target, target], `towards answer ${target}`);
      pushed.forEach((r, i) => assert.deepEqual(r.ids, answers[target], `question ${i}`));
    }
  });

  test('a bonus reaches a branch deep in the trie, and the larger of two bonuses wins', () => {
    const m = engine();
    // Answers 0 and 1 share their first token: the choice between them is at the second step.
    const both = constrainedBatch(m, questions, trie, 6, true, { bonus: questions.map(() => new Map([[0, 0.2], [1, 1]])), weight: 50, answers });
    assert.deepEqual(both.map((r) => r.answer), [1, 1, 1]);
    const other = constrainedBatch(m, questions, trie, 6, true, { bonus: questions.map(() => new Map([[0, 1], [1, 0.2]])), weight: 50, answers });
    assert.deepEqual(other.map((r) => r.answer), [0, 0, 0]);
  });

  test('a reply with the prior is a trained answer, and the model’s default prior keeps trained questions right', async () => {
    const { model } = await trainChatModel(PAIRS, { includeDefaultPairs: false, epochs: 60 });
    for (const weight of [0, 4, 20]) {
      for (const p of PAIRS) assert.equal(model.reply(p.question, { strategy: 'greedy', lexicalPrior: weight }).text, p.answer, `weight ${weight}: ${p.question}`);
    }
    // A question sharing only a rare word with one answer's questions leans to it as the weight grows.
    assert.equal(model.reply('dog', { strategy: 'greedy', lexicalPrior: 20 }).text, PETS);
    assert.equal(model.reply('breakfast?', { strategy: 'greedy', lexicalPrior: 20 }).text, BREAKFAST);
  });
});
