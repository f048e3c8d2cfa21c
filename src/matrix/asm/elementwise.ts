/**
 * Fused element-wise float32 kernels for the layers' gate math (book ch. 6.3, the LSTM; ch. 1.3 softmax),
 * SIMD with the exp/tanh approximations of Cephes (expf, tanhf; relative error ~2e-7 over the clamped range).
 * They work on float32 at byte addresses in this module's memory, beside the GEMM, so a layer that keeps its
 * activations there needs no copies between the product and the gate math. Compiled into the same modules
 * as gemm.ts (entry: index.ts). Gate order in the fused 4H layout is the book's: f, g, i, o.
 */

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

// @ts-ignore: decorator
@inline
function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** eˣ for four lanes: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial for eʳ, 2ⁿ put in the exponent bits. */
// @ts-ignore: decorator
@inline
function exp4(x: v128): v128 {
  // clamp so that 2ⁿ stays a normal float32; pmin/pmax are one instruction each (min/max order NaN and
  // ±0 and cost several) and still pass NaN through
  x = f32x4.pmin(f32x4.pmax(x, splat(-87.0)), splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, splat(LN2_LO)));
  let y = splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

/** σ(x) = 1 / (1 + e⁻ˣ) */
// @ts-ignore: decorator
@inline
function sigmoid4(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), exp4(f32x4.neg(x))));
}

/** tanh: an odd polynomial for |x| < 0.625 (where 1 − 2/(e²ˣ+1) would cancel), else 1 − 2/(e^{2|x|}+1) with the sign. */
// @ts-ignore: decorator
@inline
function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = exp4(f32x4.add(ax, ax));
  const big = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1))));
  const signed = v128.or(big, v128.and(x, splat(-0.0))); // copy the sign of x
  return v128.bitselect(small, signed, f32x4.lt(ax, splat(0.625)));
}

// @ts-ignore: decorator
@inline
function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

// The bulk loops below take 16 floats a step: four independent evaluations keep the (long, dependent)
// exp chains overlapping, measured 2× faster than one vector a step.

/** y[i] = σ(x[i]) for i < count; y may equal x. */
export function sigmoid(x: usize, y: usize, count: i32): void {
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const p = x + (<usize>i << 2);
    const v0 = sigmoid4(v128.load(p));
    const v1 = sigmoid4(v128.load(p, 16));
    const v2 = sigmoid4(v128.load(p, 32));
    const v3 = sigmoid4(v128.load(p, 48));
    const q = y + (<usize>i << 2);
    v128.store(q, v0);
    v128.store(q, v1, 16);
    v128.store(q, v2, 32);
    v128.store(q, v3, 48);
  }
  for (; i + 4 <= count; i += 4) v128.store(y + (<usize>i << 2), sigmoid4(v128.load(x + (<usize>i << 2))));
  for (; i < count; i++) store<f32>(y + (<usize>i << 2), lane0(sigmoid4(splat(load<f32>(x + (<usize>i << 2))))));
}

/** y[i] = tanh(x[i]) for i < count; y may equal x. */
export function tanh(x: usize, y: usize, count: i32): void {
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const p = x + (<usize>i << 2);
    const v0 = tanh4(v128.load(p));
    const v1 = tanh4(v128.load(p, 16));
    const v2 = tanh4(v128.load(p, 32));
    const v3 = tanh4(v128.load(p, 48));
    const q = y + (<usize>i << 2);
    v128.store(q, v0);
    v128.store(q, v1, 16);
    v128.store(q, v2, 32);
    v128.store(q, v3, 48);
  }
  for (; i + 4 <= count; i += 4) v128.store(y + (<usize>i << 2), tanh4(v128.load(x + (<usize>i << 2))));
  for (; i < count; i++) store<f32>(y + (<usize>i << 2), lane0(tanh4(splat(load<f32>(x + (<usize>i << 2))))));
}

/**
 * One LSTM step's gate math (book ch. 6.3, `LSTM.forward` after the products), N rows, H hidden:
 *   a (N×4H) holds x·Wx + h·Wh; adds b (4H), applies f = σ, g = tanh, i = σ, o = σ in place (the backward
 *   cache), then c_next = f⊙c_prev + g⊙i, tanhC = tanh(c_next), h_next = o⊙tanhC (each N×H).
 * H must be a multiple of 4.
 */
export function lstmForward(a: usize, b: usize, cPrev: usize, cNext: usize, hNext: usize, tanhC: usize, n: i32, h: i32): void {
  const rowA = <usize>h << 4; // 4H floats
  const rowH = <usize>h << 2;
  for (let r = 0; r < n; r++) {
    const ar = a + <usize>r * rowA;
    const hr = <usize>r * rowH;
    for (let j: usize = 0; j < rowH; j += 16) {
      const f = sigmoid4(f32x4.add(v128.load(ar + j), v128.load(b + j)));
      const g = tanh4(f32x4.add(v128.load(ar + rowH + j), v128.load(b + rowH + j)));
      const i = sigmoid4(f32x4.add(v128.load(ar + 2 * rowH + j), v128.load(b + 2 * rowH + j)));
      const o = sigmoid4(f32x4.add(v128.load(ar + 3 * rowH + j), v128.load(b + 3 * rowH + j)));
      v128.store(ar + j, f);
      v128.store(ar + rowH + j, g);
      v128.store(ar + 2 * rowH + j, i);
      v128.store(ar + 3 * rowH + j, o);
      const c = f32x4.add(f32x4.mul(f, v128.load(cPrev + hr + j)), f32x4.mul(g, i));
      const t = tanh4(c);
      v128.store(cNext + hr + j, c);
      v128.store(tanhC + hr + j, t);
      v128.store(hNext + hr + j, f32x4.mul(o, t));
    }
  }
}

/**
 * The gate math of `LSTM.backward` (book ch. 6.3), N rows, H hidden (a multiple of 4):
 *   gates (N×4H) as `lstmForward` left them (f, g, i, o), c_prev, tanhC, dh_next, dc_next (N×H) →
 *   ds = dc_next + dh_next⊙o⊙(1 − tanhC²), dc_prev = ds⊙f,
 *   dA = [ds⊙c_prev⊙f(1−f), ds⊙i⊙(1−g²), ds⊙g⊙i(1−i), dh_next⊙tanhC⊙o(1−o)] (N×4H).
 * dcPrev may equal dcNext.
 */
export function lstmBackward(gates: usize, cPrev: usize, tanhC: usize, dhNext: usize, dcNext: usize, dA: usize, dcPrev: usize, n: i32, h: i32): void {
  const rowA = <usize>h << 4;
  const rowH = <usize>h << 2;
  const one = splat(1);
  for (let r = 0; r < n; r++) {
    const gr = gates + <usize>r * rowA;
    const dr = dA + <usize>r * rowA;
    const hr = <usize>r * rowH;
    for (let j: usize = 0; j < rowH; j += 16) {
      const f = v128.load(gr + j);
      const g = v128.load(gr + rowH + j);
      const i = v128.load(gr + 2 * rowH + j);
      const o = v128.load(gr + 3 * rowH + j);
      const t = v128.load(tanhC + hr + j);
      const dh = v128.load(dhNext + hr + j);
      const ds = f32x4.add(v128.load(dcNext + hr + j), f32x4.mul(f32x4.mul(dh, o), f32x4.sub(one, f32x4.mul(t, t))));
      const cp = v128.load(cPrev + hr + j);
      v128.store(dcPrev + hr + j, f32x4.mul(ds, f));
      v128.store(dr + j, f32x4.mul(f32x4.mul(ds, cp), f32x4.mul(f, f32x4.sub(one, f))));
      v128.store(dr + rowH + j, f32x4.mul(f32x4.mul(ds, i), f32x4.sub(one, f32x4.mul(g, g))));
      v128.store(dr + 2 * rowH + j, f32x4.mul(f32x4.mul(ds, g), f32x4.mul(i, f32x4.sub(one, i))));
      v128.store(dr + 3 * rowH + j, f32x4.mul(f32x4.mul(dh, t), f32x4.mul(o, f32x4.sub(one, o))));
    }
  }
}

/** Row-wise softmax (book ch. 1.3, with the max subtracted for stability): y (rows×cols) = softmax(x); y may equal x. */
export function softmaxRows(x: usize, y: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2);
    const yr = y + (<usize>(r * cols) << 2);
    let mx: f32 = -Infinity;
    for (let j = 0; j < cols; j++) mx = max(mx, load<f32>(xr + (<usize>j << 2)));
    const m = splat(mx);
    let sum: f32 = 0;
    let j = 0;
    for (; j < c4; j += 4) {
      const e = exp4(f32x4.sub(v128.load(xr + (<usize>j << 2)), m));
      v128.store(yr + (<usize>j << 2), e);
      sum += f32x4.extract_lane(e, 0) + f32x4.extract_lane(e, 1) + f32x4.extract_lane(e, 2) + f32x4.extract_lane(e, 3);
    }
    for (; j < cols; j++) {
      const e = lane0(exp4(splat(load<f32>(xr + (<usize>j << 2)) - mx)));
      store<f32>(yr + (<usize>j << 2), e);
      sum += e;
    }
    const inv = splat(<f32>1 / sum);
    j = 0;
    for (; j < c4; j += 4) v128.store(yr + (<usize>j << 2), f32x4.mul(v128.load(yr + (<usize>j << 2)), inv));
    for (; j < cols; j++) store<f32>(yr + (<usize>j << 2), load<f32>(yr + (<usize>j << 2)) / sum);
  }
}

/** y[i] += x[i] for i < count (x and y must not partly overlap). */
export function addTo(x: usize, y: usize, count: i32): void {
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const p = x + (<usize>i << 2);
    const q = y + (<usize>i << 2);
    v128.store(q, f32x4.add(v128.load(q), v128.load(p)));
    v128.store(q, f32x4.add(v128.load(q, 16), v128.load(p, 16)), 16);
    v128.store(q, f32x4.add(v128.load(q, 32), v128.load(p, 32)), 32);
    v128.store(q, f32x4.add(v128.load(q, 48), v128.load(p, 48)), 48);
  }
  for (; i < count; i++) store<f32>(y + (<usize>i << 2), load<f32>(y + (<usize>i << 2)) + load<f32>(x + (<usize>i << 2)));
}

/** out[j] = Σ_r x[r·cols + j] for j < cols (column sums of a rows×cols matrix: db = dout.sum(axis=0)). */
export function sumRows(x: usize, out: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), 0);
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2);
    let j = 0;
    for (; j < c4; j += 4) {
      const q = out + (<usize>j << 2);
      v128.store(q, f32x4.add(v128.load(q), v128.load(xr + (<usize>j << 2))));
    }
    for (; j < cols; j++) store<f32>(out + (<usize>j << 2), load<f32>(out + (<usize>j << 2)) + load<f32>(xr + (<usize>j << 2)));
  }
}
