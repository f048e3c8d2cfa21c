import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { TimeLSTM } from '../../../src/layers/time-lstm';
import { Random } from '../../../src/random';
import { dot, gradientError, randomMatrix } from '../helpers/gradcheck';

function layer(rng: Random, D: number, H: number, stateful: boolean): TimeLSTM {
  return new TimeLSTM(randomMatrix(rng, D, 4 * H), randomMatrix(rng, H, 4 * H), randomMatrix(rng, 1, 4 * H), stateful);
}

describe('TimeLSTM', () => {
  test('gradients of inputs, weights and the initial state match central differences', () => {
    const rng = new Random(6);
    const N = 2, T = 3, D = 2, H = 3;
    const lstm = layer(rng, D, H, true);
    const xs = Array.from({ length: T }, () => randomMatrix(rng, N, D));
    const h0 = randomMatrix(rng, N, H);
    const rs = xs.map(() => randomMatrix(rng, N, H));
    const run = () => {
      lstm.setState(h0);
      const hs = lstm.forward(xs);
      const loss = hs.reduce((s, h, t) => s + dot(h, rs[t]), 0);
      const dxs = lstm.backward(rs);
      return { loss, grads: [...dxs, lstm.dh as Matrix, ...lstm.grads] };
    };
    const err = gradientError(run, [...xs, h0, ...lstm.params]);
    assert.ok(err < 1e-6, `relative error ${err}`);
  });

  test('with a mask, PAD steps carry h and c unchanged and the gradients still match', () => {
    const rng = new Random(7);
    const N = 3, T = 4, D = 2, H = 2;
    const lstm = layer(rng, D, H, false);
    const xs = Array.from({ length: T }, () => randomMatrix(rng, N, D));
    // row 0: all real; row 1: PAD at the end; row 2: PAD in the middle and at the start
    const mask = [[true, true, false], [true, true, true], [true, false, false], [true, false, true]];
    const rs = xs.map(() => randomMatrix(rng, N, H));
    const hs = lstm.forward(xs, mask);
    assert.deepEqual(hs[2].getRow(1), hs[1].getRow(1));
    assert.deepEqual(hs[3].getRow(1), hs[1].getRow(1));
    assert.deepEqual(hs[0].getRow(2), [0, 0]);
    assert.deepEqual(hs[2].getRow(2), hs[1].getRow(2));
    const err = gradientError(() => {
      const out = lstm.forward(xs, mask);
      const loss = out.reduce((s, h, t) => s + dot(h, rs[t]), 0);
      const dxs = lstm.backward(rs);
      return { loss, grads: [...dxs, ...lstm.grads] };
    }, [...xs, ...lstm.params]);
    assert.ok(err < 1e-6, `relative error ${err}`);
  });

  test('padding changes neither the final state nor the weight gradients', () => {
    const rng = new Random(8);
    const lstm = layer(rng, 2, 2, false);
    const real = [randomMatrix(rng, 1, 2), randomMatrix(rng, 1, 2)];
    const short = lstm.forward(real);
    const hShort = short[1].clone();
    const r = randomMatrix(rng, 1, 2);
    lstm.backward([new Matrix(1, 2), r]);
    const gShort = lstm.grads.map((g) => g.clone());
    const padded = lstm.forward([...real, randomMatrix(rng, 1, 2)], [[true], [true], [false]]);
    assert.deepEqual(padded[2].to2DArray(), hShort.to2DArray());
    lstm.backward([new Matrix(1, 2), new Matrix(1, 2), r]);
    lstm.grads.forEach((g, k) => assert.ok(g.clone().sub(gShort[k]).norm() < 1e-12));
  });

  test('is stateful only when asked: a stateful layer continues from its last state, resetState clears it', () => {
    const rng = new Random(9);
    const lstm = layer(rng, 2, 2, true);
    const xs = [randomMatrix(rng, 1, 2)];
    const first = lstm.forward(xs)[0].clone();
    const second = lstm.forward(xs)[0];
    assert.notDeepEqual(second.to2DArray(), first.to2DArray());
    lstm.resetState();
    assert.deepEqual(lstm.forward(xs)[0].to2DArray(), first.to2DArray());
    const stateless = new TimeLSTM(lstm.params[0], lstm.params[1], lstm.params[2], false);
    assert.deepEqual(stateless.forward(xs)[0].to2DArray(), stateless.forward(xs)[0].to2DArray());
  });

  test('rejects a state whose batch differs from the input', () => {
    const rng = new Random(10);
    const lstm = layer(rng, 2, 2, true);
    lstm.setState(new Matrix(3, 2));
    assert.throws(() => lstm.forward([randomMatrix(rng, 2, 2)]), /state h is \(3×2\) but xs has N=2/);
    assert.throws(() => lstm.forward([new Matrix(3, 5)]), /xs\[0\] expected \(3×2\), got \(3×5\)/);
  });
});
