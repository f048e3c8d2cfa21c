import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelKind } from '../../../src/chat/types';
import { buildTrie } from '../../../src/chat/answers';
import { beamSearch, topK } from '../../../src/decode/beam';
import { padRows } from '../../../src/chat/greedy';
import { answerLogPosteriors, constrainedBatch } from '../../../src/decode/constrained';
import { greedyDecode } from '../../../src/decode/greedy';
import { sampleDecode, sampleIndex } from '../../../src/decode/sample';
import { createModel } from '../../../src/models/factory';
import type { Seq2seqModel } from '../../../src/models/types';
import { END, START, UNK } from '../../../src/models/tokens';
import { rowsOf } from '../../../src/matrix';
import { Random } from '../../../src/random';

const kinds: ModelKind[] = ['simple', 'peeky', 'attention'];

function model(kind: ModelKind, seed: number): Seq2seqModel {
  const m = createModel(kind, { vocabSize: 8, wordvec: 4, hidden: 6, reverse: true }, new Random(seed));
  // sharpen the untrained model's distributions so replies vary and sometimes end
  for (const p of m.params) p.mul(4);
  return m;
}

/** Σ log p of `ids` (then END if finished), fed back step by step: an independent score. */
function teacherScore(m: Seq2seqModel, question: number[], ids: number[], finished: boolean): number {
  let state = m.encode([question]);
  let prev = START;
  let logp = 0;
  const seq = finished ? [...ids, END] : ids;
  for (const id of seq) {
    const r = m.step(state, [prev]);
    logp += Math.log(rowsOf(r.probs)[0][id]);
    state = r.state;
    prev = id;
  }
  return seq.length === 0 ? 0 : logp / seq.length;
}

describe('decoders', () => {
  test('topK returns the largest entries, lower index first on ties', () => {
    assert.deepEqual(topK([0.1, 0.4, 0.4, 0.05, 0.05], 3), [1, 2, 0]);
  });

  for (const kind of kinds) {
    test(`${kind}: beam width 1 gives exactly the greedy reply, probabilities and score`, () => {
      for (let seed = 0; seed < 5; seed++) {
        const m = model(kind, 50 + seed);
        const q = [4, 5, 6 + (seed % 2)];
        const g = greedyDecode(m, q, { maxLength: 8 });
        const [b] = beamSearch(m, q, { beamWidth: 1, maxLength: 8 });
        assert.deepEqual(b, g);
      }
    });

    test(`${kind}: beam search returns n-best replies sorted by their length-normalised log-probability`, () => {
      const m = model(kind, 60);
      const q = [7, 4];
      const best = beamSearch(m, q, { beamWidth: 4, maxLength: 6 });
      assert.ok(best.length >= 1 && best.length <= 4);
      for (let i = 1; i < best.length; i++) assert.ok(best[i - 1].score >= best[i].score);
      for (const r of best) {
        assert.ok(Math.abs(r.score - teacherScore(m, q, r.ids, r.finished)) < 1e-9);
        assert.ok(r.ids.length <= 6);
        assert.ok(r.finished || r.ids.length === 6);
        assert.equal(r.probs.length, r.ids.length);
      }
      const g = greedyDecode(m, q, { maxLength: 6 });
      assert.ok(best[0].score >= g.score - 1e-12, 'the best beam is at least as good as greedy');
    });

    test(`${kind}: greedy stops at maxLength with finished false, and its probabilities are the model's`, () => {
      const m = model(kind, 70);
      const r = greedyDecode(m, [4, 5], { maxLength: 2, endId: 99 });
      assert.equal(r.ids.length, 2);
      assert.equal(r.finished, false);
      const first = m.step(m.encode([[4, 5]]), [START]);
      assert.equal(r.probs[0], Math.max(...rowsOf(first.probs)[0]));
      if (kind === 'attention') {
        assert.equal(r.attention?.length, 2);
        for (const row of r.attention ?? []) assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-9);
      } else {
        assert.equal(r.attention, undefined);
      }
    });

    test(`${kind}: sampling is reproducible with a seed and temperature 0 is greedy`, () => {
      const m = model(kind, 80);
      const q = [6, 6, 7];
      const a = sampleDecode(m, q, { temperature: 1.5, rng: new Random(9), maxLength: 8 });
      const b = sampleDecode(m, q, { temperature: 1.5, rng: new Random(9), maxLength: 8 });
      assert.deepEqual(a, b);
      assert.deepEqual(sampleDecode(m, q, { temperature: 0, rng: new Random(1), maxLength: 8 }), greedyDecode(m, q, { maxLength: 8 }));
    });
  }

  test('sampleIndex follows p^(1/τ): frequencies match the tempered distribution', () => {
    const rng = new Random(3);
    const p = [0.2, 0.8];
    const counts = [0, 0];
    for (let i = 0; i < 4000; i++) counts[sampleIndex(p, 0.5, rng)]++;
    const expected = 0.04 / (0.04 + 0.64); // p^2 renormalised
    assert.ok(Math.abs(counts[0] / 4000 - expected) < 0.02, `${counts[0] / 4000} vs ${expected}`);
  });

  test('rejects a negative temperature, a zero beam width and a fractional maxLength', () => {
    const m = model('simple', 1);
    assert.throws(() => sampleDecode(m, [4], { temperature: -1, rng: new Random(1) }), /temperature must be a finite number ≥ 0, got -1/);
    assert.throws(() => beamSearch(m, [4], { beamWidth: 0 }), /beamWidth must be an integer ≥ 1, got 0/);
    assert.throws(() => greedyDecode(m, [4], { maxLength: 1.5 }), /maxLength must be a non-negative integer, got 1.5/);
  });

  for (const kind of kinds) {
    test(`${kind}: an empty question still decodes`, () => {
      const r = greedyDecode(model(kind, 2), [], { maxLength: 3 });
      assert.ok(r.ids.length <= 3);
    });
  }
});

describe('constrained decoding without probabilities', () => {
  for (const kind of kinds) {
    test(`${kind}: scoreAt(n, id) is scores[n][id], read before or after the whole matrix (the product may run in float32)`, () => {
      const m = model(kind, 7);
      const state = m.encode([[4, 5, 6], [7, 4, 0]]);
      const lone = m.step(state, [START, START]);
      const single = [0, 1].map((n) => Array.from({ length: 8 }, (_, id) => lone.scoreAt(n, id)));
      const whole = m.step(state, [START, START]);
      const S = rowsOf(whole.scores);
      for (let n = 0; n < 2; n++) {
        for (let id = 0; id < 8; id++) {
          assert.ok(Math.abs(single[n][id] - S[n][id]) < 1e-6, `row ${n}, id ${id}: ${single[n][id]} vs ${S[n][id]}`);
          assert.equal(whole.scoreAt(n, id), S[n][id]);
        }
      }
    });

    test(`${kind}: picks the same answers with the same posterior as the full-softmax pass`, () => {
      const m = model(kind, 11);
      const answers = [[4, 5], [4, 6, 7], [5], [6, 4, 5, 7], [7, 7]];
      const trie = buildTrie(answers);
      const questions = [[4, 5, 6], [7], [6, 6, 4, 5], [5, 4], [4]];
      const full = constrainedBatch(m, questions, trie, 6, true);
      const lean = constrainedBatch(m, questions, trie, 6, false);
      assert.deepEqual(lean.map((r) => r.answer), full.map((r) => r.answer));
      assert.deepEqual(lean.map((r) => r.ids), full.map((r) => r.ids));
      lean.forEach((r, i) => assert.ok(Math.abs(r.logPosterior - full[i].logPosterior) < 1e-6, `question ${i}`));
      assert.ok(full.some((r) => r.logPosterior < 0), 'some step had a real choice');
      assert.ok(lean.every((r) => r.probs.length === 0));
    });

    test(`${kind}: every answer's teacher-forced log posterior: a distribution over the answers, the chosen one's as decoded`, () => {
      const m = model(kind, 17);
      const answers = [[4, 5], [4, 6, 7], [5], [6, 4, 5, 7], [7, 7]];
      const trie = buildTrie(answers);
      for (const q of [[4, 5, 6], [7], [UNK]]) {
        const all = answerLogPosteriors(m, q, trie, answers);
        assert.ok(Math.abs(all.reduce((sum, v) => sum + Math.exp(v), 0) - 1) < 1e-9);
        const [row] = constrainedBatch(m, [q], trie, 6, false);
        assert.ok(Math.abs(all[row.answer] - row.logPosterior) < 1e-6, `${all[row.answer]} vs ${row.logPosterior}`);
      }
    });

    test(`${kind}: the n-best margin is the first branch's best minus second renormalised probability, and the least is never above it`, () => {
      const m = model(kind, 13);
      const answers = [[4, 5], [4, 6, 7], [5], [6, 4, 5, 7], [7, 7]];
      const questions = [[4, 5, 6], [7], [6, 6, 4, 5]];
      const rows = constrainedBatch(m, questions, buildTrie(answers), 6, false);
      const state = m.encode(padRows(questions));
      const first = m.step(state, questions.map(() => START));
      rows.forEach((r, n) => {
        // the root allows 4, 5, 6 and 7: softmax over their scores, best minus second
        const p = [4, 5, 6, 7].map((id) => Math.exp(first.scoreAt(n, id)));
        const sum = p.reduce((a, b) => a + b, 0);
        const sorted = p.map((v) => v / sum).sort((a, b) => b - a);
        assert.ok(Math.abs(r.firstMargin - (sorted[0] - sorted[1])) < 1e-6, `question ${n}: ${r.firstMargin} vs ${sorted[0] - sorted[1]}`);
        assert.ok(r.margin >= 0 && r.margin <= r.firstMargin + 1e-12);
      });
    });
  }
});
