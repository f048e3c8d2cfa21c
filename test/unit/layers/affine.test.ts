import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { TimeAffine } from '../../../src/layers/affine';
import { ShapeError, withKernel } from '../../../src/matrix';
import { hconcat, hsplit } from '../../../src/layers/util';
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

describe('TimeAffine with a peek input (book 7.4.2)', () => {
  test('gives the outputs and gradients of concatenating [peek, x_t] at every step (float64 kernel)', () => withKernel('typescript', () => {
    const rng = new Random(21);
    const N = 3, T = 4, P = 2, D = 3, V = 5;
    const W = randomMatrix(rng, P + D, V);
    const b = randomMatrix(rng, 1, V);
    const peek = randomMatrix(rng, N, P);
    const xs = Array.from({ length: T }, () => randomMatrix(rng, N, D));
    const douts = xs.map(() => randomMatrix(rng, N, V));
    const joined = new TimeAffine(W.clone(), b.clone());
    const ys = joined.forward(xs.map((x) => hconcat(peek, x)));
    const dJoined = joined.backward(douts);
    const peeked = new TimeAffine(W.clone(), b.clone());
    const zs = peeked.forward(xs, peek);
    const dx = peeked.backward(douts);
    const close = (a: Matrix, c: Matrix): void => assert.ok(a.clone().sub(c).norm('max') < 1e-12, `${a.toString()} vs ${c.toString()}`);
    ys.forEach((y, t) => close(y, zs[t]));
    dJoined.forEach((d, t) => close(hsplit(d, P)[1], dx[t]));
    const dpeek = dJoined.map((d) => hsplit(d, P)[0]).reduce((s, d) => s.clone().add(d));
    close(dpeek, peeked.dpeek as Matrix);
    joined.grads.forEach((g, k) => close(g, peeked.grads[k]));
  }));
});
