/**
 * Attention kernels, float32 SIMD (book ch. 8.1–8.2, `ch08/attention_layer.py`: AttentionWeight, WeightSum,
 * TimeAttention), for src/layers/wasm-attention.ts. Every decoder step attends independently, so all of them
 * run in one call. Series are batch-major: row (r, t) of a series of T steps and width h is at
 * x + ((r·T + t)·h)·4, so one batch row's steps are contiguous (time-major rows of one batch row lie N·h·4
 * bytes apart, 128 KiB on the date task: they all fall in the same L1 sets and evict each other, measured
 * 2× slower). Weights and scores are (n·tq × tk): row (r, i) holds decoder step i's weights for batch row r
 * over the tk encoder steps. Per batch row these are small products (tq×h)(h×tk) and (tq×tk)(tk×h), done
 * here as dot products and weighted sums of contiguous rows.
 * Compiled into the same modules as gemm.ts (entry: index.ts).
 */
import { softmaxRows } from './elementwise';

// @ts-ignore: decorator
@inline
function fma4(a: v128, b: v128, c: v128): v128 {
  // a·b + c (fused in the relaxed build)
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Σ_j a[j]·b[j] over h floats. */
// @ts-ignore: decorator
@inline
function dot(a: usize, b: usize, h: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let j = 0;
  for (; j + 16 <= h; j += 16) {
    const o = <usize>j << 2;
    s0 = fma4(v128.load(a + o), v128.load(b + o), s0);
    s1 = fma4(v128.load(a + o, 16), v128.load(b + o, 16), s1);
    s2 = fma4(v128.load(a + o, 32), v128.load(b + o, 32), s2);
    s3 = fma4(v128.load(a + o, 48), v128.load(b + o, 48), s3);
  }
  for (; j + 4 <= h; j += 4) s0 = fma4(v128.load(a + (<usize>j << 2)), v128.load(b + (<usize>j << 2)), s0);
  let s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
  s = f32x4.add(s, v128.shuffle<f32>(s, s, 2, 3, 0, 1));
  s = f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
  let total = f32x4.extract_lane(s, 0);
  for (; j < h; j++) total += load<f32>(a + (<usize>j << 2)) * load<f32>(b + (<usize>j << 2));
  return total;
}

/** out[(r·tq + i)·tk + j] = q(r, i) · k(r, j): every decoder step's scores over every encoder step. */
export function attentionDots(q: usize, k: usize, out: usize, tq: i32, tk: i32, n: i32, h: i32): void {
  const rowBytes = <usize>h << 2;
  for (let r = 0; r < n; r++) {
    const kr = k + <usize>(r * tk) * rowBytes;
    for (let i = 0; i < tq; i++) {
      const qr = q + <usize>(r * tq + i) * rowBytes;
      const o = out + (<usize>((r * tq + i) * tk) << 2);
      for (let j = 0; j < tk; j++) store<f32>(o + (<usize>j << 2), dot(qr, kr + <usize>j * rowBytes, h));
    }
  }
}

/** A score for masked positions: its exponential underflows (clamped to e⁻⁸⁷ ≈ 1e-38), and it is zeroed after. */
const MASKED: f32 = -3.0e38;

/**
 * a = softmax over the tk encoder steps of q(r, i) · k(r, j) (AttentionWeight.forward for every step i),
 * fused: the scores, then the softmax of every row in place. mask (a byte per (r, j), batch-major: 0 at PAD;
 * address 0: no mask) gives weight exactly 0; a row with every position masked gets all zeros.
 */
export function attentionWeights(q: usize, k: usize, mask: usize, a: usize, tq: i32, tk: i32, n: i32, h: i32): void {
  attentionDots(q, k, a, tq, tk, n, h);
  if (mask != 0) maskRows(mask, a, tq, tk, n, MASKED);
  softmaxRows(a, a, tq * n, tk);
  if (mask != 0) maskRows(mask, a, tq, tk, n, 0);
}

/** a[(r·tq + i)·tk + j] = value wherever mask byte (r, j) is 0. */
function maskRows(mask: usize, a: usize, tq: i32, tk: i32, n: i32, value: f32): void {
  for (let r = 0; r < n; r++) {
    const mr = mask + <usize>(r * tk);
    for (let i = 0; i < tq; i++) {
      const o = a + (<usize>((r * tq + i) * tk) << 2);
      for (let j = 0; j < tk; j++) if (load<u8>(mr + <usize>j) == 0) store<f32>(o + (<usize>j << 2), value);
    }
  }
}

/** Softmax backward over rows of tk: ds = a ⊙ (da − Σ_j a·da) (ds may be da). */
export function attentionSoftmaxBackward(a: usize, da: usize, ds: usize, rows: i32, tk: i32): void {
  for (let r = 0; r < rows; r++) {
    const base = <usize>(r * tk) << 2;
    let s: f32 = 0;
    for (let j = 0; j < tk; j++) s += load<f32>(a + base + (<usize>j << 2)) * load<f32>(da + base + (<usize>j << 2));
    for (let j = 0; j < tk; j++) {
      const o = base + (<usize>j << 2);
      store<f32>(ds + o, load<f32>(a + o) * (load<f32>(da + o) - s));
    }
  }
}

/**
 * One output row of h floats: o (+)= Σ_{s < count} w[s] · v[s], where w[s] is the float at w + s·wStride and
 * v[s] the row at v + s·vStride (byte strides); `accumulate` adds to o, else o is overwritten. 16 columns at
 * a time in registers, then the rest one by one.
 */
// @ts-ignore: decorator
@inline
function weightedRows(o: usize, h: i32, accumulate: bool, w: usize, wStride: usize, v: usize, vStride: usize, count: i32): void {
  const h16 = h & ~15;
  let c = 0;
  for (; c < h16; c += 16) {
    const cb = <usize>c << 2;
    let s0 = accumulate ? v128.load(o + cb) : f32x4.splat(0);
    let s1 = accumulate ? v128.load(o + cb, 16) : f32x4.splat(0);
    let s2 = accumulate ? v128.load(o + cb, 32) : f32x4.splat(0);
    let s3 = accumulate ? v128.load(o + cb, 48) : f32x4.splat(0);
    for (let s = 0; s < count; s++) {
      const x = v128.load32_splat(w + <usize>s * wStride);
      const vr = v + <usize>s * vStride + cb;
      s0 = fma4(x, v128.load(vr), s0);
      s1 = fma4(x, v128.load(vr, 16), s1);
      s2 = fma4(x, v128.load(vr, 32), s2);
      s3 = fma4(x, v128.load(vr, 48), s3);
    }
    v128.store(o + cb, s0);
    v128.store(o + cb, s1, 16);
    v128.store(o + cb, s2, 32);
    v128.store(o + cb, s3, 48);
  }
  for (; c < h; c++) {
    const cb = <usize>c << 2;
    let sum: f32 = accumulate ? load<f32>(o + cb) : 0;
    for (let s = 0; s < count; s++) sum += load<f32>(w + <usize>s * wStride) * load<f32>(v + <usize>s * vStride + cb);
    store<f32>(o + cb, sum);
  }
}

/**
 * out(r, i) = Σ_j w[(r·tq + i)·tk + j] · v(r, j) (WeightSum.forward: c = Σ_t a_t·hs_t for every step i; and
 * AttentionWeight's dh = Σ_t ds_t·hs_t).
 */
export function attentionMix(w: usize, v: usize, out: usize, tq: i32, tk: i32, n: i32, h: i32): void {
  const rowBytes = <usize>h << 2;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < tq; i++) {
      const wr = w + (<usize>((r * tq + i) * tk) << 2);
      weightedRows(out + <usize>(r * tq + i) * rowBytes, h, false, wr, 4, v + <usize>(r * tk) * rowBytes, rowBytes, tk);
    }
  }
}

/**
 * out(r, j) += Σ_i w[(r·tq + i)·tk + j] · v(r, i), the transposed mix: the encoder states' gradient summed over
 * the decoder steps (WeightSum.backward: dhs_t += a_t·dc; AttentionWeight.backward: dhs_t += ds_t·h).
 */
export function attentionMixT(w: usize, v: usize, out: usize, tq: i32, tk: i32, n: i32, h: i32): void {
  const rowBytes = <usize>h << 2;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < tk; j++) {
      const wj = w + (<usize>(r * tq * tk + j) << 2);
      weightedRows(out + <usize>(r * tk + j) * rowBytes, h, true, wj, <usize>tk << 2, v + <usize>(r * tq) * rowBytes, rowBytes, tq);
    }
  }
}
