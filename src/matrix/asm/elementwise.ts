/**
 * Fused element-wise float32 kernels for the layers' gate math (book ch. 6.3, the LSTM; ch. 1.3 softmax),
 * SIMD. They work on float32 at byte addresses in this module's memory, beside the GEMM, so a layer that
 * keeps its activations there needs no copies between the product and the gate math. Compiled into the same
 * modules as gemm.ts (entry: index.ts), once with plain SIMD and once with relaxed SIMD, where `madd` fuses.
 * Gate order in the fused 4H layout is the book's: f, g, i, o.
 *
 * The approximations of eˣ, σ and tanh they use are in approx.ts (with their measured errors).
 *
 * Speed notes, measured with V8 (Node 20) on x64 — see `elementwiseRates` in bench/bench.ts:
 *  - `lstmForward` works a row in passes (σ on f; tanh on g; σ on i with c = f⊙c_prev + g⊙i; σ on o;
 *    tanh(c) with h = o⊙tanh(c)), each over 4 vectors a step. One pass over all five was latency-bound:
 *    tanh(c) waits for the f, g, i chains (~60 cycles each) and the reorder window could not hide it;
 *  - the division (one per σ and tanh) costs ~10 % of `lstmForward`, measured by swapping it for a product.
 */
import { activate4, exp4, k, lane0, madd, sigmoid4, tanh4 } from './approx';

// The loops below take 4 vectors a step where they can: four independent chains keep the (long,
// dependent) polynomial and division latencies overlapping, measured 2× faster than one vector a step.

/** y[i] = σ(x[i]) or tanh(x[i]) for i < count; y may equal x. */
// @ts-ignore: decorator
@inline
function activate(x: usize, y: usize, count: i32, useTanh: bool): void {
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const p = x + (<usize>i << 2);
    const v0 = activate4(v128.load(p), useTanh);
    const v1 = activate4(v128.load(p, 16), useTanh);
    const v2 = activate4(v128.load(p, 32), useTanh);
    const v3 = activate4(v128.load(p, 48), useTanh);
    const q = y + (<usize>i << 2);
    v128.store(q, v0);
    v128.store(q, v1, 16);
    v128.store(q, v2, 32);
    v128.store(q, v3, 48);
  }
  for (; i + 4 <= count; i += 4) v128.store(y + (<usize>i << 2), activate4(v128.load(x + (<usize>i << 2)), useTanh));
  for (; i < count; i++) store<f32>(y + (<usize>i << 2), lane0(activate4(f32x4.splat(load<f32>(x + (<usize>i << 2))), useTanh)));
}

/** y[i] = σ(x[i]) for i < count; y may equal x. */
export function sigmoid(x: usize, y: usize, count: i32): void {
  activate(x, y, count, false);
}

/** y[i] = tanh(x[i]) for i < count; y may equal x. */
export function tanh(x: usize, y: usize, count: i32): void {
  activate(x, y, count, true);
}

/** x[j] = σ(x[j] + b[j]) or tanh(x[j] + b[j]) over `bytes` (a multiple of 16) of one gate's row. */
// @ts-ignore: decorator
@inline
function activateBias(x: usize, b: usize, bytes: usize, useTanh: bool): void {
  let j: usize = 0;
  for (; j + 64 <= bytes; j += 64) {
    const v0 = activate4(f32x4.add(v128.load(x + j), v128.load(b + j)), useTanh);
    const v1 = activate4(f32x4.add(v128.load(x + j, 16), v128.load(b + j, 16)), useTanh);
    const v2 = activate4(f32x4.add(v128.load(x + j, 32), v128.load(b + j, 32)), useTanh);
    const v3 = activate4(f32x4.add(v128.load(x + j, 48), v128.load(b + j, 48)), useTanh);
    v128.store(x + j, v0);
    v128.store(x + j, v1, 16);
    v128.store(x + j, v2, 32);
    v128.store(x + j, v3, 48);
  }
  for (; j < bytes; j += 16) v128.store(x + j, activate4(f32x4.add(v128.load(x + j), v128.load(b + j)), useTanh));
}

/** The i gate with the cell: i = σ(x + b) in place, then c = f⊙cPrev + g⊙i, over `bytes` of one row. */
// @ts-ignore: decorator
@inline
function inputGateAndCell(x: usize, b: usize, f: usize, g: usize, cPrev: usize, c: usize, bytes: usize): void {
  let j: usize = 0;
  for (; j + 64 <= bytes; j += 64) {
    const i0 = sigmoid4(f32x4.add(v128.load(x + j), v128.load(b + j)));
    const i1 = sigmoid4(f32x4.add(v128.load(x + j, 16), v128.load(b + j, 16)));
    const i2 = sigmoid4(f32x4.add(v128.load(x + j, 32), v128.load(b + j, 32)));
    const i3 = sigmoid4(f32x4.add(v128.load(x + j, 48), v128.load(b + j, 48)));
    v128.store(x + j, i0);
    v128.store(x + j, i1, 16);
    v128.store(x + j, i2, 32);
    v128.store(x + j, i3, 48);
    v128.store(c + j, madd(v128.load(f + j), v128.load(cPrev + j), f32x4.mul(v128.load(g + j), i0)));
    v128.store(c + j, madd(v128.load(f + j, 16), v128.load(cPrev + j, 16), f32x4.mul(v128.load(g + j, 16), i1)), 16);
    v128.store(c + j, madd(v128.load(f + j, 32), v128.load(cPrev + j, 32), f32x4.mul(v128.load(g + j, 32), i2)), 32);
    v128.store(c + j, madd(v128.load(f + j, 48), v128.load(cPrev + j, 48), f32x4.mul(v128.load(g + j, 48), i3)), 48);
  }
  for (; j < bytes; j += 16) {
    const i = sigmoid4(f32x4.add(v128.load(x + j), v128.load(b + j)));
    v128.store(x + j, i);
    v128.store(c + j, madd(v128.load(f + j), v128.load(cPrev + j), f32x4.mul(v128.load(g + j), i)));
  }
}

/** tanhC = tanh(c), h = o⊙tanhC over `bytes` of one row. */
// @ts-ignore: decorator
@inline
function cellOutput(c: usize, o: usize, tanhC: usize, h: usize, bytes: usize): void {
  let j: usize = 0;
  for (; j + 64 <= bytes; j += 64) {
    const t0 = tanh4(v128.load(c + j));
    const t1 = tanh4(v128.load(c + j, 16));
    const t2 = tanh4(v128.load(c + j, 32));
    const t3 = tanh4(v128.load(c + j, 48));
    v128.store(tanhC + j, t0);
    v128.store(tanhC + j, t1, 16);
    v128.store(tanhC + j, t2, 32);
    v128.store(tanhC + j, t3, 48);
    v128.store(h + j, f32x4.mul(v128.load(o + j), t0));
    v128.store(h + j, f32x4.mul(v128.load(o + j, 16), t1), 16);
    v128.store(h + j, f32x4.mul(v128.load(o + j, 32), t2), 32);
    v128.store(h + j, f32x4.mul(v128.load(o + j, 48), t3), 48);
  }
  for (; j < bytes; j += 16) {
    const t = tanh4(v128.load(c + j));
    v128.store(tanhC + j, t);
    v128.store(h + j, f32x4.mul(v128.load(o + j), t));
  }
}

/**
 * One LSTM step's gate math (book ch. 6.3, `LSTM.forward` after the products), N rows, H hidden:
 *   a (N×4H) holds x·Wx + h·Wh; adds b (4H), applies f = σ, g = tanh, i = σ, o = σ in place (the backward
 *   cache), then c_next = f⊙c_prev + g⊙i, tanhC = tanh(c_next), h_next = o⊙tanhC (each N×H).
 * H must be a multiple of 4. Works a row in passes (see the file header for why).
 */
export function lstmForward(a: usize, b: usize, cPrev: usize, cNext: usize, hNext: usize, tanhC: usize, n: i32, h: i32): void {
  const rowA = <usize>h << 4; // 4H floats
  const rowH = <usize>h << 2; // H floats
  for (let r = 0; r < n; r++) {
    const f = a + <usize>r * rowA; // the row's four gates: f, g, i, o, H floats each
    const g = f + rowH;
    const i = g + rowH;
    const o = i + rowH;
    const hr = <usize>r * rowH;
    activateBias(f, b, rowH, false);
    activateBias(g, b + rowH, rowH, true);
    inputGateAndCell(i, b + 2 * rowH, f, g, cPrev + hr, cNext + hr, rowH);
    activateBias(o, b + 3 * rowH, rowH, false);
    cellOutput(cNext + hr, o, tanhC + hr, hNext + hr, rowH);
  }
}

export function lstmBackward(gates: usize, cPrev: usize, tanhC: usize, dhNext: usize, dcNext: usize, dA: usize, dcPrev: usize, n: i32, h: i32): void {
  const rowA = <usize>h << 4;
  const rowH = <usize>h << 2;
  const one = f32x4.splat(1);
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

/**
 * Row-wise softmax (book ch. 1.3, with the max subtracted for stability): y (rows×cols) = softmax(x); y may
 * equal x. With cols ≥ 4 a row is whole vectors plus, when cols % 4 ≠ 0, one vector over the last 4 columns
 * that overlaps them: its exponentials equal the overlapped ones bit for bit, so storing both is harmless,
 * and only its fresh lanes enter the sum. Narrower rows go one column at a time.
 */
export function softmaxRows(x: usize, y: usize, rows: i32, cols: i32): void {
  if (cols < 4) {
    softmaxNarrowRows(x, y, rows, cols);
    return;
  }
  const rowBytes = <usize>cols << 2;
  const whole = <usize>(cols >> 2) << 4; // bytes in whole vectors
  const last = rowBytes - 16; // the last 4 columns
  const rem = cols & 3;
  // the lanes of the last vector no whole vector covers: the top `rem` (none when rem = 0)
  const fresh = i32x4.ge_s(i32x4(0, 1, 2, 3), i32x4.splat(rem == 0 ? 4 : 4 - rem));
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    const xt = v128.load(xr + last); // read before any store: y may be x
    let m = xt;
    for (let j: usize = 0; j < whole; j += 16) m = f32x4.pmax(m, v128.load(xr + j));
    m = f32x4.pmax(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
    m = f32x4.pmax(m, v128.shuffle<f32>(m, m, 1, 0, 3, 2)); // the row max in every lane
    const et = exp4(f32x4.sub(xt, m));
    let s = v128.and(et, fresh);
    for (let j: usize = 0; j < whole; j += 16) {
      const e = exp4(f32x4.sub(v128.load(xr + j), m));
      v128.store(yr + j, e);
      s = f32x4.add(s, e);
    }
    s = f32x4.add(s, v128.shuffle<f32>(s, s, 2, 3, 0, 1));
    s = f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2)); // the row sum in every lane
    const inv = f32x4.div(k(6), s);
    for (let j: usize = 0; j < whole; j += 16) v128.store(yr + j, f32x4.mul(v128.load(yr + j), inv));
    v128.store(yr + last, f32x4.mul(et, inv));
  }
}

/** softmaxRows for rows of fewer than 4 columns. */
function softmaxNarrowRows(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * cols) << 2);
    const yr = y + (<usize>(r * cols) << 2);
    let mx: f32 = -Infinity;
    for (let j = 0; j < cols; j++) mx = max(mx, load<f32>(xr + (<usize>j << 2)));
    let sum: f32 = 0;
    for (let j = 0; j < cols; j++) {
      const e = lane0(exp4(f32x4.splat(load<f32>(xr + (<usize>j << 2)) - mx)));
      store<f32>(yr + (<usize>j << 2), e);
      sum += e;
    }
    for (let j = 0; j < cols; j++) store<f32>(yr + (<usize>j << 2), load<f32>(yr + (<usize>j << 2)) / sum);
  }
}

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
