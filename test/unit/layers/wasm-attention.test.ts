/**
 * TimeAttention's float32 wasm path (src/layers/wasm-attention.ts, kernels src/matrix/asm/attention.ts) against
 * its float64 TypeScript path, the reference the gradient checks in attention.test.ts cover: contexts, weights
 * and both gradients agree within float32 tolerances, with PAD masks (a fully masked row included) and widths
 * that exercise the kernels' 16-, 4- and 1-column tails.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { availableKernels, withKernel } from '../../../src/matrix';
import { TimeAttention } from '../../../src/layers/attention';
import type { TimeMask } from '../../../src/layers/time-lstm';
import { Random } from '../../../src/random';
import { maxAbsDiff, randomMatrix } from '../helpers/gradcheck';
import { requirePrerequisite, skipWithout } from '../helpers/prerequisites';

const fastest = availableKernels()[0];
const noWasm = fastest === 'typescript' ? 'no wasm SIMD in this runtime' : undefined;


interface Run {
  cs: Matrix[];
  weights: Matrix[];
  dhsEnc: Matrix[];
  dhsDec: Matrix[];
}

/** forward + backward of one TimeAttention on seeded states: Te encoder steps, Td decoder steps, N rows, width H. */
function runAttention(Te: number, Td: number, N: number, H: number, mask?: TimeMask): Run {
  const rng = new Random(100 + H);
  const enc = Array.from({ length: Te }, () => randomMatrix(rng, N, H, 0.7));
  const dec = Array.from({ length: Td }, () => randomMatrix(rng, N, H, 0.7));
  const dout = Array.from({ length: Td }, () => randomMatrix(rng, N, H));
  const layer = new TimeAttention();
  const cs = layer.forward(enc, dec, mask);
  const weights = layer.attentionWeights.map((w) => w.clone());
  const { dhsEnc, dhsDec } = layer.backward(dout);
  return { cs, weights, dhsEnc, dhsDec };
}

function worstOf(exact: Run, fast: Run): number {
  let worst = 0;
  for (const key of ['cs', 'weights', 'dhsEnc', 'dhsDec'] as const) {
    assert.equal(fast[key].length, exact[key].length, key);
    exact[key].forEach((m, t) => (worst = Math.max(worst, maxAbsDiff(m, fast[key][t]))));
  }
  return worst;
}

describe('TimeAttention on the float32 wasm path', { skip: skipWithout(noWasm) }, () => {
  for (const H of [32, 20, 7, 3]) {
    test(`H = ${H}: contexts, weights and gradients equal the float64 path within 1e-5`, () => {
      requirePrerequisite(noWasm);
      const exact = withKernel('typescript', () => runAttention(5, 4, 3, H));
      const fast = withKernel(fastest, () => runAttention(5, 4, 3, H));
      const worst = worstOf(exact, fast);
      assert.ok(worst < 1e-5, `max |difference| ${worst}`);
      assert.ok(worst > 0, 'the wasm path did not run (identical float64 results)');
    });
  }

  test('PAD positions get weight exactly 0 and no gradient; a row with every position masked gets a zero context', () => {
    requirePrerequisite(noWasm);
    const [Te, Td, N, H] = [4, 3, 3, 8];
    // row 0 all real, row 1 padded after 2 tokens, row 2 all PAD (an empty question in a batch)
    const mask = Array.from({ length: Te }, (_, t) => [true, t < 2, false]);
    const exact = withKernel('typescript', () => runAttention(Te, Td, N, H, mask));
    const fast = withKernel(fastest, () => runAttention(Te, Td, N, H, mask));
    const worst = worstOf(exact, fast);
    assert.ok(worst < 1e-5, `max |difference| ${worst}`);
    for (const w of fast.weights) {
      assert.deepEqual([w.get(1, 2), w.get(1, 3)], [0, 0]);
      assert.deepEqual(w.getRow(2), [0, 0, 0, 0]);
      assert.ok(Math.abs(w.getRow(1).reduce((a, b) => a + b) - 1) < 1e-6);
    }
    for (const c of fast.cs) assert.deepEqual(c.getRow(2), new Array(H).fill(0));
    for (const t of [2, 3]) assert.deepEqual(fast.dhsEnc[t].getRow(1), new Array(H).fill(0));
  });

  test('the realistic date-task shape (Te 29, Td 10, H 256) agrees within 1e-4', () => {
    requirePrerequisite(noWasm);
    const exact = withKernel('typescript', () => runAttention(29, 10, 4, 256));
    const fast = withKernel(fastest, () => runAttention(29, 10, 4, 256));
    const worst = worstOf(exact, fast);
    assert.ok(worst < 1e-4, `max |difference| ${worst}`);
  });

  test('checks shapes on the wasm path as the float64 path does', () => {
    requirePrerequisite(noWasm);
    withKernel(fastest, () => {
      const layer = new TimeAttention();
      assert.throws(() => layer.forward([new Matrix(2, 4)], [new Matrix(2, 5)]), /hsDec\[0\] expected \(2×4\), got \(2×5\)/);
      assert.throws(() => layer.forward([new Matrix(2, 4)], [new Matrix(3, 4)]), /hsDec has 3 rows, hsEnc 2/);
      assert.throws(() => layer.forward([new Matrix(2, 4)], [new Matrix(2, 4)], [[true]]), /mask expected 1×2/);
      layer.forward([new Matrix(2, 4)], [new Matrix(2, 4)]);
      assert.throws(() => layer.backward([new Matrix(2, 4), new Matrix(2, 4)]), /expected 1 time steps of dout, got 2/);
    });
  });
});
