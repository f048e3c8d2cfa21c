import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { Attention, AttentionWeight, TimeAttention, WeightSum } from '../../../src/layers/attention';
import { Random } from '../../../src/random';
import { dot, gradientError, randomMatrix } from '../helpers/gradcheck';

const N = 2, T = 3, H = 4;

describe('attention layers', () => {
  test('WeightSum is the a-weighted sum of hs, and its gradients match', () => {
    const rng = new Random(13);
    const hs = [0, 1, 2].map(() => randomMatrix(rng, N, H));
    const a = new Matrix([[1, 0, 0], [0.5, 0, 0.5]]);
    const layer = new WeightSum();
    const c = layer.forward(hs, a);
    assert.deepEqual(c.getRow(0), hs[0].getRow(0));
    const mid = hs[0].getRow(1).map((v, j) => 0.5 * v + 0.5 * hs[2].get(1, j));
    c.getRow(1).forEach((v, j) => assert.ok(Math.abs(v - mid[j]) < 1e-12));
    const w = randomMatrix(rng, N, T);
    const r = randomMatrix(rng, N, H);
    const err = gradientError(() => {
      const loss = dot(layer.forward(hs, w), r);
      const { dhs, da } = layer.backward(r);
      return { loss, grads: [...dhs, da] };
    }, [...hs, w]);
    assert.ok(err < 1e-7, `relative error ${err}`);
  });

  test('AttentionWeight rows are a softmax, and its gradients match', () => {
    const rng = new Random(14);
    const hs = [0, 1, 2].map(() => randomMatrix(rng, N, H));
    const h = randomMatrix(rng, N, H);
    const layer = new AttentionWeight();
    const a = layer.forward(hs, h);
    for (const row of a.to2DArray()) assert.ok(Math.abs(row.reduce((x, y) => x + y) - 1) < 1e-12);
    const r = randomMatrix(rng, N, T);
    const err = gradientError(() => {
      const loss = dot(layer.forward(hs, h), r);
      const { dhs, dh } = layer.backward(r);
      return { loss, grads: [...dhs, dh] };
    }, [...hs, h]);
    assert.ok(err < 1e-6, `relative error ${err}`);
  });

  test('masked (PAD) encoder positions get exactly zero weight and zero gradient', () => {
    const rng = new Random(15);
    const hs = [0, 1, 2].map(() => randomMatrix(rng, N, H));
    const h = randomMatrix(rng, N, H);
    const mask = [[true, true], [false, true], [true, false]];
    const layer = new Attention();
    const r = randomMatrix(rng, N, H);
    layer.forward(hs, h, mask);
    const a = layer.attentionWeight as Matrix;
    assert.equal(a.get(0, 1), 0);
    assert.equal(a.get(1, 2), 0);
    assert.ok(Math.abs(a.get(0, 0) + a.get(0, 2) - 1) < 1e-12);
    const { dhs } = layer.backward(r);
    assert.deepEqual(dhs[1].getRow(0), [0, 0, 0, 0]);
    const err = gradientError(() => {
      const loss = dot(layer.forward(hs, h, mask), r);
      const g = layer.backward(r);
      return { loss, grads: [...g.dhs, g.dh] };
    }, [...hs, h]);
    assert.ok(err < 1e-6, `relative error ${err}`);
  });

  test('TimeAttention gradients for encoder and decoder states match', () => {
    const rng = new Random(16);
    const enc = [0, 1, 2].map(() => randomMatrix(rng, N, H));
    const dec = [0, 1].map(() => randomMatrix(rng, N, H));
    const rs = dec.map(() => randomMatrix(rng, N, H));
    const layer = new TimeAttention();
    const err = gradientError(() => {
      const cs = layer.forward(enc, dec, [[true, true], [true, true], [true, false]]);
      const loss = cs.reduce((s, c, t) => s + dot(c, rs[t]), 0);
      const { dhsEnc, dhsDec } = layer.backward(rs);
      return { loss, grads: [...dhsEnc, ...dhsDec] };
    }, [...enc, ...dec]);
    assert.ok(err < 1e-6, `relative error ${err}`);
    assert.equal(layer.attentionWeights.length, 2);
    assert.equal(layer.attentionWeights[0].columns, T);
  });

  test('rejects a decoder state whose width differs from the encoder states', () => {
    const layer = new AttentionWeight();
    assert.throws(() => layer.forward([new Matrix(N, H)], new Matrix(N, H + 1)), /hs\[0\] expected \(2×5\), got \(2×4\)/);
  });
});
