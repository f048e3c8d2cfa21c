/**
 * Every matrix-product kernel against ml-matrix's `mmul`, in all three forms (a·b, aᵀ·b, a·bᵀ), on shapes
 * that hit each code path of the wasm GEMM: 4-row micro-panels and 1–3 leftover rows, full 8-column panels
 * and partial ones, the unpacked paths (m ≤ 4; n ≤ 16), k cut into two or three blocks (k > 256), m cut into
 * two row blocks (m > 192 at k = 256), 1×1, 1×N, N×1, k = 1, odd sizes and the model's own shapes.
 * (test/unit/matrix/wasm-gemm.test.ts checks the float32 entry points: accumulate, pre-packed B, scratch bounds.)
 *
 * Error asserted, per element: |c − ref| ≤ tol · Σₚ |a_ip|·|b_pj| (the forward error bound of a dot
 * product, so it holds whatever the cancellation), with tol = 1e-5 for the float32 wasm kernels
 * (k ≤ 300 products of float32 values, unit roundoff 6e-8) and 1e-13 for the float64 TypeScript kernel.
 *
 * The relaxed-SIMD kernel is only available on Node 20 behind --experimental-wasm-relaxed-simd; there
 * this file reruns itself in a child Node with that flag, so the relaxed build is tested too.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Matrix } from 'ml-matrix';
import {
  availableKernels,
  isKernelAvailable,
  kernelByName,
  KernelName,
  matmul,
  matmulNT,
  matmulTN,
  MatmulKernel,
  withKernel,
} from '../../../src/matrix';
import { Random } from '../../../src/random';

function randomMatrix(rng: Random, rows: number, columns: number): Matrix {
  const m = new Matrix(rows, columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) m.set(i, j, rng.normal());
  return m;
}

/** Largest |c − ref| / Σₚ|a_ip||b_pj| over all elements; `absA`, `absB` are op(a), op(b) with |·| applied. */
function worstError(c: Matrix, ref: Matrix, absA: Matrix, absB: Matrix): number {
  const bound = absA.mmul(absB);
  let worst = 0;
  for (let i = 0; i < ref.rows; i++) {
    for (let j = 0; j < ref.columns; j++) {
      const e = Math.abs(c.get(i, j) - ref.get(i, j)) / Math.max(bound.get(i, j), 1e-300);
      if (!(e <= worst)) worst = e; // NaN propagates as failure
    }
  }
  return worst;
}

const tolerance = (name: string): number => (name === 'typescript' ? 1e-13 : 1e-5);

/** [m, k, n]: op(a) is m×k, op(b) is k×n. */
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 1],
  [1, 5, 13],
  [13, 5, 1],
  [3, 1, 5],
  [5, 3, 7],
  [7, 13, 3],
  [4, 8, 8],
  [8, 1, 16],
  [13, 129, 7],
  [129, 13, 129],
  [5, 257, 9],
  [32, 16, 512],
  [64, 128, 13],
  [6, 300, 40],
  [7, 200, 17],
  [203, 260, 27],
  [130, 33, 130],
];

const kernelsHere: KernelName[] = availableKernels();

for (const name of kernelsHere) {
  describe(`the ${name} kernel`, () => {
    const kernel: MatmulKernel = kernelByName(name);
    const tol = tolerance(name);

    test('matches ml-matrix mmul for a·b, aᵀ·b and a·bᵀ on every shape', () => {
      const rng = new Random(7);
      withKernel(kernel, () => {
        for (const [m, k, n] of shapes) {
          const a = randomMatrix(rng, m, k);
          const b = randomMatrix(rng, k, n);
          const ref = a.mmul(b);
          const absA = Matrix.abs(a); // static: the instance method works in place
          const absB = Matrix.abs(b);
          const forms: [string, Matrix][] = [
            ['matmul', matmul(a, b)],
            ['matmulTN', matmulTN(a.transpose(), b)],
            ['matmulNT', matmulNT(a, b.transpose())],
          ];
          for (const [form, c] of forms) {
            assert.equal(c.rows, m, `${form} (${m}×${k})(${k}×${n}) rows`);
            assert.equal(c.columns, n, `${form} (${m}×${k})(${k}×${n}) columns`);
            const err = worstError(c, ref, absA, absB);
            assert.ok(err <= tol, `${form} (${m}×${k})(${k}×${n}): relative error ${err} > ${tol}`);
          }
        }
      });
    });

    test('reproduces exactly representable products exactly', () => {
      // small integers: every partial sum is exact in float32, so any kernel must give the exact answer
      const a = new Matrix([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const b = new Matrix([
        [7, 8],
        [9, 10],
        [11, 12],
      ]);
      withKernel(kernel, () => {
        assert.deepEqual(matmul(a, b).to2DArray(), [
          [58, 64],
          [139, 154],
        ]);
        assert.deepEqual(matmulTN(a, a).to2DArray(), [
          [17, 22, 27],
          [22, 29, 36],
          [27, 36, 45],
        ]);
        assert.deepEqual(matmulNT(a, a).to2DArray(), [
          [14, 32],
          [32, 77],
        ]);
      });
    });

    test('overwrites a reused out matrix and returns it', () => {
      const rng = new Random(11);
      const a = randomMatrix(rng, 9, 6);
      const b = randomMatrix(rng, 6, 10);
      const out = Matrix.ones(9, 10).mul(1e9);
      withKernel(kernel, () => {
        for (let round = 0; round < 3; round++) {
          const c = matmul(a, b, out);
          assert.equal(c, out);
          assert.ok(worstError(c, a.mmul(b), Matrix.abs(a), Matrix.abs(b)) <= tol);
          a.mul(-0.5); // change the operands in place: a stale copy would now be wrong
        }
      });
    });

    test('gives the right answer when out is also an operand', () => {
      const rng = new Random(3);
      const a = randomMatrix(rng, 6, 6);
      const b = randomMatrix(rng, 6, 6);
      const ref = a.mmul(b);
      const absA = Matrix.abs(a); // static: the instance method works in place
      const absB = Matrix.abs(b);
      if (name === 'typescript') return; // the TypeScript kernel reads a while writing out: aliasing unsupported
      withKernel(kernel, () => {
        matmul(a, b, a);
        assert.ok(worstError(a, ref, absA, absB) <= tol);
      });
    });

    test('propagates NaN and Infinity from an operand into the row it reaches', () => {
      const a = Matrix.ones(5, 3);
      a.set(1, 2, NaN);
      a.set(3, 0, Infinity);
      const b = Matrix.ones(3, 9);
      withKernel(kernel, () => {
        const c = matmul(a, b);
        for (let j = 0; j < 9; j++) {
          assert.ok(Number.isNaN(c.get(1, j)), `row 1, column ${j}: ${c.get(1, j)}`);
          assert.equal(c.get(3, j), Infinity);
          assert.equal(c.get(0, j), 3);
        }
      });
    });

    test('handles zero-size shapes', () => {
      withKernel(kernel, () => {
        const empty = matmul(new Matrix(0, 3), new Matrix(3, 4));
        assert.deepEqual([empty.rows, empty.columns], [0, 4]);
        const noColumns = matmulNT(new Matrix(2, 3), new Matrix(0, 3));
        assert.deepEqual([noColumns.rows, noColumns.columns], [2, 0]);
        const out = Matrix.ones(2, 3);
        const zeroK = matmul(new Matrix(2, 0), new Matrix(0, 3), out);
        assert.deepEqual(zeroK.to2DArray(), [
          [0, 0, 0],
          [0, 0, 0],
        ]);
      });
    });
  });
}

describe('the relaxed-SIMD kernel under Node 20', () => {
  const needsChild = !isKernelAvailable('relaxed') && process.versions.node.startsWith('20.') && !process.env.SEQ2SEQ_KERNEL_CHILD;
  test('passes this file in a child Node started with --experimental-wasm-relaxed-simd', { skip: !needsChild && 'relaxed SIMD runs in this process already, or this is not Node 20' }, () => {
    // a plain run of a test file runs its tests; NODE_TEST_CONTEXT would make the child report to our runner
    const env: NodeJS.ProcessEnv = { ...process.env, SEQ2SEQ_KERNEL_CHILD: '1', SEQ2SEQ_KERNEL: 'relaxed' };
    delete env.NODE_TEST_CONTEXT;
    const child = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', __filename], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${child.stdout}\n${child.stderr}`;
    assert.equal(child.status, 0, `child test run failed:\n${output}`);
    assert.match(output, /the relaxed kernel/, 'the child ran the relaxed kernel tests');
  });
});
