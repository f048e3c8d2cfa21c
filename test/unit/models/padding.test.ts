import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelKind } from '../../../src/chat/types';
import { AttentionSeq2seq } from '../../../src/models/attention';
import { reverseReal } from '../../../src/models/common';
import { createModel } from '../../../src/models/factory';
import { END, PAD, START } from '../../../src/models/tokens';
import { Random } from '../../../src/random';
import { ShapeError } from '../../../src/matrix';

const config = { vocabSize: 10, wordvec: 4, hidden: 5, reverse: false };
const kinds: ModelKind[] = ['simple', 'peeky', 'attention'];

describe('padding and reversed input', () => {
  test('reverseReal reverses the real tokens of each row and leaves PAD in place', () => {
    const { xs, perm } = reverseReal([[4, 5, 6, PAD], [7, PAD, PAD, PAD]]);
    assert.deepEqual(xs, [[6, 5, 4, PAD], [7, PAD, PAD, PAD]]);
    assert.deepEqual(perm, [[2, 1, 0, 3], [0, 1, 2, 3]]);
  });

  for (const kind of kinds) {
    test(`${kind}: padding a question does not change its loss`, () => {
      const model = createModel(kind, config, new Random(31));
      const t = [[START, 8, 9, END]];
      const alone = model.forward([[4, 5, 6]], t);
      const padded = model.forward([[4, 5, 6, PAD, PAD]], t);
      assert.ok(Math.abs(alone - padded) < 1e-9, `${alone} vs ${padded}`);
    });

    test(`${kind}: reverse=true on a question equals reverse=false on the question read backwards`, () => {
      const fwd = createModel(kind, { ...config, reverse: true }, new Random(32));
      const bwd = createModel(kind, config, new Random(32));
      const t = [[START, 8, END, PAD], [START, 9, 7, END]];
      const a = fwd.forward([[4, 5, 6, PAD], [7, 8, PAD, PAD]], t);
      const b = bwd.forward([[6, 5, 4, PAD], [8, 7, PAD, PAD]], t);
      assert.equal(a, b);
    });

    test(`${kind}: rejects ids outside the vocabulary and answers shorter than two ids`, () => {
      const model = createModel(kind, config, new Random(33));
      assert.throws(() => model.forward([[4, 10]], [[START, END]]), /integer in \[0, 10\), got 10/);
      assert.throws(() => model.forward([[4]], [[START]]), /at least 2 ids/);
      assert.throws(() => model.step(model.encode([[4], [5]]), [START]), ShapeError);
    });
  }

  test('attention gives PAD positions zero weight and reports weights in reading order', () => {
    const model = new AttentionSeq2seq({ ...config, reverse: true }, new Random(34));
    model.forward([[4, 5, 6, PAD], [7, PAD, PAD, PAD]], [[START, 8, END], [START, 9, END]]);
    assert.equal(model.attentionWeights.length, 2);
    for (const a of model.attentionWeights) {
      assert.equal(a.get(0, 3), 0);
      assert.deepEqual([a.get(1, 1), a.get(1, 2), a.get(1, 3)], [0, 0, 0]);
      assert.ok(Math.abs(a.get(1, 0) - 1) < 1e-12);
    }
    // reading order: the reversed model's weights, mapped back, equal a plain model's on the reversed question
    const plain = new AttentionSeq2seq(config, new Random(34));
    plain.forward([[6, 5, 4, PAD], [7, PAD, PAD, PAD]], [[START, 8, END], [START, 9, END]]);
    const r = model.attentionWeights[0].getRow(0);
    const p = plain.attentionWeights[0].getRow(0);
    assert.deepEqual([r[0], r[1], r[2]], [p[2], p[1], p[0]]);
  });
});
