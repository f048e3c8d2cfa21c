/**
 * The float32 wasm paths (wasm-layers.ts, the wasm GEMM) must not change what the models learn: the same
 * seed gives the same TimeLSTM outputs and gradients, and the same loss curve, under the float64
 * TypeScript kernel and the fastest wasm kernel, within float32 tolerances stated below.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { availableKernels, withKernel } from '../../../src/matrix';
import { TimeLSTM } from '../../../src/layers/time-lstm';
import { lstmDecodeStep, lstmStepForward } from '../../../src/layers/lstm';
import { createModel } from '../../../src/models/factory';
import type { ModelKind } from '../../../src/chat/types';
import { Adam } from '../../../src/optim/adam';
import { clipGrads } from '../../../src/optim/clip';
import { Random } from '../../../src/random';
import { maxAbsDiff, randomMatrix } from '../helpers/gradcheck';
import { requirePrerequisite, skipWithout } from '../helpers/prerequisites';

const fastest = availableKernels()[0];
/** Skipped without wasm SIMD on a developer machine; fails under CI (test/unit/helpers/prerequisites.ts). */
const noWasm = fastest === 'typescript' ? 'no wasm SIMD in this runtime' : undefined;


/** forward + backward of a masked, stateful TimeLSTM (H = 8, a multiple of 4 so the wasm path runs). */
function runLstm(): Matrix[] {
  const rng = new Random(11);
  const N = 5, T = 6, D = 3, H = 8;
  const lstm = new TimeLSTM(randomMatrix(rng, D, 4 * H, 0.5), randomMatrix(rng, H, 4 * H, 0.5), randomMatrix(rng, 1, 4 * H, 0.5), true);
  const xs = Array.from({ length: T }, () => randomMatrix(rng, N, D));
  const mask = Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, n) => !(n === 1 && t >= 4) && !(n === 3 && t % 2 === 1)));
  lstm.setState(randomMatrix(rng, N, H), randomMatrix(rng, N, H));
  const hs = lstm.forward(xs, mask);
  const dxs = lstm.backward(hs.map(() => randomMatrix(rng, N, H)));
  return [...hs, lstm.c as Matrix, ...dxs, lstm.dh as Matrix, ...lstm.grads.map((g) => g.clone())];
}

/**
 * forward + backward of a fresh (h = 0), masked, non-stateful TimeLSTM: the float32 path skips step 0's
 * h·Wh and its dWh term, and with initialGrad off the dh product too.
 */
function runFreshLstm(initialGrad: boolean): { out: Matrix[]; dh: Matrix | null } {
  const rng = new Random(12);
  const N = 5, T = 4, D = 3, H = 8;
  const lstm = new TimeLSTM(randomMatrix(rng, D, 4 * H, 0.5), randomMatrix(rng, H, 4 * H, 0.5), randomMatrix(rng, 1, 4 * H, 0.5), false);
  lstm.initialGrad = initialGrad;
  const xs = Array.from({ length: T }, () => randomMatrix(rng, N, D));
  const mask = Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, n) => !(n === 2 && t === 0)));
  const hs = lstm.forward(xs, mask);
  const dxs = lstm.backward(hs.map(() => randomMatrix(rng, N, H)));
  return { out: [...hs, lstm.c as Matrix, ...dxs, ...lstm.grads.map((g) => g.clone())], dh: lstm.dh };
}

/** `iters` Adam steps of a small model on seeded random pairs; the loss of each step. */
function lossCurve(kind: ModelKind, iters: number): number[] {
  const rng = new Random(5);
  const V = 14;
  const model = createModel(kind, { vocabSize: V, wordvec: 8, hidden: 16, reverse: true }, rng);
  const optimizer = new Adam(0.01);
  const batch = () => ({
    xs: Array.from({ length: 16 }, () => Array.from({ length: 6 }, () => 4 + rng.int(V - 4))),
    ts: Array.from({ length: 16 }, () => [1, ...Array.from({ length: 4 }, () => 4 + rng.int(V - 4))]),
  });
  const data = [batch(), batch(), batch()];
  const losses: number[] = [];
  for (let i = 0; i < iters; i++) {
    const { xs, ts } = data[i % data.length];
    losses.push(model.forward(xs, ts));
    model.backward();
    clipGrads(model.grads, 5);
    optimizer.update(model.params, model.grads);
  }
  return losses;
}

describe('float32 wasm kernels against the float64 TypeScript kernel', { skip: skipWithout(noWasm) }, () => {
  test('a masked stateful TimeLSTM gives the same outputs and gradients within 1e-5 absolute (measured ~5e-7)', () => {
    requirePrerequisite(noWasm);
    const exact = withKernel('typescript', runLstm);
    const fast = withKernel(fastest, runLstm);
    assert.equal(fast.length, exact.length);
    const worst = Math.max(...exact.map((m, k) => maxAbsDiff(m, fast[k])));
    assert.ok(worst < 1e-5, `max |difference| ${worst}`);
    assert.ok(worst > 0, 'the wasm path did not run (identical float64 results)');
  });

  test('a fresh TimeLSTM (h = 0) gives the same outputs and weight gradients, with or without the initial-state gradient', () => {
    requirePrerequisite(noWasm);
    const exact = withKernel('typescript', () => runFreshLstm(true));
    for (const initialGrad of [true, false]) {
      for (const kernel of ['typescript', fastest] as const) {
        const got = withKernel(kernel, () => runFreshLstm(initialGrad));
        const worst = Math.max(...exact.out.map((m, k) => maxAbsDiff(m, got.out[k])));
        assert.ok(worst < 1e-5, `${kernel}, initialGrad ${initialGrad}: max |difference| ${worst}`);
        if (initialGrad) assert.ok(got.dh !== null && maxAbsDiff(exact.dh as Matrix, got.dh) < 1e-5, `${kernel}: dh`);
        else assert.equal(got.dh, null, `${kernel}: no dh when initialGrad is off`);
      }
    }
    assert.ok(maxAbsDiff(exact.dh as Matrix, new Matrix(5, 8)) > 1e-3, 'the initial-state gradient is not trivially zero');
  });

  test('a decoding step (lstmDecodeStep) runs in float32 wasm and equals the float64 step within 1e-5; exactly under the TypeScript kernel', () => {
    requirePrerequisite(noWasm);
    const rng = new Random(21);
    const N = 3, D = 5, H = 12;
    const [x, h, c] = [randomMatrix(rng, N, D), randomMatrix(rng, N, H), randomMatrix(rng, N, H)];
    const [Wx, Wh, b] = [randomMatrix(rng, D, 4 * H, 0.5), randomMatrix(rng, H, 4 * H, 0.5), randomMatrix(rng, 1, 4 * H, 0.5)];
    const exact = withKernel('typescript', () => lstmStepForward(x, h, c, Wx, Wh, b));
    const viaTs = withKernel('typescript', () => lstmDecodeStep(x, h, c, Wx, Wh, b));
    assert.deepEqual([viaTs.h.to2DArray(), viaTs.c.to2DArray()], [exact.h.to2DArray(), exact.c.to2DArray()]);
    const fast = withKernel(fastest, () => lstmDecodeStep(x, h, c, Wx, Wh, b));
    const worst = Math.max(maxAbsDiff(exact.h, fast.h), maxAbsDiff(exact.c, fast.c));
    assert.ok(worst < 1e-5, `max |difference| ${worst}`);
    assert.ok(worst > 0, 'the wasm path did not run (identical float64 results)');
    assert.throws(() => withKernel(fastest, () => lstmDecodeStep(x, randomMatrix(rng, N, H + 1), c, Wx, Wh, b)), /h_prev expected \(3×12\)/);
  });

  for (const kind of ['peeky', 'attention', 'simple'] as const) {
    test(`the ${kind} model's loss and every gradient agree within 1e-5 on a batch with PAD in questions and answers`, () => {
      requirePrerequisite(noWasm);
      const once = (): { loss: number; grads: Matrix[] } => {
        const model = createModel(kind, { vocabSize: 12, wordvec: 8, hidden: 16, reverse: true }, new Random(9));
        const xs = [[4, 5, 6, 7], [8, 9, 0, 0], [10, 11, 4, 0]];
        const ts = [[1, 5, 6, 2, 0], [1, 7, 2, 0, 0], [1, 8, 9, 10, 2]];
        const loss = model.forward(xs, ts);
        model.backward();
        return { loss, grads: model.grads.map((g) => g.clone()) };
      };
      const exact = withKernel('typescript', once);
      const fast = withKernel(fastest, once);
      assert.ok(Math.abs(exact.loss - fast.loss) < 1e-5 * exact.loss, `loss ${fast.loss} vs ${exact.loss}`);
      const worst = Math.max(...exact.grads.map((g, k) => maxAbsDiff(g, fast.grads[k])));
      assert.ok(worst < 1e-5, `max |difference| of the gradients ${worst}`);
      assert.ok(worst > 0, 'the wasm path did not run (identical float64 results)');
    });

    test(`the same seed gives the same ${kind} loss curve over 40 Adam steps within 1e-5 relative (measured ~2e-8)`, () => {
      requirePrerequisite(noWasm);
      const exact = withKernel('typescript', () => lossCurve(kind, 40));
      const fast = withKernel(fastest, () => lossCurve(kind, 40));
      assert.ok(exact[39] < exact[0] - 0.3, `the model did not learn: ${exact[0]} → ${exact[39]}`);
      const worst = Math.max(...exact.map((l, i) => Math.abs(l - fast[i]) / l));
      assert.ok(worst < 1e-5, `max relative difference of the losses ${worst}`);
    });
  }
});
