import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { softmax, TimeSoftmaxWithLoss } from '../../../src/layers/softmax';
import { PAD } from '../../../src/models/tokens';
import { Random } from '../../../src/random';
import { gradientError, randomMatrix } from '../helpers/gradcheck';

describe('TimeSoftmaxWithLoss', () => {
  test('softmax rows sum to one and survive large scores', () => {
    const y = softmax(new Matrix([[1000, 1001, 999], [0, 0, 0]]));
    for (const row of y.to2DArray()) assert.ok(Math.abs(row.reduce((a, b) => a + b) - 1) < 1e-12);
    assert.ok(Math.abs(y.get(1, 0) - 1 / 3) < 1e-12);
  });

  test('the loss is the mean cross-entropy over non-PAD targets only', () => {
    const layer = new TimeSoftmaxWithLoss();
    const x0 = new Matrix([[0, Math.log(3), 0, 0], [5, 1, 2, 3]]);
    const x1 = new Matrix([[0, 0, 0, 0], [1, 2, 3, 4]]);
    // targets: row 0 → [1, 2]; row 1 → [PAD, PAD]: only two of the four count
    const loss = layer.forward([x0, x1], [[1, 2], [PAD, PAD]]);
    const expected = (-Math.log(3 / 6) - Math.log(1 / 4)) / 2;
    assert.ok(Math.abs(loss - expected) < 1e-12, `${loss} vs ${expected}`);
    const dx = layer.backward();
    assert.deepEqual(dx[0].getRow(1), [0, 0, 0, 0]);
    assert.deepEqual(dx[1].getRow(1), [0, 0, 0, 0]);
  });

  test('gradient matches central differences with PAD targets mixed in', () => {
    const rng = new Random(12);
    const layer = new TimeSoftmaxWithLoss();
    const xs = [0, 1, 2].map(() => randomMatrix(rng, 3, 5));
    const ts = [[4, 2, PAD], [1, PAD, PAD], [3, 3, 1]];
    const err = gradientError(() => ({ loss: layer.forward(xs, ts), grads: layer.backward(1) }), xs);
    assert.ok(err < 1e-7, `relative error ${err}`);
  });

  test('an all-PAD batch gives zero loss and zero gradient', () => {
    const layer = new TimeSoftmaxWithLoss();
    assert.equal(layer.forward([randomMatrix(new Random(1), 2, 3)], [[PAD], [PAD]]), 0);
    assert.equal(layer.backward()[0].norm(), 0);
  });

  test('rejects targets that do not match the scores', () => {
    const layer = new TimeSoftmaxWithLoss();
    assert.throws(() => layer.forward([new Matrix(2, 3)], [[1, 1]]), /targets expected 2×1 \(N×T\), got 1×2/);
    assert.throws(() => layer.forward([new Matrix(1, 3)], [[3]]), /integer in \[0, 3\), got 3/);
  });
});
