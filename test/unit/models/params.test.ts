import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel } from '../../../src/models/factory';
import { Seq2seq } from '../../../src/models/seq2seq';
import { START } from '../../../src/models/tokens';
import { Random } from '../../../src/random';

const V = 11, D = 3, H = 5;
const shapes = (kind: 'simple' | 'peeky' | 'attention'): string[] =>
  createModel(kind, { vocabSize: V, wordvec: D, hidden: H, reverse: false }, new Random(1)).params.map((p) => `${p.rows}×${p.columns}`);

describe('model parameters', () => {
  test('params come in the documented order and shapes (serialisation relies on it)', () => {
    const encoder = [`${V}×${D}`, `${D}×${4 * H}`, `${H}×${4 * H}`, `1×${4 * H}`];
    assert.deepEqual(shapes('simple'), [...encoder, `${V}×${D}`, `${D}×${4 * H}`, `${H}×${4 * H}`, `1×${4 * H}`, `${H}×${V}`, `1×${V}`]);
    assert.deepEqual(shapes('peeky'), [...encoder, `${V}×${D}`, `${H + D}×${4 * H}`, `${H}×${4 * H}`, `1×${4 * H}`, `${2 * H}×${V}`, `1×${V}`]);
    assert.deepEqual(shapes('attention'), [...encoder, `${V}×${D}`, `${D}×${4 * H}`, `${H}×${4 * H}`, `1×${4 * H}`, `${2 * H}×${V}`, `1×${V}`]);
  });

  test('grads pair with params one to one, and the same seed gives the same weights', () => {
    for (const kind of ['simple', 'peeky', 'attention'] as const) {
      const a = createModel(kind, { vocabSize: V, wordvec: D, hidden: H, reverse: true }, new Random(7));
      const b = createModel(kind, { vocabSize: V, wordvec: D, hidden: H, reverse: true }, new Random(7));
      assert.equal(a.grads.length, a.params.length);
      a.params.forEach((p, i) => {
        assert.deepEqual([a.grads[i].rows, a.grads[i].columns], [p.rows, p.columns]);
        assert.notEqual(a.grads[i], p);
        assert.deepEqual(p.to2DArray(), b.params[i].to2DArray());
      });
      assert.equal(a.kind, kind);
    }
  });

  test('follows the book\'s init: embeddings ~ N(0, 1/100²), LSTM biases zero, Wx ~ N(0, 1/D)', () => {
    const m = createModel('simple', { vocabSize: 200, wordvec: 50, hidden: 40, reverse: false }, new Random(3));
    const std = (i: number): number => {
      const v = m.params[i].to1DArray();
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      return Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    };
    assert.ok(Math.abs(std(0) - 0.01) < 0.001, `embed std ${std(0)}`);
    assert.ok(Math.abs(std(1) - 1 / Math.sqrt(50)) < 0.01, `Wx std ${std(1)}`);
    assert.equal(m.params[3].norm(), 0);
  });

  test('the model\'s batched generate equals the Decoder\'s greedy generate from the encoder\'s state', () => {
    const m = new Seq2seq({ vocabSize: V, wordvec: D, hidden: H, reverse: false }, new Random(4));
    for (const p of m.params) p.mul(5);
    const xs = [[4, 5, 6], [7, 8, 9]];
    assert.deepEqual(m.generate(xs, START, 5), m.decoder.generate(m.encoder.forward(xs), START, 5));
  });

  test('rejects a config with a non-positive size', () => {
    assert.throws(() => createModel('peeky', { vocabSize: 10, wordvec: 0, hidden: 4, reverse: false }, new Random(1)), /config.wordvec must be a positive integer, got 0/);
  });
});
