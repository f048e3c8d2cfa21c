/**
 * TimeAffineWithLoss (src/layers/affine-loss.ts): TimeAffine then TimeSoftmaxWithLoss over column blocks of the
 * affine input (an optional peek fed at every step, then one or more series). Its float64 path (TypeScript
 * kernel) is checked by central differences and against the two book layers on the concatenated input; its
 * float32 wasm path (src/layers/wasm-affine.ts, kernel src/matrix/asm/loss.ts) against the float64 path, with
 * PAD targets, an all-PAD row, and vocabularies that exercise the kernel's 4-lane and 1-column tails.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { availableKernels, ShapeError, withKernel } from '../../../src/matrix';
import { TimeAffine } from '../../../src/layers/affine';
import { TimeAffineWithLoss } from '../../../src/layers/affine-loss';
import { TimeSoftmaxWithLoss } from '../../../src/layers/softmax';
import { hconcat, hsplit } from '../../../src/layers/util';
import { PAD } from '../../../src/models/tokens';
import { Random } from '../../../src/random';
import { gradientError, maxAbsDiff, maxRelativeError, numericalGradient, randomMatrix } from '../helpers/gradcheck';
import { requirePrerequisite, skipWithout } from '../helpers/prerequisites';

const fastest = availableKernels()[0];
const noWasm = fastest === 'typescript' ? 'no wasm SIMD in this runtime' : undefined;


interface Case {
  layer: TimeAffineWithLoss;
  series: Matrix[][];
  peek: Matrix | undefined;
  ts: number[][];
}

/**
 * A seeded case: N rows, T steps, series of the given widths, a peek of P columns (0: none), V classes; row 1
 * has PAD targets from step 1 on and row 2 (when N > 2) is all PAD.
 */
function makeCase(seed: number, N: number, T: number, widths: number[], P: number, V: number): Case {
  const rng = new Random(seed);
  const K = P + widths.reduce((s, d) => s + d, 0);
  const layer = new TimeAffineWithLoss(new TimeAffine(randomMatrix(rng, K, V, 0.5), randomMatrix(rng, 1, V, 0.5)));
  const series = widths.map((D) => Array.from({ length: T }, () => randomMatrix(rng, N, D)));
  const peek = P > 0 ? randomMatrix(rng, N, P) : undefined;
  const ts = Array.from({ length: N }, (_, n) => Array.from({ length: T }, (_, t) => ((n === 1 && t >= 1) || n === 2 ? PAD : 1 + rng.int(V - 1))));
  return { layer, series, peek, ts };
}

interface Run {
  loss: number;
  dxs: Matrix[][];
  dpeek: Matrix | null;
  grads: Matrix[];
}

function run(c: Case, dout = 1): Run {
  const loss = c.layer.forward(c.series, c.ts, c.peek);
  const { dxs, dpeek } = c.layer.backward(dout);
  return { loss, dxs, dpeek, grads: c.layer.grads.map((g) => g.clone()) };
}

/** The worst absolute difference over every gradient of two runs. */
function worstGradient(a: Run, b: Run): number {
  let worst = 0;
  a.dxs.forEach((xs, i) => xs.forEach((d, t) => (worst = Math.max(worst, maxAbsDiff(d, b.dxs[i][t])))));
  a.grads.forEach((g, k) => (worst = Math.max(worst, maxAbsDiff(g, b.grads[k]))));
  assert.equal(a.dpeek === null, b.dpeek === null, 'dpeek on one path only');
  if (a.dpeek !== null && b.dpeek !== null) worst = Math.max(worst, maxAbsDiff(a.dpeek, b.dpeek));
  return worst;
}

describe('TimeAffineWithLoss (float64 path)', () => {
  test('gradients of the series, the peek, W and b match central differences with PAD targets mixed in', () => withKernel('typescript', () => {
    const c = makeCase(31, 3, 4, [3, 2], 2, 5);
    const inputs = [...c.series.flat(), c.peek as Matrix, ...c.layer.params];
    const err = gradientError(() => {
      const r = run(c);
      return { loss: r.loss, grads: [...r.dxs.flat(), r.dpeek as Matrix, ...r.grads] };
    }, inputs);
    assert.ok(err < 1e-7, `relative error ${err}`);
  }));

  test('equals TimeAffine then TimeSoftmaxWithLoss on the concatenated input, bit for bit', () => withKernel('typescript', () => {
    const c = makeCase(32, 4, 3, [3, 2], 2, 6);
    const got = run(c);
    const [W, b] = c.layer.params;
    const affine = new TimeAffine(W.clone(), b.clone());
    const softmax = new TimeSoftmaxWithLoss();
    const joined = c.series[0].map((x, t) => hconcat(x, c.series[1][t]));
    assert.equal(got.loss, softmax.forward(affine.forward(joined, c.peek), c.ts));
    const dx = affine.backward(softmax.backward());
    dx.forEach((d, t) => {
      const [d0, d1] = hsplit(d, 3);
      assert.deepEqual([got.dxs[0][t].to2DArray(), got.dxs[1][t].to2DArray()], [d0.to2DArray(), d1.to2DArray()]);
    });
    assert.deepEqual(got.dpeek?.to2DArray(), affine.dpeek?.to2DArray());
    affine.grads.forEach((g, k) => assert.deepEqual(got.grads[k].to2DArray(), g.to2DArray()));
  }));

  test('names the block that does not fit', () => {
    const c = makeCase(33, 2, 2, [3], 0, 4);
    assert.throws(() => c.layer.forward([[randomMatrix(new Random(1), 2, 4), randomMatrix(new Random(1), 2, 4)]], c.ts), (e: unknown) => e instanceof ShapeError && /4 columns wide \(peek 0 \+ series 4\), W has 3 rows/.test(e.message));
    assert.throws(() => c.layer.forward([c.series[0], c.series[0].slice(1)], c.ts), /series\[1\] has 1 steps, series\[0\] 2/);
    assert.throws(() => c.layer.forward(c.series, [[1, 1]]), /targets expected 2×2 \(N×T\), got 1×2/);
    assert.throws(() => c.layer.forward(c.series, [[1, 4], [1, 1]]), /integer in \[0, 4\), got 4/);
  });
});

describe('TimeAffineWithLoss on the float32 wasm path', { skip: skipWithout(noWasm) }, () => {
  // V 13 (3 vectors + 1 column), 3 (narrower than a vector), 8, 63 (the date task); widths with odd tails
  for (const [V, widths, P] of [[13, [6], 5], [3, [4, 3], 0], [8, [5], 0], [63, [16, 16], 0]] as const) {
    test(`V = ${V}, series ${widths.join('+')}, peek ${P}: loss and every gradient equal the float64 path within 1e-5`, () => {
      requirePrerequisite(noWasm);
      const exact = withKernel('typescript', () => run(makeCase(40 + V, 5, 4, [...widths], P, V)));
      const fast = withKernel(fastest, () => run(makeCase(40 + V, 5, 4, [...widths], P, V)));
      assert.ok(Math.abs(exact.loss - fast.loss) < 1e-5 * exact.loss, `loss ${fast.loss} vs ${exact.loss}`);
      const worst = worstGradient(exact, fast);
      assert.ok(worst < 1e-5, `max |difference| ${worst}`);
      assert.ok(worst > 0 || exact.loss !== fast.loss, 'the wasm path did not run (identical float64 results)');
    });
  }

  test('PAD targets add no loss and no gradient; dout scales every gradient', () => {
    requirePrerequisite(noWasm);
    withKernel(fastest, () => {
      const c = makeCase(50, 4, 3, [4], 0, 7);
      const whole = run(c);
      // the loss is the mean over the 8 real targets: dropping the PAD rows changes nothing
      const real = makeCase(50, 4, 3, [4], 0, 7);
      real.series = real.series.map((xs) => xs.map((x) => new Matrix(x.to2DArray().filter((_, n) => n !== 2))));
      real.ts = real.ts.filter((_, n) => n !== 2);
      assert.ok(Math.abs(run(real).loss - whole.loss) < 1e-6, 'an all-PAD row changed the loss');
      for (const d of whole.dxs[0]) assert.deepEqual(d.getRow(2), [0, 0, 0, 0]);
      for (const t of [1, 2]) assert.deepEqual(whole.dxs[0][t].getRow(1), [0, 0, 0, 0]);
      const half = run(c, 0.5);
      assert.ok(worstGradient(half, { ...whole, dxs: whole.dxs.map((xs) => xs.map((d) => d.clone().mul(0.5))), grads: whole.grads.map((g) => g.clone().mul(0.5)) }) < 1e-7);
    });
  });

  test('an all-PAD batch gives zero loss and zero gradients', () => {
    requirePrerequisite(noWasm);
    withKernel(fastest, () => {
      const c = makeCase(51, 2, 2, [4], 0, 5);
      c.ts = [[PAD, PAD], [PAD, PAD]];
      const r = run(c);
      assert.equal(r.loss, 0);
      for (const g of [...r.dxs.flat(), ...r.grads]) assert.equal(g.norm(), 0);
    });
  });

  test('its W and b gradients match float32 central differences of its own loss (within 2e-2 relative)', () => {
    requirePrerequisite(noWasm);
    withKernel(fastest, () => {
      const c = makeCase(52, 3, 3, [4], 4, 6);
      const r = run(c);
      c.layer.params.forEach((p, k) => {
        const numeric = numericalGradient(() => c.layer.forward(c.series, c.ts, c.peek), p, 1e-2);
        const err = maxRelativeError(r.grads[k], numeric, 1e-2);
        assert.ok(err < 2e-2, `params[${k}]: relative error ${err}`);
      });
    });
  });
});
