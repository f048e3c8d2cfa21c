import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { LSTM } from '../../../src/layers/lstm';
import { ShapeError } from '../../../src/matrix';
import { Random } from '../../../src/random';
import { dot, gradientError, randomMatrix } from '../helpers/gradcheck';

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

describe('LSTM (one step)', () => {
  test('computes a step with tiny weights by hand (gate order f, g, i, o)', () => {
    // D = 1, H = 1: A = x·Wx + h·Wh + b = [a_f, a_g, a_i, a_o]
    const Wx = new Matrix([[0.5, -1, 0.25, 2]]);
    const Wh = new Matrix([[1, 0.5, -0.5, 0]]);
    const b = new Matrix([[0, 0.1, 0, -1]]);
    const layer = new LSTM(Wx, Wh, b);
    const x = 2;
    const hPrev = 0.5;
    const cPrev = -1;
    const { h, c } = layer.forward(new Matrix([[x]]), new Matrix([[hPrev]]), new Matrix([[cPrev]]));
    const f = sig(0.5 * x + 1 * hPrev + 0);
    const g = Math.tanh(-1 * x + 0.5 * hPrev + 0.1);
    const i = sig(0.25 * x - 0.5 * hPrev + 0);
    const o = sig(2 * x + 0 * hPrev - 1);
    const cExpected = f * cPrev + g * i;
    assert.ok(Math.abs(c.get(0, 0) - cExpected) < 1e-12, `c: ${c.get(0, 0)} vs ${cExpected}`);
    assert.ok(Math.abs(h.get(0, 0) - o * Math.tanh(cExpected)) < 1e-12);
  });

  test('gradients of x, h_prev, c_prev and all weights match central differences', () => {
    const rng = new Random(1);
    const N = 2, D = 3, H = 2;
    const layer = new LSTM(randomMatrix(rng, D, 4 * H), randomMatrix(rng, H, 4 * H), randomMatrix(rng, 1, 4 * H));
    const x = randomMatrix(rng, N, D);
    const hPrev = randomMatrix(rng, N, H);
    const cPrev = randomMatrix(rng, N, H);
    const rh = randomMatrix(rng, N, H);
    const rc = randomMatrix(rng, N, H);
    const run = () => {
      const { h, c } = layer.forward(x, hPrev, cPrev);
      const loss = dot(h, rh) + dot(c, rc);
      const d = layer.backward(rh, rc);
      return { loss, grads: [d.dx, d.dhPrev, d.dcPrev, ...layer.grads] };
    };
    const err = gradientError(run, [x, hPrev, cPrev, ...layer.params]);
    assert.ok(err < 1e-6, `relative error ${err}`);
  });

  test('rejects an input of the wrong width, naming both shapes', () => {
    const rng = new Random(2);
    const layer = new LSTM(randomMatrix(rng, 3, 8), randomMatrix(rng, 2, 8), new Matrix(1, 8));
    assert.throws(
      () => layer.forward(new Matrix(2, 4), new Matrix(2, 2), new Matrix(2, 2)),
      (e: unknown) => e instanceof ShapeError && /x expected \(2×3\), got \(2×4\)/.test(e.message),
    );
  });

  test('rejects weights whose widths are not 4H', () => {
    assert.throws(() => new LSTM(new Matrix(3, 8), new Matrix(2, 6), new Matrix(1, 8)), ShapeError);
  });
});
