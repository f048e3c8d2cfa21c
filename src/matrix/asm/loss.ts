/**
 * Softmax with cross-entropy loss, float32 SIMD (book ch. 5.4 and `common/time_layers.py`
 * TimeSoftmaxWithLoss), fused for training: one call turns the decoder's scores into the loss and, in place,
 * into the scores' gradient, so nothing of the softmax is kept. For src/layers/wasm-affine.ts.
 * Compiled into the same modules as gemm.ts (entry: index.ts).
 */
import { exp4, lane0 } from './approx';

/** The largest lane of v. */
// @ts-ignore: decorator
@inline
function maxLanes(v: v128): f32 {
  v = f32x4.pmax(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  v = f32x4.pmax(v, v128.shuffle<f32>(v, v, 1, 0, 3, 2));
  return f32x4.extract_lane(v, 0);
}

/** The sum of v's lanes. */
// @ts-ignore: decorator
@inline
function sumLanes(v: v128): f32 {
  v = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  v = f32x4.add(v, v128.shuffle<f32>(v, v, 1, 0, 3, 2));
  return f32x4.extract_lane(v, 0);
}

/**
 * x holds rows×cols scores; targets one int32 per row, < 0 for a row that counts for nothing (the book's
 * ignore_label; the caller maps PAD to −1). For every counted row, with m its maximum and t its target:
 *   loss += m + log Σ_j e^(x_j − m) − x_t            (the exact log-sum-exp, no log(y + 1e-7))
 *   x     = (softmax(x) − onehot(t)) · scale          (dL/dx for L = scale · Σ loss)
 * and ignored rows become 0. Returns Σ loss over the counted rows, summed in float64.
 */
export function softmaxCrossEntropy(x: usize, targets: usize, rows: i32, cols: i32, scale: f32): f64 {
  const c4 = cols & ~3;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2);
    const t = load<i32>(targets + (<usize>r << 2));
    if (t < 0) {
      memory.fill(xr, 0, <usize>cols << 2);
      continue;
    }
    let j = 0;
    let m: f32 = -Infinity;
    if (c4 > 0) {
      let mv = v128.load(xr);
      for (j = 4; j < c4; j += 4) mv = f32x4.pmax(mv, v128.load(xr + (<usize>j << 2)));
      m = maxLanes(mv);
    }
    for (; j < cols; j++) m = max(m, load<f32>(xr + (<usize>j << 2)));
    const xt = load<f32>(xr + (<usize>t << 2));
    const mm = f32x4.splat(m);
    let sv = f32x4.splat(0);
    for (j = 0; j < c4; j += 4) {
      const p = xr + (<usize>j << 2);
      const e = exp4(f32x4.sub(v128.load(p), mm));
      v128.store(p, e);
      sv = f32x4.add(sv, e);
    }
    let sum = sumLanes(sv);
    for (; j < cols; j++) {
      const p = xr + (<usize>j << 2);
      const e = lane0(exp4(f32x4.splat(load<f32>(p) - m)));
      store<f32>(p, e);
      sum += e;
    }
    total += <f64>(m - xt) + <f64>Mathf.log(sum); // m − x_t first: exact when they are close
    const f = scale / sum;
    const fv = f32x4.splat(f);
    for (j = 0; j < c4; j += 4) {
      const p = xr + (<usize>j << 2);
      v128.store(p, f32x4.mul(v128.load(p), fv));
    }
    for (; j < cols; j++) {
      const p = xr + (<usize>j << 2);
      store<f32>(p, load<f32>(p) * f);
    }
    const pt = xr + (<usize>t << 2);
    store<f32>(pt, load<f32>(pt) - scale);
  }
  return total;
}

/** x[i] *= factor, i < count (the loss's gradient scaled by a dout other than 1). */
export function scale(x: usize, count: i32, factor: f32): void {
  const fv = f32x4.splat(factor);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const p = x + (<usize>i << 2);
    v128.store(p, f32x4.mul(v128.load(p), fv));
  }
  for (; i < count; i++) store<f32>(x + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) * factor);
}
