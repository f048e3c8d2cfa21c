/**
 * The float32 wasm GEMM entry points on data in wasm memory (src/matrix/wasmModule.ts `WasmCompute`):
 * `gemmWith` (overwrite and accumulate), and `packWith` + `gemmPackedWith`, against a float64 product of the
 * same float32 inputs, in all four transposition forms, on shapes that reach every code path of
 * src/matrix/asm/gemm.ts: 4-row micro-panels and 1–3 leftover rows, full and partial 8-column panels,
 * the unpacked paths (m ≤ 4 with B in place; n ≤ 16 with A in place), k = 1, k cut into several blocks
 * (k > 256, the deep 896), and m cut into several row blocks (m > 192 at k = 256).
 *
 * Error asserted, per element: |c − ref| ≤ 1e-5 · (Σₚ |a_ip|·|b_pj| + |c₀|) (the forward error bound of a
 * dot product plus the accumulated value). Guards around C and the scratch check that nothing is written
 * outside them. On Node 20 the relaxed build needs --experimental-wasm-relaxed-simd: this file reruns
 * itself in a child Node with it, as kernels.test.ts does.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { isKernelAvailable, WasmCompute } from '../../../src/matrix/wasmModule';
import { Random } from '../../../src/random';

const TOL = 1e-5;
const GUARD = 64; // floats of sentinel after each block
const SENTINEL = 12345.5;

/** [m, k, n]: op(A) is m×k, op(B) is k×n. */
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [1, 9, 17],
  [3, 5, 8],
  [4, 7, 24],
  [5, 1, 9],
  [6, 13, 33],
  [7, 3, 40],
  [9, 300, 17],
  [13, 257, 7],
  [16, 128, 512],
  [17, 70, 23],
  [31, 16, 30],
  [130, 33, 130],
  [203, 260, 27],
  [37, 896, 41],
];

const forms: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

/** A float32 matrix as a JS array, with the float32 rounding applied, stored rows×columns. */
function randomF32(rng: Random, count: number): Float32Array {
  const x = new Float32Array(count);
  for (let i = 0; i < count; i++) x[i] = rng.normal();
  return x;
}

/** ref = c0 + op(A)·op(B) in float64, and the error bound Σ|a||b| + |c0|, from stored A, B. */
function reference(tA: boolean, tB: boolean, m: number, n: number, k: number, A: Float32Array, B: Float32Array, c0: Float32Array | null): { ref: Float64Array; bound: Float64Array } {
  const ref = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c0 === null ? 0 : c0[i * n + j];
      let b = c0 === null ? 0 : Math.abs(c0[i * n + j]);
      for (let p = 0; p < k; p++) {
        const a = tA ? A[p * m + i] : A[i * k + p];
        const v = tB ? B[j * k + p] : B[p * n + j];
        s += a * v;
        b += Math.abs(a * v);
      }
      ref[i * n + j] = s;
      bound[i * n + j] = b;
    }
  }
  return { ref, bound };
}

function assertClose(got: Float32Array, ref: Float64Array, bound: Float64Array, what: string): void {
  for (let e = 0; e < ref.length; e++) {
    const err = Math.abs(got[e] - ref[e]);
    if (!(err <= TOL * bound[e] + 1e-30)) assert.fail(`${what}: element ${e}: got ${got[e]}, expected ${ref[e]} (error ${err}, bound ${TOL * bound[e]})`);
  }
}

/** Allocates `count` floats followed by a guard of sentinels; returns the address. */
function allocGuarded(g: WasmCompute, count: number): number {
  const at = g.arena.alloc((count + GUARD) * 4);
  g.arena.f32().fill(SENTINEL, at / 4 + count, at / 4 + count + GUARD);
  return at;
}

function assertGuard(g: WasmCompute, at: number, count: number, what: string): void {
  const f = g.arena.f32();
  for (let i = 0; i < GUARD; i++) assert.equal(f[at / 4 + count + i], SENTINEL, `${what}: wrote past its end (float ${count + i})`);
}

const builds = (['relaxed', 'simd'] as const).filter(isKernelAvailable);

for (const build of builds) {
  describe(`the ${build} wasm GEMM entry points`, () => {
    test('gemmWith overwrites C with op(A)·op(B) in all four forms on every shape, within C and its scratch', () => {
      const g = new WasmCompute(build);
      const rng = new Random(5);
      for (const [m, k, n] of shapes) {
        for (const [tA, tB] of forms) {
          const mark = g.arena.mark();
          const A = randomF32(rng, m * k);
          const B = randomF32(rng, k * n);
          const a = g.arena.alloc(m * k * 4);
          const b = g.arena.alloc(k * n * 4);
          const c = allocGuarded(g, m * n);
          const workFloats = g.workBytes(n, k) / 4;
          const work = allocGuarded(g, workFloats);
          const f = g.arena.f32();
          f.set(A, a / 4);
          f.set(B, b / 4);
          f.fill(NaN, c / 4, c / 4 + m * n); // C is overwritten, never read
          g.gemmWith(tA, tB, m, n, k, a, b, c, work);
          const { ref, bound } = reference(tA, tB, m, n, k, A, B, null);
          const what = `${build} gemmWith ${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'} (${m}×${k})(${k}×${n})`;
          assertClose(g.arena.f32().subarray(c / 4, c / 4 + m * n), ref, bound, what);
          assertGuard(g, c, m * n, `${what} C`);
          assertGuard(g, work, workFloats, `${what} work`);
          g.arena.release(mark);
        }
      }
    });

    test('gemmWith with accumulate adds op(A)·op(B) to C in all four forms on every shape', () => {
      const g = new WasmCompute(build);
      const rng = new Random(6);
      for (const [m, k, n] of shapes) {
        for (const [tA, tB] of forms) {
          const mark = g.arena.mark();
          const A = randomF32(rng, m * k);
          const B = randomF32(rng, k * n);
          const C0 = randomF32(rng, m * n);
          const a = g.arena.alloc(m * k * 4);
          const b = g.arena.alloc(k * n * 4);
          const c = allocGuarded(g, m * n);
          const work = g.arena.alloc(g.workBytes(n, k));
          const f = g.arena.f32();
          f.set(A, a / 4);
          f.set(B, b / 4);
          f.set(C0, c / 4);
          g.gemmWith(tA, tB, m, n, k, a, b, c, work, true);
          const { ref, bound } = reference(tA, tB, m, n, k, A, B, C0);
          const what = `${build} gemmWith accumulate ${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'} (${m}×${k})(${k}×${n})`;
          assertClose(g.arena.f32().subarray(c / 4, c / 4 + m * n), ref, bound, what);
          assertGuard(g, c, m * n, `${what} C`);
          g.arena.release(mark);
        }
      }
    });

    test('gemmPackedWith on B packed once by packWith equals gemmWith, overwriting or accumulating, for several A', () => {
      const g = new WasmCompute(build);
      const rng = new Random(8);
      for (const [m, k, n] of shapes) {
        for (const [tA, tB] of forms) {
          const mark = g.arena.mark();
          const B = randomF32(rng, k * n);
          const b = g.arena.alloc(k * n * 4);
          const packedFloats = g.packedBytes(n, k) / 4;
          const packed = allocGuarded(g, packedFloats);
          const workFloats = g.packedWorkBytes() / 4;
          const work = allocGuarded(g, workFloats);
          const a = g.arena.alloc(m * k * 4);
          const c = allocGuarded(g, m * n);
          g.arena.f32().set(B, b / 4);
          g.packWith(tB, n, k, b, packed);
          assertGuard(g, packed, packedFloats, `packWith (${k}×${n})`);
          g.arena.f32().fill(0, b / 4, b / 4 + k * n); // the packed copy is all gemmPackedWith reads
          for (let round = 0; round < 3; round++) {
            const A = randomF32(rng, m * k);
            const accumulate = round === 2;
            const C0 = accumulate ? g.arena.f32().slice(c / 4, c / 4 + m * n) : null;
            g.arena.f32().set(A, a / 4);
            g.gemmPackedWith(tA, m, n, k, a, packed, c, work, accumulate);
            const { ref, bound } = reference(tA, tB, m, n, k, A, B, C0);
            const what = `${build} gemmPackedWith${accumulate ? ' accumulate' : ''} ${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'} (${m}×${k})(${k}×${n})`;
            assertClose(g.arena.f32().subarray(c / 4, c / 4 + m * n), ref, bound, what);
            assertGuard(g, c, m * n, `${what} C`);
            assertGuard(g, work, workFloats, `${what} work`);
          }
          g.arena.release(mark);
        }
      }
    });

    test('gemmPackedWith gives the same floats as gemmWith when both pack', () => {
      // gemm is packB then gemmPacked (for m > 4 or Bᵀ): the same sums in the same order
      const g = new WasmCompute(build);
      const rng = new Random(9);
      const [m, k, n] = [21, 300, 37];
      const a = g.arena.alloc(m * k * 4);
      const b = g.arena.alloc(k * n * 4);
      const c1 = g.arena.alloc(m * n * 4);
      const c2 = g.arena.alloc(m * n * 4);
      const packed = g.arena.alloc(g.packedBytes(n, k));
      const work = g.arena.alloc(g.workBytes(n, k));
      const f = g.arena.f32();
      f.set(randomF32(rng, m * k), a / 4);
      f.set(randomF32(rng, k * n), b / 4);
      for (const [tA, tB] of forms) {
        g.gemmWith(tA, tB, m, n, k, a, b, c1, work);
        g.packWith(tB, n, k, b, packed);
        g.gemmPackedWith(tA, m, n, k, a, packed, c2, work);
        const f2 = g.arena.f32();
        assert.deepEqual(f2.slice(c2 / 4, c2 / 4 + m * n), f2.slice(c1 / 4, c1 / 4 + m * n), `${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'}`);
      }
    });

    test('k = 0 zeroes C, or leaves it as it was when accumulating', () => {
      const g = new WasmCompute(build);
      const c = g.arena.alloc(6 * 4);
      const work = g.arena.alloc(g.workBytes(3, 0));
      const f = g.arena.f32();
      f.set([1, 2, 3, 4, 5, 6], c / 4);
      g.gemmWith(false, false, 2, 3, 0, work, work, c, work, true);
      assert.deepEqual([...g.arena.f32().subarray(c / 4, c / 4 + 6)], [1, 2, 3, 4, 5, 6]);
      g.gemmWith(false, false, 2, 3, 0, work, work, c, work);
      assert.deepEqual([...g.arena.f32().subarray(c / 4, c / 4 + 6)], [0, 0, 0, 0, 0, 0]);
    });
  });
}

// Where this process cannot run the relaxed build (Node 20 without the flag), a child Node with the flag runs
// this file; where it can, the tests above already ran it, so there is nothing to add.
const needsChild = !isKernelAvailable('relaxed') && process.versions.node.startsWith('20.') && !process.env.SEQ2SEQ_KERNEL_CHILD;
if (needsChild) {
  describe('the relaxed-SIMD wasm GEMM entry points under Node 20', () => {
    test('pass this file in a child Node started with --experimental-wasm-relaxed-simd', () => {
      const env: NodeJS.ProcessEnv = { ...process.env, SEQ2SEQ_KERNEL_CHILD: '1' };
      delete env.NODE_TEST_CONTEXT;
      const child = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', __filename], { env, encoding: 'utf8', timeout: 60_000 });
      const output = `${child.stdout}\n${child.stderr}`;
      assert.equal(child.status, 0, `child test run failed:\n${output}`);
      assert.match(output, /the relaxed wasm GEMM entry points/, 'the child ran the relaxed tests');
    });
  });
}
