/**
 * Float64 kernels for the optimizer step (book `common/optimizer.py` Adam, `common/util.py` clip_grads), SIMD
 * f64x2. They compute exactly what the TypeScript loops in src/optim/ compute, element by element and in the
 * same order of operations (wasm never fuses a multiply and an add on its own, and √ and ÷ are correctly
 * rounded), so the results are bit-identical; only the speed differs: two lanes per instruction, no bounds
 * checks. Compiled into the same modules as gemm.ts (entry: index.ts), and alone on an imported shared memory
 * (scripts/build-wasm.js), for the data-parallel trainer's threads (src/matrix/wasmModule.ts SharedOptim).
 */

/**
 * Adam, in place over `count` float64 at p, g, m, v (byte addresses, 16-byte aligned):
 *   m += a1·(g − m);  v += a2·(g² − v);  p −= lrT·m / (√v + eps)
 * with a1 = 1 − β₁, a2 = 1 − β₂ and lrT the bias-corrected step (see src/optim/adam.ts).
 */
export function adam64(p: usize, g: usize, m: usize, v: usize, count: i32, a1: f64, a2: f64, lrT: f64, eps: f64): void {
  const A1 = f64x2.splat(a1);
  const A2 = f64x2.splat(a2);
  const L = f64x2.splat(lrT);
  const E = f64x2.splat(eps);
  let i = 0;
  for (; i + 2 <= count; i += 2) {
    const o = <usize>i << 3;
    const gj = v128.load(g + o);
    const m0 = v128.load(m + o);
    const v0 = v128.load(v + o);
    const mj = f64x2.add(m0, f64x2.mul(A1, f64x2.sub(gj, m0)));
    const vj = f64x2.add(v0, f64x2.mul(A2, f64x2.sub(f64x2.mul(gj, gj), v0)));
    v128.store(m + o, mj);
    v128.store(v + o, vj);
    const step = f64x2.div(f64x2.mul(L, mj), f64x2.add(f64x2.sqrt(vj), E));
    v128.store(p + o, f64x2.sub(v128.load(p + o), step));
  }
  for (; i < count; i++) {
    const o = <usize>i << 3;
    const gj = load<f64>(g + o);
    const m0 = load<f64>(m + o);
    const v0 = load<f64>(v + o);
    const mj = m0 + a1 * (gj - m0);
    const vj = v0 + a2 * (gj * gj - v0);
    store<f64>(m + o, mj);
    store<f64>(v + o, vj);
    store<f64>(p + o, load<f64>(p + o) - (lrT * mj) / (Math.sqrt(vj) + eps));
  }
}

/**
 * Σ x[i]² over `count` float64 at x (16-byte aligned): the squared global norm of gradient clipping, in two
 * lanes and two running sums per lane (the sum's order differs from the TypeScript loop's, so the norm can
 * differ in its last bit).
 */
export function sumSquares64(x: usize, count: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 3;
    const a = v128.load(x + o);
    const b = v128.load(x + o, 16);
    s0 = f64x2.add(s0, f64x2.mul(a, a));
    s1 = f64x2.add(s1, f64x2.mul(b, b));
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < count; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    total += v * v;
  }
  return total;
}

/** x[i] *= factor over `count` float64 at x (16-byte aligned): the clipping step, bit for bit the TypeScript loop's. */
export function scale64(x: usize, count: i32, factor: f64): void {
  const F = f64x2.splat(factor);
  let i = 0;
  for (; i + 2 <= count; i += 2) {
    const o = <usize>i << 3;
    v128.store(x + o, f64x2.mul(v128.load(x + o), F));
  }
  for (; i < count; i++) {
    const o = <usize>i << 3;
    store<f64>(x + o, load<f64>(x + o) * factor);
  }
}

/**
 * y[i] += x[i] over `count` float64 at x and y (16-byte aligned): the data-parallel trainer adding a helper
 * thread's gradients to this thread's (src/train/parallel.ts), bit for bit the TypeScript loop's.
 */
export function add64(x: usize, y: usize, count: i32): void {
  let i = 0;
  for (; i + 2 <= count; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), v128.load(x + o)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + load<f64>(x + o));
  }
}
