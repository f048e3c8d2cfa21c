import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Embedding, TimeEmbedding } from '../../../src/layers/embedding';
import { Random } from '../../../src/random';
import { dot, gradientError, randomMatrix } from '../helpers/gradcheck';

describe('Embedding and TimeEmbedding', () => {
  test('Embedding looks up rows and accumulates gradients of repeated ids', () => {
    const rng = new Random(3);
    const W = randomMatrix(rng, 5, 3);
    const layer = new Embedding(W);
    const out = layer.forward([4, 1, 4]);
    assert.deepEqual(out.getRow(1), W.getRow(1));
    const r = randomMatrix(rng, 3, 3);
    const err = gradientError(() => {
      const loss = dot(layer.forward([4, 1, 4]), r);
      layer.backward(r);
      return { loss, grads: layer.grads };
    }, layer.params);
    assert.ok(err < 1e-7, `relative error ${err}`);
  });

  test('TimeEmbedding gradient matches central differences', () => {
    const rng = new Random(4);
    const layer = new TimeEmbedding(randomMatrix(rng, 6, 2));
    const xs = [[1, 5, 5], [0, 2, 1]];
    const rs = [0, 1, 2].map(() => randomMatrix(rng, 2, 2));
    const err = gradientError(() => {
      const out = layer.forward(xs);
      const loss = out.reduce((s, o, t) => s + dot(o, rs[t]), 0);
      layer.backward(rs);
      return { loss, grads: layer.grads };
    }, layer.params);
    assert.ok(err < 1e-7, `relative error ${err}`);
  });

  test('rejects ids outside the vocabulary and ragged rows', () => {
    const layer = new TimeEmbedding(randomMatrix(new Random(5), 4, 2));
    assert.throws(() => layer.forward([[1, 4]]), /integer in \[0, 4\), got 4/);
    assert.throws(() => layer.forward([[1, 2], [3]]), /row 1 has 1 ids, expected 2/);
  });
});
