/**
 * Float32 WebAssembly paths of the layers' hot loops (book ch. 6.3 TimeLSTM), used only while a wasm
 * matmul kernel ('simd' or 'relaxed') is active. With the TypeScript kernel active the layers keep their
 * exact float64 code, which the numerical gradient checks rely on.
 *
 * Why: with ml-matrix storage every LSTM step allocated its gates, h, c, tanh(c) and dA, copied both
 * operands of each product into wasm memory and back, and ran the gate math as scalar float64 loops. Here
 * a TimeLSTM keeps the whole sequence in its own wasm memory, laid out once per shape and reused across
 * iterations: the products, the gate math (σ/tanh SIMD, src/matrix/asm/elementwise.ts) and the weight
 * gradients run there, and only the layer's inputs, outputs and gradients cross to ml-matrix.
 */
import type { Matrix } from 'ml-matrix';
import { currentKernel, rowsOf, WasmCompute } from '../matrix';
import type { TimeMask } from './time-lstm';
import { zeros } from './util';

/** The active wasm build, or null when the TypeScript kernel (float64) is active. */
export function activeWasmBuild(): 'simd' | 'relaxed' | null {
  const name = currentKernel().name;
  return name === 'simd' || name === 'relaxed' ? name : null;
}

/** A layer's own wasm instance (its own memory) for the active build; re-created when the kernel changes. */
export class LayerWasm {
  private compute: WasmCompute | null = null;

  get(): WasmCompute | null {
    const build = activeWasmBuild();
    if (build === null) return null;
    if (this.compute === null || this.compute.name !== build) this.compute = new WasmCompute(build);
    return this.compute;
  }
}

/** Writes ml-matrix rows (float64) at float index `at` of `f32`, row-major, converting to float32. */
export function putRows(f32: Float32Array, at: number, rows: Float64Array[]): void {
  for (const row of rows) {
    f32.set(row, at);
    at += row.length;
  }
}

/**
 * A float64 staging region of a layer's wasm memory, for `upload`: `floats` float64 at byte address `at`.
 * Part of the layer's layout, so an upload allocates nothing (growing the memory would detach the views).
 */
export interface Stage {
  readonly at: number;
  readonly floats: number;
}

/**
 * Writes ml-matrix `m` (float64) as row-major float32 at byte address `to` of g's memory, like `putRows` and
 * bit for bit the same (both round to nearest), about twice as fast: the rows go into `stage` as plain
 * float64 copies and `demote` converts them in SIMD, where a converting `Float32Array.set` goes element by
 * element (0.44 against 0.90 ns a float for a 144×512 Wx; checking whether the rows lie end to end in one
 * buffer, to copy them at once, cost more than it saved).
 * A matrix larger than the stage goes through in chunks of rows.
 */
export function upload(g: WasmCompute, stage: Stage, to: number, m: Matrix): void {
  const R = rowsOf(m);
  const cols = m.columns;
  const rows = R.length;
  if (rows === 0 || cols === 0) return;
  const f64 = g.arena.f64();
  const chunk = Math.floor(stage.floats / cols);
  if (chunk < 1) {
    putRows(g.arena.f32(), to / 4, R); // a single row wider than the stage: not in this engine's layouts
    return;
  }
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = Math.min(rows, r0 + chunk);
    let o = stage.at / 8;
    for (let r = r0; r < r1; r++, o += cols) f64.set(R[r], o);
    g.demote(stage.at, to + r0 * cols * 4, (r1 - r0) * cols);
  }
}

/** Reads rows×columns float32 at float index `at` into ml-matrix rows (float64). */
export function getRows(f32: Float32Array, at: number, rows: Float64Array[]): void {
  for (const row of rows) {
    const n = row.length;
    if (n >= 64) row.set(f32.subarray(at, at + n)); // converting set: native, faster than a loop on long rows
    else for (let j = 0; j < n; j++) row[j] = f32[at + j];
    at += n;
  }
}

/** A new N×columns matrix holding float32 data at float index `at`. */
export function matrixAt(f32: Float32Array, at: number, rows: number, columns: number): Matrix {
  const m = zeros(rows, columns);
  const R = rowsOf(m);
  // zeros() keeps the rows in one buffer: fill it with one converting copy
  if (rows > 0) new Float64Array(R[0].buffer, R[0].byteOffset, rows * columns).set(f32.subarray(at, at + rows * columns));
  return m;
}

/** The module decoding steps run on (one per thread: a step runs start to end without yielding). */
const stepWasm = new LayerWasm();

/**
 * A decode's promise that the weights it steps with stay as they are between its steps (one reply: encode,
 * then steps, with no training in between; `Seq2seqBase.encode` makes one per decode and the states carry it).
 * `wasmLstmStep` then copies Wx, Wh and b into the step module at the decode's first step only, instead of at
 * every step (the copy was about 60 % of a step at H = 128).
 */
export class WeightsPin {}

/** The weights in the step module, for the pin and the matrices they were copied for; null: none kept. */
let resident: { pin: WeightsPin; g: WasmCompute; Wx: Matrix; Wh: Matrix; b: Matrix; at: { Wx: number; Wh: number; b: number }; top: number } | null = null;

/**
 * One LSTM step without a backward cache — a decoder's step while replying: A = x·Wx + h·Wh + b, the gates,
 * c and h (book ch. 6.3) in float32 wasm, with the weights copied in for the step (the float64 `matmul`
 * path copies them too) unless `pin` is the one they were copied for (see WeightsPin). x (N×D), hPrev, cPrev
 * (N×H) → h, c (N×H). Null when no wasm kernel is active or H is not a multiple of 4: the caller then takes
 * the float64 step.
 */
export function wasmLstmStep(x: Matrix, hPrev: Matrix, cPrev: Matrix, Wx: Matrix, Wh: Matrix, b: Matrix, pin?: WeightsPin): { h: Matrix; c: Matrix } | null {
  const H = Wh.rows;
  const g = H % 4 === 0 ? stepWasm.get() : null;
  if (g === null) return null;
  const N = x.rows;
  const D = Wx.rows;
  const H4 = 4 * H;
  const arena = g.arena;
  const f = (floats: number): number => arena.alloc(floats * 4);
  const kept = pin !== undefined && resident !== null && resident.pin === pin && resident.g === g && resident.Wx === Wx && resident.Wh === Wh && resident.b === b;
  let weights: { Wx: number; Wh: number; b: number };
  if (kept && resident !== null) {
    weights = resident.at;
    arena.release(resident.top); // keep the weights, reuse the rest
  } else {
    arena.reset();
    weights = { Wx: f(D * H4), Wh: f(H * H4), b: f(H4) };
    const w = arena.f32();
    putRows(w, weights.Wx / 4, rowsOf(Wx));
    putRows(w, weights.Wh / 4, rowsOf(Wh));
    putRows(w, weights.b / 4, rowsOf(b));
    resident = pin === undefined ? null : { pin, g, Wx, Wh, b, at: weights, top: arena.mark() };
  }
  const at = {
    x: f(N * D), ...weights, h: f(N * H), c: f(N * H), G: f(N * H4),
    hNext: f(N * H), cNext: f(N * H), tanhC: f(N * H), work: arena.alloc(Math.max(g.workBytes(H4, D), g.workBytes(H4, H))),
  };
  const m = arena.f32();
  putRows(m, at.x / 4, rowsOf(x));
  putRows(m, at.h / 4, rowsOf(hPrev));
  putRows(m, at.c / 4, rowsOf(cPrev));
  g.gemmWith(false, false, N, H4, D, at.x, at.Wx, at.G, at.work); // x·Wx: (N×D)(D×4H)
  g.gemmWith(false, false, N, H4, H, at.h, at.Wh, at.G, at.work, true); // + h·Wh: (N×H)(H×4H)
  g.lstmForward(at.G, at.b, at.c, at.cNext, at.hNext, at.tanhC, N, H);
  return { h: matrixAt(m, at.hNext / 4, N, H), c: matrixAt(m, at.cNext / 4, N, H) };
}

/** What a TimeLSTM reads: a time series of inputs, or token ids and the embedding matrix they index. */
export type LstmInput = { readonly xs: Matrix[] } | { readonly ids: number[][]; readonly E: Matrix };

/**
 * TimeLSTM's forward and backward on one wasm instance. Layout (float32, byte addresses):
 *   Wx (D×4H), Wh (H×4H), b (4H)                       copied in at each forward (the weights change)
 *   X  (T·N×D)   the inputs, time-major
 *   G  (T·N×4H)  x·Wx, then per step + h·Wh and the activated gates [f|g|i|o] (the backward cache)
 *   HS ((T+1)·N×H), CS ((T+1)·N×H)  h and c; block 0 holds the initial state, block t+1 step t's
 *   TC (T·N×H)   tanh(c)
 *   WhP          Wh packed once for the T products h·Wh (accumulated into G), then Whᵀ for the T dA·Whᵀ
 * and for backward DH (T·N×H), dh, dc (N×H), dA (T·N×4H), dWx, dWh, db, dX (T·N×D).
 * HS blocks 0..T−1 are h_{t−1} for every step, contiguous, so dWh = Σ_t h_{t−1}ᵀ·dA_t is one deep product
 * (depth T·N; the GEMM packs A and B in k blocks, so that runs as fast per flop as T products of depth N).
 */
export class WasmTimeLstm {
  private readonly wasm = new LayerWasm();
  private g: WasmCompute | null = null;
  private T = 0;
  private N = 0;
  private D = 0;
  private H = 0;
  private P = 0;
  private ids: number[][] | null = null;
  private mask: TimeMask | undefined;
  /** Whether the last forward started from h = 0 (then step 0's h·Wh and its dWh term are zero and skipped). */
  private h0Zero = false;
  private stage: Stage = { at: 0, floats: 0 };
  private a = { Wx: 0, Wh: 0, b: 0, X: 0, G: 0, HS: 0, CS: 0, TC: 0, DH: 0, dh: 0, dc: 0, dA: 0, dWx: 0, dWh: 0, db: 0, dX: 0, work: 0, ID: 0, WhP: 0, PK: 0, PW: 0, dAsum: 0, dPK: 0, E: 0, EW: 0, dEW: 0, dE: 0 };

  /** Time steps and rows of the last forward. */
  get steps(): number {
    return this.T;
  }

  get rows(): number {
    return this.N;
  }

  /** Whether this layer can run here: a wasm kernel is active and H is a multiple of 4. */
  ready(H: number): boolean {
    return H % 4 === 0 && this.wasm.get() !== null;
  }

  /**
   * input: T × (N×D) inputs, or token ids N×T with the embedding E (V×D) (TimeEmbedding fused in: x_t·Wx
   * becomes a row lookup in E·Wx, V×4H, taken once per batch); h0, c0 (N×H; null: zeros, filled in wasm
   * memory) → hs T × (N×H), the last c.
   * h0Zero: the caller knows h0 is all zeros (a fresh state), so step 0's product h0·Wh is skipped.
   * lastOnly: the caller reads only the last step's h, so hs holds that one alone (the others stay in wasm memory).
   */
  forward(
    input: LstmInput, Wx: Matrix, Wh: Matrix, b: Matrix, h0: Matrix | null, c0: Matrix | null, mask: TimeMask | undefined, peek?: Matrix, h0Zero = false, lastOnly = false,
  ): { hs: Matrix[]; c: Matrix } {
    const g = this.wasm.get();
    if (g === null) throw new Error('WasmTimeLstm.forward: no wasm kernel is active');
    this.g = g;
    const xs = 'xs' in input ? input.xs : null;
    const ids = 'ids' in input ? input.ids : null;
    const E = 'ids' in input ? input.E : null;
    this.ids = ids;
    const T = xs !== null ? xs.length : (ids?.[0]?.length ?? 0);
    const V = E?.rows ?? 0;
    const N = xs !== null ? (xs[0]?.rows ?? 0) : (ids?.length ?? 0);
    const P = peek?.columns ?? 0;
    const D = Wx.rows - P;
    const H = Wh.rows;
    const H4 = 4 * H;
    this.P = P;
    this.T = T;
    this.N = N;
    this.D = D;
    this.H = H;
    this.mask = mask;
    this.h0Zero = h0Zero;
    const arena = g.arena;
    arena.reset();
    const f = (floats: number): number => arena.alloc(floats * 4);
    const a = this.a;
    a.Wx = f((P + D) * H4); // rows [0, P) multiply peek, rows [P, P+D) multiply x_t
    a.PK = f(N * P);
    a.PW = f(N * H4);
    a.dAsum = f(N * H4);
    a.Wh = f(H * H4);
    a.b = f(H4);
    a.X = f(xs !== null ? T * N * D : 0);
    a.E = f(V * D);
    a.EW = f(V * H4);
    a.ID = f(ids !== null ? T * N : 0); // int32 ids, time-major
    a.dEW = f(V * H4);
    a.dE = f(V * D);
    a.G = f(T * N * H4);
    a.HS = f((T + 1) * N * H);
    a.CS = f((T + 1) * N * H);
    a.TC = f(T * N * H);
    a.DH = f(T * N * H);
    a.dh = f(N * H);
    a.dc = f(N * H);
    a.dA = f(T * N * H4);
    a.dWx = f((P + D) * H4);
    a.dPK = f(N * P);
    a.dWh = f(H * H4);
    a.db = f(H4);
    a.dX = f(xs !== null ? T * N * D : 0);
    a.WhP = arena.alloc(Math.max(g.packedBytes(H4, H), g.packedBytes(H, H4))); // Wh packed for h·Wh, then Whᵀ for dA·Whᵀ
    const stage = { at: 0, floats: Math.max((P + D) * H4, H * H4, N * Math.max(D, P, H), V * D) }; // the largest matrix uploaded
    stage.at = arena.alloc(stage.floats * 8);
    this.stage = stage;
    const K = Math.max(D, H, H4, T * N, P, V);
    a.work = arena.alloc(Math.max(g.workBytes(H4, K), g.workBytes(H, K), g.workBytes(D, K), g.workBytes(P, K), g.packedWorkBytes()));
    const m = arena.f32(); // after the last alloc: growing the memory detaches older views
    upload(g, stage, a.Wx, Wx);
    upload(g, stage, a.Wh, Wh);
    upload(g, stage, a.b, b);
    if (xs !== null) for (let t = 0; t < T; t++) upload(g, stage, a.X + t * N * D * 4, xs[t]);
    if (peek !== undefined) upload(g, stage, a.PK, peek);
    if (h0 === null) m.fill(0, a.HS / 4, a.HS / 4 + N * H);
    else upload(g, stage, a.HS, h0);
    if (c0 === null) m.fill(0, a.CS / 4, a.CS / 4 + N * H);
    else upload(g, stage, a.CS, c0);
    const WxX = a.Wx + P * H4 * 4; // Wx[P:], the rows that multiply x_t
    if (xs !== null) g.gemmWith(false, false, T * N, H4, D, a.X, WxX, a.G, a.work); // (T·N×D)(D×4H) → (T·N×4H), every step at once
    else if (ids !== null && E !== null) {
      upload(g, stage, a.E, E);
      g.gemmWith(false, false, V, H4, D, a.E, WxX, a.EW, a.work); // E·Wx: (V×D)(D×4H) → (V×4H)
      const I = new Int32Array(m.buffer, a.ID, T * N);
      for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) I[t * N + n] = ids[n][t];
    }
    const gather = xs === null && ids !== null && E !== null; // x_t·Wx = (E·Wx)[id], gathered at each step (below)
    if (P > 0) g.gemmWith(false, false, N, H4, P, a.PK, a.Wx, a.PW, a.work); // peek·Wx[:P]: the same for every step
    const stepA = N * H4 * 4; // bytes of one step's (N×4H)
    const stepH = N * H * 4; // bytes of one step's (N×H)
    g.packWith(false, H4, H, a.Wh, a.WhP); // Wh once for the T products below
    for (let t = 0; t < T; t++) {
      const Gt = a.G + t * stepA;
      // the step's rows of (E·Wx)[id] just before its product adds to them, while they are in cache (all T steps
      // gathered at once wrote 1.8 MB on the book's ch. 7 shapes, more than the L2, before the first product)
      if (gather) g.gatherRows(a.EW, a.ID + t * N * 4, Gt, N, H4);
      // A = x·Wx + h_{t−1}·Wh (b is added by lstmForward): (N×H)(H×4H), accumulated into the step's x·Wx
      if (t > 0 || !h0Zero) g.gemmPackedWith(false, N, H4, H, a.HS + t * stepH, a.WhP, Gt, a.work, true);
      if (P > 0) g.addTo(a.PW, Gt, N * H4); // + peek·Wx[:P]
      g.lstmForward(Gt, a.b, a.CS + t * stepH, a.CS + (t + 1) * stepH, a.HS + (t + 1) * stepH, a.TC + t * stepH, N, H);
      const real = mask?.[t];
      if (real !== undefined) {
        // PAD: carry h and c through unchanged
        const prevH = (a.HS + t * stepH) / 4;
        const prevC = (a.CS + t * stepH) / 4;
        for (let n = 0; n < N; n++) {
          if (real[n]) continue;
          m.copyWithin(prevH + (n + N) * H, prevH + n * H, prevH + (n + 1) * H);
          m.copyWithin(prevC + (n + N) * H, prevC + n * H, prevC + (n + 1) * H);
        }
      }
    }
    const hs: Matrix[] = [];
    for (let t = lastOnly ? T - 1 : 0; t < T; t++) hs.push(matrixAt(m, a.HS / 4 + (t + 1) * N * H, N, H));
    return { hs, c: matrixAt(m, a.CS / 4 + T * N * H, N, H) };
  }

  /**
   * dhs: T × (N×H) → dxs T × (N×D) and dh (N×H), the gradient for the initial h (null, and its product
   * skipped, when `initialGrad` is false); writes dWx, dWh, db into `grads` (in place, float64).
   */
  backward(dhs: Matrix[], grads: Matrix[], dE?: Matrix, initialGrad = true): { dxs: Matrix[]; dh: Matrix | null; dpeek: Matrix | null } {
    const g = this.g;
    if (g === null) throw new Error('WasmTimeLstm.backward called before forward');
    const { T, N, D, H, P, a, mask } = this;
    const H4 = 4 * H;
    const m = g.arena.f32();
    for (let t = 0; t < T; t++) {
      const seen = dhs.indexOf(dhs[t]); // the same matrix at an earlier step (the encoder's one zero): copy it within wasm
      if (seen < t) m.copyWithin(a.DH / 4 + t * N * H, a.DH / 4 + seen * N * H, a.DH / 4 + (seen + 1) * N * H);
      else upload(g, this.stage, a.DH + t * N * H * 4, dhs[t]);
    }
    m.fill(0, a.dh / 4, a.dh / 4 + N * H);
    m.fill(0, a.dc / 4, a.dc / 4 + N * H);
    const stepA = N * H4 * 4;
    const stepH = N * H * 4;
    const saved = mask === undefined ? null : new Float32Array(2 * N * H);
    g.packWith(true, H, H4, a.Wh, a.WhP); // Whᵀ once for the T products dA·Whᵀ
    for (let t = T - 1; t >= 0; t--) {
      const DHt = a.DH + t * stepH;
      g.addTo(a.dh, DHt, N * H); // the step's h feeds both the output and the next step
      const real = mask?.[t];
      if (real !== undefined && saved !== null) {
        // PAD rows: no gradient into this step's gates; dh and dc pass straight back (restored below)
        for (let n = 0; n < N; n++) {
          if (real[n]) continue;
          const dhRow = DHt / 4 + n * H;
          const dcRow = a.dc / 4 + n * H;
          saved.set(m.subarray(dhRow, dhRow + H), n * H);
          saved.set(m.subarray(dcRow, dcRow + H), (N + n) * H);
          m.fill(0, dhRow, dhRow + H);
          m.fill(0, dcRow, dcRow + H);
        }
      }
      const dAt = a.dA + t * stepA;
      g.lstmBackward(a.G + t * stepA, a.CS + t * stepH, a.TC + t * stepH, DHt, a.dc, dAt, a.dc, N, H);
      if (t > 0 || initialGrad) g.gemmPackedWith(false, N, H, H4, dAt, a.WhP, a.dh, a.work); // dh_{t−1} = dA·Whᵀ: (N×4H)(H×4H)ᵀ → (N×H)
      if (real !== undefined && saved !== null) {
        for (let n = 0; n < N; n++) {
          if (real[n]) continue;
          m.set(saved.subarray(n * H, (n + 1) * H), a.dh / 4 + n * H);
          m.set(saved.subarray((N + n) * H, (N + n + 1) * H), a.dc / 4 + n * H);
        }
      }
    }
    const TN = T * N;
    const WxX = a.Wx + P * H4 * 4;
    const ids = this.ids;
    if (ids === null) g.gemmWith(true, false, D, H4, TN, a.X, a.dA, a.dWx + P * H4 * 4, a.work); // dWx[P:] = Σ_t x_tᵀ·dA_t: (T·N×D)ᵀ(T·N×4H) → (D×4H), one deep product
    else {
      // fused embedding: dEW[v] = Σ of dA rows whose id is v; dWx[P:] = Eᵀ·dEW, dE = dEW·Wx[P:]ᵀ
      const V = dE?.rows ?? 0;
      m.fill(0, a.dEW / 4, a.dEW / 4 + V * H4);
      g.scatterAddRows(a.dA, a.ID, a.dEW, T * N, H4);
      g.gemmWith(true, false, D, H4, V, a.E, a.dEW, a.dWx + P * H4 * 4, a.work); // (V×D)ᵀ(V×4H) → (D×4H)
      g.gemmWith(false, true, V, D, H4, a.dEW, a.Wx + P * H4 * 4, a.dE, a.work); // (V×4H)(D×4H)ᵀ → (V×D)
      if (dE !== undefined) getRows(m, a.dE / 4, rowsOf(dE));
    }
    if (P > 0) {
      // peek fed every step: dWx[:P] = peekᵀ·Σ_t dA_t, dpeek = (Σ_t dA_t)·Wx[:P]ᵀ
      m.copyWithin(a.dAsum / 4, a.dA / 4, a.dA / 4 + N * H4);
      for (let t = 1; t < T; t++) g.addTo(a.dA + t * stepA, a.dAsum, N * H4);
      g.gemmWith(true, false, P, H4, N, a.PK, a.dAsum, a.dWx, a.work); // (N×P)ᵀ(N×4H) → (P×4H)
      g.gemmWith(false, true, N, P, H4, a.dAsum, a.Wx, a.dPK, a.work); // (N×4H)(P×4H)ᵀ → (N×P)
    }
    // dWh = Σ_t h_{t−1}ᵀ·dA_t: ((T−s)·N×H)ᵀ((T−s)·N×4H) → (H×4H), one deep product (HS blocks 0..T−1 are
    // the h_{t−1}, contiguous); with h_{−1} = 0 the t = 0 term is zero and skipped (s = 1)
    const skip = this.h0Zero ? 1 : 0;
    g.gemmWith(true, false, H, H4, (T - skip) * N, a.HS + skip * stepH, a.dA + skip * stepA, a.dWh, a.work);
    g.sumRows(a.dA, a.db, TN, H4); // db = Σ dA
    if (ids === null) g.gemmWith(false, true, TN, D, H4, a.dA, WxX, a.dX, a.work); // dX = dA·Wx[P:]ᵀ: (T·N×4H)(D×4H)ᵀ → (T·N×D)
    getRows(m, a.dWx / 4, rowsOf(grads[0]));
    getRows(m, a.dWh / 4, rowsOf(grads[1]));
    getRows(m, a.db / 4, rowsOf(grads[2]));
    const dxs: Matrix[] = [];
    if (ids === null) for (let t = 0; t < T; t++) dxs.push(matrixAt(m, a.dX / 4 + t * N * D, N, D));
    return { dxs, dh: initialGrad ? matrixAt(m, a.dh / 4, N, H) : null, dpeek: P > 0 ? matrixAt(m, a.dPK / 4, N, P) : null };
  }
}
