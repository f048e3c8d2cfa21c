/**
 * Scratch sizing of the float32 TimeLSTM path (src/layers/wasm-layers.ts): the layer reserves GEMM scratch
 * once for the deepest product it runs, so `workBytes` must not shrink as the depth grows. Found by the book's
 * ch. 8 date task (T = 29, N = 128): dWh with h₀ = 0 is one product of depth (T−1)·N = 3584 (14 blocks of 256)
 * while the layer sized its scratch for T·N = 3712 (15 blocks of 248) — 32 KiB short, a wasm trap.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableKernels, withKernel, WasmCompute } from '../../../src/matrix';
import { TimeLSTM } from '../../../src/layers/time-lstm';
import { TimeEmbedding } from '../../../src/layers/embedding';
import { Random } from '../../../src/random';
import { randomMatrix } from '../helpers/gradcheck';

const builds = availableKernels().filter((k): k is 'simd' | 'relaxed' => k !== 'typescript');

describe('wasm GEMM scratch sizing', () => {
  test('wasm SIMD runs here', () => assert.ok(builds.includes('simd'), `available: ${availableKernels().join(', ')}`));

  for (const build of builds) {
    test(`${build}: workBytes(n, k) never shrinks as k or n grows`, () => {
      const g = new WasmCompute(build);
      for (const n of [1, 13, 128, 512, 1024]) {
        let previous = 0;
        for (let k = 1; k <= 4200; k++) {
          const bytes = g.workBytes(n, k);
          assert.ok(bytes >= previous, `workBytes(${n}, ${k}) = ${bytes} < workBytes(${n}, ${k - 1}) = ${previous}`);
          assert.ok(n === 1 || bytes >= g.workBytes(n - 1, k), `workBytes(${n}, ${k}) < workBytes(${n - 1}, ${k})`);
          previous = bytes;
        }
      }
    });
  }

  test('the date task\'s encoder (embedding fused, V 63, D 16, H 256, T 29, N 128) runs forward and backward', () => {
    for (const build of builds) {
      withKernel(build, () => {
        const rng = new Random(4);
        const N = 128, T = 29, V = 63, D = 16, H = 256;
        const embed = new TimeEmbedding(randomMatrix(rng, V, D, 0.01));
        const lstm = new TimeLSTM(randomMatrix(rng, D, 4 * H, 0.25), randomMatrix(rng, H, 4 * H, 0.06), randomMatrix(rng, 1, 4 * H, 0), false);
        const ids = Array.from({ length: N }, () => Array.from({ length: T }, () => rng.int(V)));
        const hs = lstm.forwardEmbedded(embed, ids);
        lstm.backwardEmbedded(hs.map(() => randomMatrix(rng, N, H, 0.1)));
        for (const g of [...lstm.grads, ...embed.grads]) for (const row of g.to2DArray()) assert.ok(row.every(Number.isFinite), build);
      });
    }
  });

  test('a fresh TimeLSTM over T = 29 steps of N = 128 rows equals the float64 path', () => {
    const run = (): number[][][] => {
      const rng = new Random(4);
      const N = 128, T = 29, D = 3, H = 32;
      const lstm = new TimeLSTM(randomMatrix(rng, D, 4 * H, 0.3), randomMatrix(rng, H, 4 * H, 0.3), randomMatrix(rng, 1, 4 * H, 0.3), false);
      const xs = Array.from({ length: T }, () => randomMatrix(rng, N, D));
      const hs = lstm.forward(xs);
      lstm.backward(hs.map(() => randomMatrix(rng, N, H, 0.1)));
      return lstm.grads.map((g) => g.to2DArray());
    };
    const exact = withKernel('typescript', run);
    for (const build of builds) {
      const fast = withKernel(build, run);
      let worst = 0;
      let scale = 0;
      exact.forEach((m, i) => m.forEach((row, r) => row.forEach((v, j) => {
        scale = Math.max(scale, Math.abs(v));
        worst = Math.max(worst, Math.abs(v - fast[i][r][j]));
      })));
      assert.ok(worst <= 1e-4 * scale, `${build}: max |difference| ${worst}, largest gradient ${scale}`);
    }
  });
});
