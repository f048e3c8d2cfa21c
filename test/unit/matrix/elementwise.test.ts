/**
 * The fused element-wise wasm kernels (src/matrix/asm/elementwise.ts) against float64 references written
 * from the book's formulas (ch. 6.3 LSTM, ch. 1.3 softmax): σ, tanh, the LSTM gate math forward and
 * backward, row softmax. Float32 results; asserted error per element: |y − ref| ≤ 2e-6·|ref| + 2e-7
 * (σ, softmax; tanh with 1e-12, and 1e-30 on the sweep to ±100 that also checks ±∞ and NaN) and
 * ≤ 1e-5·|ref| + 1e-6 for the LSTM steps, which chain several of them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableKernels, WasmCompute } from '../../../src/matrix';
import { Random } from '../../../src/random';

const sigmoidRef = (x: number): number => 1 / (1 + Math.exp(-x));

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, abs: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    assert.ok(err <= rel * Math.abs(want[i]) + abs, `${what}[${i}]: got ${got[i]}, expected ${want[i]} (error ${err})`);
  }
}

/** Puts values into the arena as float32 and returns the address. */
function put(g: WasmCompute, values: ArrayLike<number>): number {
  const at = g.arena.alloc(values.length * 4);
  g.arena.f32().set(values, at / 4);
  return at;
}

function get(g: WasmCompute, at: number, count: number): Float32Array {
  return g.arena.f32().slice(at / 4, at / 4 + count);
}

const wasmBuilds = availableKernels().filter((k): k is 'simd' | 'relaxed' => k !== 'typescript');

for (const name of wasmBuilds) {
  describe(`the ${name} element-wise kernels`, () => {
    const g = new WasmCompute(name);
    const rng = new Random(42);
    // both sides of tanh's switch at |x| = 0.625, tiny and huge values, and a length that leaves a tail of 3
    const xs = [0, 1e-6, -1e-6, 1e-3, 0.3, -0.6, 0.62, 0.63, -0.7, 1, -2.5, 5, 9, -15, 20, 40, -90, 100, -100];
    for (let i = 0; i < 40; i++) xs.push(rng.normal() * 4);

    test('σ matches 1 / (1 + e⁻ˣ), in place too', () => {
      g.arena.reset();
      const x = put(g, xs);
      const y = g.arena.alloc(xs.length * 4);
      g.sigmoid(x, y, xs.length);
      const want = xs.map((v) => sigmoidRef(Math.fround(v)));
      assertClose(get(g, y, xs.length), want, 2e-6, 2e-7, 'sigmoid');
      g.sigmoid(x, x, xs.length);
      assertClose(get(g, x, xs.length), want, 2e-6, 2e-7, 'sigmoid in place');
    });

    test('tanh matches Math.tanh with small relative error near 0', () => {
      g.arena.reset();
      const x = put(g, xs);
      g.tanh(x, x, xs.length);
      const got = get(g, x, xs.length);
      const want = xs.map((v) => Math.tanh(Math.fround(v)));
      assertClose(got, want, 2e-6, 1e-12, 'tanh');
    });

    test('σ and tanh keep their error bounds over a dense sweep to ±100, tiny values, ±0, ±∞ and NaN', () => {
      g.arena.reset();
      const sweep: number[] = [];
      for (let i = -10000; i <= 10000; i++) sweep.push(i / 100 + 0.003); // [−100, 100], off the grid of round numbers
      for (let e = -40; e <= 1; e += 0.25) sweep.push(10 ** e, -(10 ** e));
      sweep.push(0, -0, 1e-45, -1e-45, Infinity, -Infinity, 1e30, -1e30);
      const xs32 = sweep.map(Math.fround);
      const x = put(g, [...xs32, NaN]);
      const y = g.arena.alloc((xs32.length + 1) * 4);
      g.sigmoid(x, y, xs32.length + 1);
      const sig = get(g, y, xs32.length + 1);
      assertClose(sig.subarray(0, xs32.length), xs32.map(sigmoidRef), 2e-6, 2e-7, 'sigmoid sweep');
      assert.ok(Number.isNaN(sig[xs32.length]), `σ(NaN): expected NaN, got ${sig[xs32.length]}`);
      g.tanh(x, y, xs32.length + 1);
      const th = get(g, y, xs32.length + 1);
      assertClose(th.subarray(0, xs32.length), xs32.map(Math.tanh), 2e-6, 1e-30, 'tanh sweep');
      assert.ok(Number.isNaN(th[xs32.length]), `tanh(NaN): expected NaN, got ${th[xs32.length]}`);
    });

    test('softmaxRows gives each row probabilities summing to 1, stable for large inputs', () => {
      g.arena.reset();
      for (const cols of [1, 4, 13, 16]) {
        const rows = 3;
        const values: number[] = [];
        for (let i = 0; i < rows * cols; i++) values.push(rng.normal() * 3 + (i < cols ? 1000 : 0));
        const x = put(g, values);
        const y = g.arena.alloc(values.length * 4);
        g.softmaxRows(x, y, rows, cols);
        const got = get(g, y, values.length);
        const want: number[] = [];
        for (let r = 0; r < rows; r++) {
          const row = values.slice(r * cols, (r + 1) * cols).map(Math.fround);
          const mx = Math.max(...row);
          const e = row.map((v) => Math.exp(v - mx));
          const s = e.reduce((p, q) => p + q, 0);
          want.push(...e.map((v) => v / s));
          const sum = Array.from(got.slice(r * cols, (r + 1) * cols)).reduce((p, q) => p + q, 0);
          assert.ok(Math.abs(sum - 1) < 1e-6, `cols ${cols} row ${r}: sums to ${sum}`);
        }
        assertClose(got, want, 2e-6, 2e-7, `softmax cols ${cols}`);
      }
    });

    test('softmaxRows in place matches softmaxRows into another buffer, for widths with and without a tail', () => {
      g.arena.reset();
      for (const cols of [3, 5, 8, 13, 17]) {
        const rows = 4;
        const values = Array.from({ length: rows * cols }, () => rng.normal() * 5);
        const x = put(g, values);
        const y = g.arena.alloc(values.length * 4);
        g.softmaxRows(x, y, rows, cols);
        g.softmaxRows(x, x, rows, cols);
        assert.deepEqual(get(g, x, values.length), get(g, y, values.length), `cols ${cols}`);
      }
    });

    // H = 8: only the one-vector tails of the 4-vector loops; H = 36: both (two steps of 16, then 4)
    for (const [N, H] of [[3, 8], [2, 36]]) test(`lstmForward and lstmBackward match the book LSTM step (N=${N}, H=${H})`, () => {
      g.arena.reset();
      const rand = (count: number, scale = 1): number[] => Array.from({ length: count }, () => Math.fround(rng.normal() * scale));
      const A = rand(N * 4 * H, 2); // x·Wx + h·Wh
      const b = rand(4 * H, 0.5);
      const cPrev = rand(N * H);
      const dhNext = rand(N * H);
      const dcNext = rand(N * H);
      // float64 reference, gate order f, g, i, o
      const gates: number[] = new Array(N * 4 * H);
      const cNext: number[] = [];
      const tanhC: number[] = [];
      const hNext: number[] = [];
      const dA: number[] = new Array(N * 4 * H);
      const dcPrev: number[] = [];
      for (let r = 0; r < N; r++) {
        for (let j = 0; j < H; j++) {
          const at = (q: number): number => r * 4 * H + q * H + j;
          const f = sigmoidRef(A[at(0)] + b[j]);
          const gg = Math.tanh(A[at(1)] + b[H + j]);
          const i = sigmoidRef(A[at(2)] + b[2 * H + j]);
          const o = sigmoidRef(A[at(3)] + b[3 * H + j]);
          [gates[at(0)], gates[at(1)], gates[at(2)], gates[at(3)]] = [f, gg, i, o];
          const c = f * cPrev[r * H + j] + gg * i;
          const t = Math.tanh(c);
          cNext.push(c);
          tanhC.push(t);
          hNext.push(o * t);
          const dh = dhNext[r * H + j];
          const ds = dcNext[r * H + j] + dh * o * (1 - t * t);
          dcPrev.push(ds * f);
          dA[at(0)] = ds * cPrev[r * H + j] * f * (1 - f);
          dA[at(1)] = ds * i * (1 - gg * gg);
          dA[at(2)] = ds * gg * i * (1 - i);
          dA[at(3)] = dh * t * o * (1 - o);
        }
      }
      const pA = put(g, A);
      const pb = put(g, b);
      const pc = put(g, cPrev);
      const pcNext = g.arena.alloc(N * H * 4);
      const phNext = g.arena.alloc(N * H * 4);
      const pt = g.arena.alloc(N * H * 4);
      g.lstmForward(pA, pb, pc, pcNext, phNext, pt, N, H);
      assertClose(get(g, pA, N * 4 * H), gates, 1e-5, 1e-6, 'gates');
      assertClose(get(g, pcNext, N * H), cNext, 1e-5, 1e-6, 'c_next');
      assertClose(get(g, pt, N * H), tanhC, 1e-5, 1e-6, 'tanh(c_next)');
      assertClose(get(g, phNext, N * H), hNext, 1e-5, 1e-6, 'h_next');
      const pdh = put(g, dhNext);
      const pdc = put(g, dcNext);
      const pdA = g.arena.alloc(N * 4 * H * 4);
      g.lstmBackward(pA, pc, pt, pdh, pdc, pdA, pdc, N, H); // dc_prev written over dc_next
      assertClose(get(g, pdA, N * 4 * H), dA, 1e-5, 1e-6, 'dA');
      assertClose(get(g, pdc, N * H), dcPrev, 1e-5, 1e-6, 'dc_prev');
    });

    test('the LSTM kernels reject an H that is not a multiple of 4', () => {
      assert.throws(() => g.lstmForward(0, 0, 0, 0, 0, 0, 1, 6), /expected H a multiple of 4, got 6/);
      assert.throws(() => g.lstmBackward(0, 0, 0, 0, 0, 0, 0, 1, 6), /expected H a multiple of 4, got 6/);
    });
  });
}
