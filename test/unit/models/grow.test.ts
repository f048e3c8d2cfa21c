import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from 'ml-matrix';
import type { ModelKind } from '../../../src/chat/types';
import { rowsOf } from '../../../src/matrix';
import { createModel, growModel } from '../../../src/models';
import { END, PAD, START } from '../../../src/models/tokens';
import { Random } from '../../../src/random';
import { gradientError } from '../helpers/gradcheck';

const kinds: ModelKind[] = ['simple', 'peeky', 'attention'];
const D = 3;
const H = 4;

/** Entries of `m` in rows [r0, r1) and columns [c0, c1). */
function block(m: Matrix, r0: number, r1: number, c0: number, c1: number): number[] {
  return rowsOf(m).slice(r0, r1).flatMap((row) => Array.from(row.subarray(c0, c1)));
}

function std(xs: number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
}

describe('growModel', () => {
  for (const kind of kinds) {
    test(`${kind}: old ids keep every weight; new embedding rows and output columns are new, the rest unchanged`, () => {
      const model = createModel(kind, { vocabSize: 9, sourceVocabSize: 7, wordvec: D, hidden: H, reverse: true }, new Random(3));
      const before = model.params.map((p) => p.to2DArray());
      const grown = growModel(model, { vocabSize: 12, sourceVocabSize: 10 }, new Random(4));
      assert.equal(grown.kind, kind);
      assert.deepEqual([grown.config.vocabSize, grown.config.sourceVocabSize], [12, 10]);
      assert.deepEqual(model.params.map((p) => p.to2DArray()), before, 'the model given is not changed');
      grown.params.forEach((p, i) => {
        const old = model.params[i];
        assert.deepEqual(block(p, 0, old.rows, 0, old.columns), block(old, 0, old.rows, 0, old.columns), `params[${i}]: old part kept`);
      });
      // Params layout: encoder [embed.W, Wx, Wh, b], decoder [embed.W, Wx, Wh, b, affine.W, affine.b] (attention has no weights).
      const n = grown.params.length;
      assert.deepEqual([grown.params[0].rows, grown.params[4].rows, grown.params[n - 2].columns, grown.params[n - 1].columns], [10, 12, 12, 12]);
    });

    test(`${kind}: the new rows are initialised as the book does (embeddings randn/100, output columns randn/√I, bias 0)`, () => {
      const model = createModel(kind, { vocabSize: 5, wordvec: 8, hidden: 8, reverse: false }, new Random(5));
      const grown = growModel(model, { vocabSize: 405 }, new Random(6));
      const n = grown.params.length;
      const newEncoderRows = block(grown.params[0], 5, 405, 0, 8);
      const newDecoderRows = block(grown.params[4], 5, 405, 0, 8);
      const affine = grown.params[n - 2];
      const newColumns = block(affine, 0, affine.rows, 5, 405);
      for (const [what, xs, scale] of [['encoder embedding', newEncoderRows, 0.01], ['decoder embedding', newDecoderRows, 0.01], ['affine', newColumns, 1 / Math.sqrt(affine.rows)]] as const) {
        const s = std([...xs]);
        assert.ok(Math.abs(s / scale - 1) < 0.1, `${what}: std ${s}, expected about ${scale}`);
      }
      assert.deepEqual(block(grown.params[n - 1], 0, 1, 5, 405), new Array<number>(400).fill(0));
    });

    test(`${kind}: a grown model's gradients still match central differences, new ids included`, () => {
      const model = createModel(kind, { vocabSize: 7, wordvec: D, hidden: H, reverse: true }, new Random(21));
      for (const p of model.params) p.mul(20 / Math.sqrt(p.rows * p.columns) + 1);
      const grown = growModel(model, { vocabSize: 10 }, new Random(22));
      for (const p of grown.params) p.mul(3); // the new rows are tiny (randn/100): make their gradients measurable
      const xs = [[4, 8, 9], [7, PAD, PAD]]; // 7, 8, 9: ids the model did not have
      const ts = [[START, 9, 5, END], [START, 8, END, PAD]];
      const err = gradientError(() => {
        const loss = grown.forward(xs, ts);
        grown.backward();
        return { loss, grads: grown.grads };
      }, grown.params);
      assert.ok(err < 1e-5, `relative error ${err}`);
    });
  }

  test('a grown model gives the same scores as the old one for the old ids', () => {
    const model = createModel('peeky', { vocabSize: 8, sourceVocabSize: 6, wordvec: D, hidden: H, reverse: true }, new Random(1));
    const grown = growModel(model, { vocabSize: 11, sourceVocabSize: 9 }, new Random(2));
    const a = model.step(model.encode([[4, 5]]), [START]).scores.to2DArray()[0];
    const b = grown.step(grown.encode([[4, 5]]), [START]).scores.to2DArray()[0];
    assert.deepEqual(b.slice(0, 8), a);
  });

  test('a model with the bag of embeddings: the bag (V×H) grows rows like the question embedding, old rows kept, new rows randn/100', () => {
    const model = createModel('peeky', { vocabSize: 8, sourceVocabSize: 6, wordvec: D, hidden: 16, reverse: true, bag: true }, new Random(7));
    const grown = growModel(model, { vocabSize: 11, sourceVocabSize: 206 }, new Random(8));
    assert.equal(grown.config.bag, true);
    const bag = grown.params[4];
    assert.deepEqual([bag.rows, bag.columns], [206, 16]);
    assert.deepEqual(block(bag, 0, 6, 0, 16), block(model.params[4], 0, 6, 0, 16), 'old rows kept');
    const s = std(block(bag, 6, 206, 0, 16));
    assert.ok(Math.abs(s / 0.01 - 1) < 0.1, `new rows: std ${s}, expected about 0.01`);
    // the old questions still encode the same
    const a = model.step(model.encode([[4, 5]]), [START]).scores.to2DArray()[0];
    const b = grown.step(grown.encode([[4, 5]]), [START]).scores.to2DArray()[0];
    assert.deepEqual(b.slice(0, 8), a);
  });

  test('refuses to shrink, or to give a shared-vocabulary model a question table', () => {
    const model = createModel('simple', { vocabSize: 8, wordvec: D, hidden: H, reverse: false }, new Random(1));
    assert.throws(() => growModel(model, { vocabSize: 7 }, new Random(1)), /expected vocabSize at least 8, got 7/);
    assert.throws(() => growModel(model, { vocabSize: 9, sourceVocabSize: 9 }, new Random(1)), /shares one vocabulary/);
  });
});
