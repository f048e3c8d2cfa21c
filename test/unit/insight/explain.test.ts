import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { trainChatModel, type Pair } from '../../../src/chat';
import { attentionMap, explainReply, N_BEST } from '../../../src/insight/explain';

const PAIRS: Pair[] = [
  { question: 'where is my order', answer: 'Track it under My orders.', line: 1 },
  { question: 'how do i reset my password', answer: 'Use the reset link.', line: 2 },
  { question: 'can i return an item', answer: 'Yes, within 30 days.', line: 3 },
];

describe('attentionMap (answer × question)', () => {
  test('a hand-made matrix: row r is reply token r, column c is question token c', () => {
    const question = ['where', 'is', 'my', 'order'];
    const reply = ['Track', ' ', 'it'];
    // Each reply token looks mostly at one question token: "Track" at "order", " " at "my", "it" at "where".
    const weights = [
      [0.1, 0.0, 0.1, 0.8],
      [0.0, 0.2, 0.7, 0.1],
      [0.6, 0.2, 0.1, 0.1],
    ];
    const m = attentionMap(question, reply, weights);
    assert.deepEqual(m.rows, reply);
    assert.deepEqual(m.columns, question);
    const strongest = m.rows.map((_, r) => m.columns[m.weights[r].indexOf(Math.max(...m.weights[r]))]);
    assert.deepEqual(strongest, ['order', 'my', 'where']);
    assert.equal(m.weights[2][0], 0.6);
  });

  test('a transposed matrix (question × answer) is refused, naming expected and got', () => {
    const transposed = [[0.1, 0.0, 0.6], [0.0, 0.2, 0.2], [0.1, 0.7, 0.1], [0.8, 0.1, 0.1]];
    assert.throws(() => attentionMap(['where', 'is', 'my', 'order'], ['Track', ' ', 'it'], transposed), /expected 3 rows \(one per reply token\), got 4/);
    assert.throws(() => attentionMap(['a', 'b'], ['x'], [[1]]), /expected row 0 to have 2 weights \(one per question token\), got 1/);
  });
});

describe('explainReply', () => {
  test('an attention model: the heatmap has one row per reply token and one column per question word, in reading order, each row a distribution', async () => {
    const { model } = await trainChatModel(PAIRS, { model: 'attention', reverse: true, epochs: 200, hidden: 16, wordvec: 8, includeDefaultPairs: false });
    const e = explainReply(model, 'Where is my order?');
    assert.equal(e.kind, 'attention');
    assert.deepEqual(e.questionTokens, model.readTokens('Where is my order?'));
    assert.equal(e.questionTokens[e.questionTokens.length - 1], 'order', 'reading order, although the encoder reads the question reversed');
    const a = e.attention;
    assert.ok(a);
    assert.deepEqual(a.rows, e.tokens.map((t) => t.text));
    assert.deepEqual(a.columns, e.questionTokens);
    for (const row of a.weights) {
      assert.equal(row.length, e.questionTokens.length);
      assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-6, `row sums to 1: ${row.join(', ')}`);
    }
    assert.equal(e.reply, 'Track it under My orders.');
    for (const t of e.tokens) assert.ok(t.prob > 0 && t.prob <= 1);
    assert.ok(e.nBest.length >= 1 && e.nBest.length <= N_BEST);
    for (let i = 1; i < e.nBest.length; i++) assert.ok(e.nBest[i - 1].score >= e.nBest[i].score, 'best first');
    assert.equal(e.nBest[0].text, e.reply);
    assert.equal(e.nBest[0].trained, true);
    assert.equal(e.closest[0].question, 'where is my order');
    assert.equal(e.closest[0].answer, 'Track it under My orders.');
    assert.ok(Math.abs(e.closest[0].similarity - 1) < 1e-9);
    assert.ok(e.signals);
    assert.equal(e.threshold, model.threshold);
  });

  test('a model without attention has no heatmap; an empty question is read as one unknown token', async () => {
    const { model } = await trainChatModel(PAIRS, { model: 'peeky', epochs: 5, hidden: 8, wordvec: 4, includeDefaultPairs: false });
    const e = explainReply(model, 'where is my order', { strategy: 'greedy', threshold: 0.99 });
    assert.equal(e.attention, undefined);
    assert.equal(e.threshold, 0.99);
    const blank = explainReply(model, '   ');
    assert.deepEqual(blank.questionTokens, ['<unk>']);
    assert.deepEqual(blank.closest, []);
  });
});
