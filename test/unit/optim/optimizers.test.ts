import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { Adam, gradsInWasm } from '../../../src/optim/adam';
import { SGD } from '../../../src/optim/sgd';
import { clipGrads, globalNorm } from '../../../src/optim/clip';
import { availableKernels, rowsOf, ShapeError, withKernel } from '../../../src/matrix';
import type { KernelName } from '../../../src/matrix';
import { Random } from '../../../src/random';

describe('optimizers and clipping', () => {
  test('SGD steps against the gradient by lr', () => {
    const p = new Matrix([[1, 2]]);
    new SGD(0.1).update([p], [new Matrix([[10, -5]])]);
    assert.deepEqual(p.to2DArray(), [[0, 2.5]]);
  });

  test('Adam follows the book: two steps computed by hand', () => {
    const lr = 0.1, b1 = 0.9, b2 = 0.999;
    const p = new Matrix([[1]]);
    const adam = new Adam({ lr });
    let m = 0, v = 0, x = 1;
    for (const [t, g] of [[1, 2], [2, -1]]) {
      adam.update([p], [new Matrix([[g]])]);
      m += (1 - b1) * (g - m);
      v += (1 - b2) * (g * g - v);
      x -= ((lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)) * (m / (Math.sqrt(v) + 1e-7));
      assert.ok(Math.abs(p.get(0, 0) - x) < 1e-15, `step ${t}: ${p.get(0, 0)} vs ${x}`);
    }
    assert.equal(adam.iter, 2);
  });

  test('Adam gives bit-identical params whether its moments live in wasm memory or in float64 matrices', () => {
    // odd sizes exercise the scalar tail after the two-lane loop; rows of several lengths the copies
    const shapes: [number, number][] = [[1, 1], [3, 5], [7, 1], [2, 64], [13, 16]];
    const run = (kernel: KernelName): number[][][] => withKernel(kernel, () => {
      const rng = new Random(7);
      const params = shapes.map(([r, c]) => Matrix.from1DArray(r, c, Array.from({ length: r * c }, () => rng.normal())));
      const adam = new Adam({ lr: 0.01 });
      const kept = shapes.map(([r, c]) => new Matrix(r, c));
      for (let step = 0; step < 6; step++) {
        // fresh grads matrices on even steps, the same ones refilled on odd steps (as the layers do)
        const grads = step % 2 === 0 ? shapes.map(([r, c]) => new Matrix(r, c)) : kept;
        for (const g of grads) for (const row of rowsOf(g)) for (let j = 0; j < row.length; j++) row[j] = rng.normal() * 3;
        if (step === 3) {
          params[1].set(1, 2, 42); // a write into a param between steps (the trainer restores best weights so)
          rowsOf(params[3])[1] = Float64Array.from(rowsOf(params[3])[1], (v) => -v); // a row swapped for a new array
        }
        adam.update(params, grads);
        if (step % 2 === 1) kept.forEach((g, i) => assert.equal(g, grads[i])); // the same Matrix objects
      }
      return params.map((p) => p.to2DArray());
    });
    const reference = run('typescript');
    const builds = availableKernels().filter((k) => k !== 'typescript');
    assert.ok(builds.includes('simd'), `wasm SIMD should run on Node ${process.versions.node}; available: ${builds.join(', ')}`);
    for (const build of builds) assert.deepEqual(run(build), reference, `Adam under the ${build} kernel`);
    const start = withKernel('typescript', () => {
      const rng = new Random(7);
      return shapes.map(([r, c]) => Matrix.from1DArray(r, c, Array.from({ length: r * c }, () => rng.normal())).to2DArray());
    });
    assert.notDeepEqual(reference, start, 'the params moved');
  });

  test('Adam refuses params whose sizes differ from the state it built at the first update', () => {
    for (const kernel of availableKernels()) {
      withKernel(kernel, () => {
        const adam = new Adam();
        adam.update([new Matrix(2, 3)], [new Matrix(2, 3)]);
        assert.throws(() => adam.update([new Matrix(3, 3)], [new Matrix(3, 3)]), (e: unknown) => e instanceof ShapeError && /params\[0\] has 6 entries, got \(3×3\)/.test(e.message), kernel);
        assert.throws(() => adam.update([new Matrix(2, 3), new Matrix(1, 1)], [new Matrix(2, 3), new Matrix(1, 1)]), /state is for 1 params, got 2/, kernel);
      });
    }
  });

  test('Adam defaults are the book\'s and it minimises a quadratic', () => {
    const adam = new Adam();
    assert.deepEqual([adam.lr, adam.beta1, adam.beta2], [0.001, 0.9, 0.999]);
    const positional = new Adam(0.01, 0.8, 0.99); // the book's signature
    assert.deepEqual([positional.lr, positional.beta1, positional.beta2], [0.01, 0.8, 0.99]);
    assert.deepEqual([new Adam({ lr: 0.01 }).lr, new Adam({ lr: 0.01 }).beta2], [0.01, 0.999]);
    assert.throws(() => new Adam({ beta1: 1 }), /beta1 must be in \[0, 1\), got 1/);
    adam.lr = 0.05;
    const p = new Matrix([[3, -4]]);
    const g = new Matrix(1, 2);
    for (let i = 0; i < 500; i++) {
      g.set(0, 0, 2 * p.get(0, 0));
      g.set(0, 1, 2 * p.get(0, 1));
      adam.update([p], [g]);
    }
    assert.ok(p.norm() < 0.05, `|p| = ${p.norm()}`);
  });

  test('clipGrads scales by maxNorm/‖g‖ only above the threshold and returns the norm', () => {
    const a = new Matrix([[3, 0]]);
    const b = new Matrix([[0], [4]]);
    assert.equal(clipGrads([a, b], 10), 5);
    assert.deepEqual(a.to2DArray(), [[3, 0]]);
    assert.equal(clipGrads([a, b], 1), 5);
    assert.ok(Math.abs(globalNorm([a, b]) - 1) < 1e-6);
    assert.ok(Math.abs(a.get(0, 0) - 3 / (5 + 1e-6)) < 1e-15);
  });

  test('clipGrads on grads an Adam holds in wasm memory gives the row loops\' norm and scaled values', () => {
    // odd sizes: the padding between params and the kernels' scalar tails
    const shapes: [number, number][] = [[1, 1], [3, 5], [7, 1], [2, 64], [13, 16]];
    const fill = (ms: Matrix[], rng: Random, scale: number): void => {
      for (const m of ms) for (const row of rowsOf(m)) for (let j = 0; j < row.length; j++) row[j] = rng.normal() * scale;
    };
    for (const build of availableKernels().filter((k) => k !== 'typescript')) {
      withKernel(build, () => {
        const rng = new Random(3);
        const params = shapes.map(([r, c]) => new Matrix(r, c));
        const grads = shapes.map(([r, c]) => new Matrix(r, c));
        const adam = new Adam();
        fill(grads, rng, 1);
        adam.update(params, grads); // adopts the grads' rows into its wasm memory
        const wasmRow = rowsOf(grads[1])[0];
        for (const scale of [0.01, 3]) {
          fill(grads, rng, scale); // the layers write new gradients into the same rows
          const plain = grads.map((g) => new Matrix(g.to2DArray())); // the same values in ordinary rows
          const expected = clipGrads(plain, 5);
          const norm = clipGrads(grads, 5);
          assert.ok(Math.abs(norm - expected) <= 1e-15 * expected, `${build}: norm ${norm} against ${expected}`);
          assert.ok((scale < 1) === (norm < 5), `${build}: scale ${scale} gives norm ${norm}`);
          assert.notEqual(gradsInWasm(grads), null, `${build}: clipping ran on the optimizer's memory`);
          grads.forEach((g, i) => {
            const want = plain[i].to2DArray().flat();
            g.to2DArray().flat().forEach((v, j) => assert.ok(Math.abs(v - want[j]) <= 1e-15 * Math.abs(want[j]), `${build}: grads[${i}][${j}] ${v} against ${want[j]} at scale ${scale}`));
          });
          assert.equal(rowsOf(grads[1])[0], wasmRow, 'the rows stay the optimizer\'s');
        }
        rowsOf(grads[2])[3] = new Float64Array([1e3]); // a row swapped out: clipping must see it (the row loops run)
        assert.equal(gradsInWasm(grads), null, 'a swapped row takes clipping off the optimizer\'s memory');
        assert.ok(Math.abs(globalNorm(grads) - 1e3) < 1, 'the swapped row counts');
        adam.update(params, grads);
      });
    }
  });

  test('rejects grads that do not pair up with params', () => {
    assert.throws(() => new Adam().update([new Matrix(2, 2)], [new Matrix(2, 3)]), (e: unknown) => e instanceof ShapeError && /grads\[0\] expected \(2×2\)/.test(e.message));
    assert.throws(() => new SGD().update([new Matrix(1, 1)], []), /1 params but 0 grads/);
  });
});
