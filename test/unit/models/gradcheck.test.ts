import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelKind } from '../../../src/chat/types';
import { createModel } from '../../../src/models/factory';
import { END, PAD, START } from '../../../src/models/tokens';
import { Random } from '../../../src/random';
import { gradientError } from '../helpers/gradcheck';

// Questions of different lengths padded with PAD; answers START … END, PAD-padded.
const xs = [
  [4, 5, 6, 7],
  [5, 8, PAD, PAD],
  [6, PAD, PAD, PAD],
];
const ts = [
  [START, 6, 7, END],
  [START, 4, END, PAD],
  [START, 8, 5, END],
];

const kinds: ModelKind[] = ['simple', 'peeky', 'attention'];

describe('whole-model gradient checks', () => {
  for (const kind of kinds) {
    for (const reverse of [false, true]) {
      test(`${kind} seq2seq${reverse ? ' with reversed input' : ''}: every parameter's gradient matches central differences on a padded batch`, () => {
        const model = createModel(kind, { vocabSize: 9, wordvec: 3, hidden: 4, reverse }, new Random(21));
        // the book's tiny init makes embedding gradients ~1e-4; scale weights up so every entry matters
        for (const p of model.params) p.mul(20 / Math.sqrt(p.rows * p.columns) + 1);
        const err = gradientError(() => {
          const loss = model.forward(xs, ts);
          model.backward();
          return { loss, grads: model.grads };
        }, model.params);
        assert.ok(err < 1e-5, `relative error ${err}`);
      });
    }
  }
});
