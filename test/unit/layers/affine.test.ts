import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { TimeAffine } from '../../../src/layers/affine';
import { ShapeError } from '../../../src/matrix';
import { Random } from '../../../src/random';
import { dot, gradientError, randomMatrix } from '../helpers/gradcheck';

describe('TimeAffine', () => {
  test('applies x·W + b at every step', () => {
    const layer = new TimeAffine(new Matrix([[1, 2], [3, 4]]), new Matrix([[10, 20]]));
    const out = layer.forward([new Matrix([[1, 0]]), new Matrix([[0, 1]])]);
    assert.deepEqual(out.map((o) => o.to2DArray()), [[[11, 22]], [[13, 24]]]);
  });

  test('gradients of inputs, W and b match central differences', () => {
    const rng = new Random(11);
    const layer = new TimeAffine(randomMatrix(rng, 3, 4), randomMatrix(rng, 1, 4));
    const xs = [0, 1].map(() => randomMatrix(rng, 2, 3));
    const rs = [0, 1].map(() => randomMatrix(rng, 2, 4));
    const err = gradientError(() => {
      const out = layer.forward(xs);
      const loss = out.reduce((s, o, t) => s + dot(o, rs[t]), 0);
      return { loss, grads: [...layer.backward(rs), ...layer.grads] };
    }, [...xs, ...layer.params]);
    assert.ok(err < 1e-7, `relative error ${err}`);
  });

  test('rejects inputs of the wrong width', () => {
    const layer = new TimeAffine(new Matrix(3, 4), new Matrix(1, 4));
    assert.throws(() => layer.forward([new Matrix(2, 5)]), (e: unknown) => e instanceof ShapeError && /expected \(2×3\), got \(2×5\)/.test(e.message));
  });
});
