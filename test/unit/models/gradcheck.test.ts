import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelKind } from '../../../src/chat/types';
import { createModel } from '../../../src/models/factory';
import type { Seq2seqModel } from '../../../src/models/types';
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

/** The worst error of every parameter's gradient on the padded batch above. */
function modelGradientError(model: Seq2seqModel): number {
  // the book's tiny init makes embedding gradients ~1e-4; scale weights up so every entry matters
  for (const p of model.params) p.mul(20 / Math.sqrt(p.rows * p.columns) + 1);
  return gradientError(() => {
    const loss = model.forward(xs, ts);
    model.backward();
    return { loss, grads: model.grads };
  }, model.params);
}

describe('whole-model gradient checks', () => {
  for (const kind of kinds) {
    for (const reverse of [false, true]) {
      test(`${kind} seq2seq${reverse ? ' with reversed input' : ''}: every parameter's gradient matches central differences on a padded batch`, () => {
        const err = modelGradientError(createModel(kind, { vocabSize: 9, wordvec: 3, hidden: 4, reverse }, new Random(21)));
        assert.ok(err < 1e-5, `relative error ${err}`);
      });
    }
  }
});

describe('the encoder\'s bag of embeddings (config.bag)', () => {
  for (const kind of ['simple', 'peeky'] as const) {
    test(`${kind} seq2seq with a bag: every parameter's gradient, the bag's V×H included, matches central differences on a padded batch`, () => {
      const model = createModel(kind, { vocabSize: 9, wordvec: 3, hidden: 4, reverse: true, bag: true }, new Random(22));
      const plain = createModel(kind, { vocabSize: 9, wordvec: 3, hidden: 4, reverse: true }, new Random(22));
      assert.equal(model.params.length, plain.params.length + 1, 'one more parameter');
      assert.deepEqual([model.params[4].rows, model.params[4].columns], [9, 4], 'the bag is V×H, after the encoder\'s LSTM');
      const err = modelGradientError(model);
      assert.ok(err < 1e-5, `relative error ${err}`);
    });
  }

  test('the bag adds the mean of its rows over the real tokens: the same words in another order encode alike, PAD adds nothing', () => {
    const model = createModel('peeky', { vocabSize: 9, wordvec: 3, hidden: 4, reverse: false, bag: true }, new Random(23));
    model.params[4].mul(1000); // the bag dominates the LSTM's state
    const h = (rows: number[][]): number[][] => model.encode(rows).h.to2DArray();
    const [a, b] = h([
      [4, 5, 6],
      [6, 4, 5],
    ]);
    const [padded] = h([[4, 5, 6, PAD]]);
    a.forEach((v, j) => assert.ok(Math.abs(v - b[j]) < 0.02 * Math.abs(v) + 1e-6, `order changes the state little: ${v} vs ${b[j]}`));
    a.forEach((v, j) => assert.ok(Math.abs(v - padded[j]) < 1e-9, `PAD adds nothing: ${v} vs ${padded[j]}`));
  });

  test('attention refuses a bag (it reads every encoder state, not the last one)', () => {
    assert.throws(() => createModel('attention', { vocabSize: 9, wordvec: 3, hidden: 4, reverse: false, bag: true }, new Random(1)), /bag/);
  });
});
