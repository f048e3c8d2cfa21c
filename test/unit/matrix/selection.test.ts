/**
 * Kernel selection and the shape checks of the matrix module: which kernel is active, how SEQ2SEQ_KERNEL
 * forces one, `withKernel` restoring the previous kernel, and shape errors naming both operands.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Matrix } from 'ml-matrix';
import {
  availableKernels,
  currentKernel,
  kernelByName,
  KERNEL_NAMES,
  matmul,
  matmulNT,
  matmulTN,
  selectFastestKernel,
  setKernel,
  ShapeError,
  typescriptKernel,
  withKernel,
} from '../../../src/matrix';

describe('kernel selection', () => {
  test('lists the available kernels fastest first, always ending with typescript', () => {
    const names = availableKernels();
    assert.equal(names[names.length - 1], 'typescript');
    const order = names.map((n) => KERNEL_NAMES.indexOf(n));
    assert.deepEqual(order, [...order].sort((x, y) => x - y));
  });

  test('finds at least the SIMD kernel on Node 20 and later', () => {
    assert.ok(availableKernels().includes('simd'), `available: ${availableKernels().join(', ')}`);
  });

  test('picks the fastest available kernel when SEQ2SEQ_KERNEL is unset', () => {
    assert.equal(selectFastestKernel({}).name, availableKernels()[0]);
  });

  test('makes the kernel chosen at import the active one', () => {
    assert.equal(currentKernel().name, selectFastestKernel().name);
  });

  test('obeys SEQ2SEQ_KERNEL=typescript and SEQ2SEQ_KERNEL=simd', () => {
    assert.equal(selectFastestKernel({ SEQ2SEQ_KERNEL: 'typescript' }), typescriptKernel);
    assert.equal(selectFastestKernel({ SEQ2SEQ_KERNEL: 'simd' }).name, 'simd');
  });

  test('rejects an unknown SEQ2SEQ_KERNEL naming what it expected and what it got', () => {
    assert.throws(() => selectFastestKernel({ SEQ2SEQ_KERNEL: 'gpu' }), /expected one of relaxed, simd, typescript, got 'gpu'/);
  });

  test('makes SEQ2SEQ_KERNEL=relaxed select the relaxed kernel at import, with no Node flag', () => {
    // a child process: on Node 20 this sets a V8 flag, which should not leak into this test process
    const matrix = path.resolve(__dirname, '../../../src/matrix');
    const env: NodeJS.ProcessEnv = { ...process.env, SEQ2SEQ_KERNEL: 'relaxed' };
    delete env.NODE_TEST_CONTEXT;
    const child = spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(matrix)}).currentKernel().name)`], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, 'relaxed');
  });

  test('returns one shared instance per kernel name', () => {
    assert.equal(kernelByName('simd'), kernelByName('simd'));
  });
});

describe('withKernel', () => {
  test('runs the function with the kernel active and restores the previous one', () => {
    const before = currentKernel();
    const seen = withKernel('typescript', () => currentKernel().name);
    assert.equal(seen, 'typescript');
    assert.equal(currentKernel(), before);
  });

  test('restores the previous kernel when the function throws', () => {
    const before = currentKernel();
    assert.throws(() =>
      withKernel('typescript', () => {
        throw new Error('boom');
      }),
    /boom/);
    assert.equal(currentKernel(), before);
  });

  test('restores the previous kernel only after an async function settles', async () => {
    const before = setKernel(kernelByName('simd'));
    try {
      const pending = withKernel('typescript', async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return currentKernel().name;
      });
      assert.equal(currentKernel().name, 'typescript');
      assert.equal(await pending, 'typescript');
      assert.equal(currentKernel().name, 'simd');
    } finally {
      setKernel(before);
    }
  });
});

describe('shape checks', () => {
  test('matmul names both shapes when inner dimensions differ', () => {
    assert.throws(() => matmul(new Matrix(2, 3), new Matrix(4, 5)), (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.match(e.message, /matmul: .*\(2×3\).*\(4×5\).*3 ≠ 4/);
      return true;
    });
  });

  test('matmulTN and matmulNT name both shapes', () => {
    assert.throws(() => matmulTN(new Matrix(2, 3), new Matrix(4, 5)), /matmulTN: .*\(2×3\).*\(4×5\)/);
    assert.throws(() => matmulNT(new Matrix(2, 3), new Matrix(4, 5)), /matmulNT: .*\(2×3\).*\(4×5\)/);
  });

  test('rejects an out of the wrong shape saying what it expected', () => {
    assert.throws(() => matmul(new Matrix(2, 3), new Matrix(3, 4), new Matrix(4, 2)), /out is \(4×2\), expected \(2×4\)/);
  });
});
