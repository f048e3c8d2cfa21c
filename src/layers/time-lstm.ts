/**
 * TimeLSTM (book ch. 6.3.3, `common/time_layers.py` TimeLSTM): T LSTM steps sharing Wx, Wh, b, with
 * Truncated-BPTT state kept between calls when `stateful`.
 *
 * Addition for padded batches (the book's data has none): an optional mask, mask[t][n] = false where
 * row n has PAD at step t. There the state is carried through unchanged (h_t = h_{t−1}, c_t = c_{t−1})
 * and the gradient passes straight back through, so padding changes neither outputs nor weight grads.
 */
import { Matrix } from 'ml-matrix';
import { matmul, matmulNT, matmulTN, ShapeError, rowsOf } from '../matrix';
import { lstmDims, lstmStepBackward, lstmStepForward, LstmStepCache } from './lstm';
import type { TimeEmbedding } from './embedding';
import { addInPlace, cloneMatrix, expectIds, expectSeries, expectShape, fill, hconcat, hsplit, shapeOf, stackTime, sumRowsInto, unstackTime, viewOfRows, zeros } from './util';
import { WasmTimeLstm } from './wasm-layers';

const EMPTY_ROW = new Float64Array(0);

/** mask[t][n]: true where row n has a real token at step t. */
export type TimeMask = ReadonlyArray<ReadonlyArray<boolean>>;

export class TimeLSTM {
  /** [Wx (D×4H), Wh (H×4H), b (1×4H)], gates [f|g|i|o]. */
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;
  readonly stateful: boolean;
  /** Hidden and cell state after the last forward (N×H), or null before any / after resetState. */
  h: Matrix | null = null;
  c: Matrix | null = null;
  /** Gradient of the loss with respect to the initial hidden state, set by backward (N×H); null when `initialGrad` is off. */
  dh: Matrix | null = null;
  /**
   * Whether backward computes `dh`. A layer whose initial state is the constant zero and whose `dh` nobody
   * reads (the encoder's) turns it off: the float32 path then skips that step's product (N×4H)(H×4H)ᵀ.
   */
  initialGrad = true;
  /** Gradient with respect to the `peek` input of the last forward (N×P), set by backward; null without one. */
  dpeek: Matrix | null = null;
  private peekColumns = 0;
  /** The embedding and ids of the last `forwardEmbedded` when it ran fused on the float32 path. */
  private fused: { embed: TimeEmbedding; ids: number[][] } | null = null;
  private pendingFused: { embed: TimeEmbedding; ids: number[][] } | null = null;
  private lastEmbed: TimeEmbedding | null = null;
  private caches: LstmStepCache[] = [];
  private xStack: Matrix | null = null; // the forward's inputs, stacked (T·N×D)
  private mask: TimeMask | undefined;
  /** The float32 wasm path, used while a wasm kernel is active (see wasm-layers.ts). */
  private readonly wasm = new WasmTimeLstm();
  /** Whether the last forward ran on `wasm` (then backward does too). */
  private onWasm = false;
  /** Set by `forwardEmbeddedLast` for its call: the float32 path returns the last step's h alone. */
  private lastOnly = false;

  constructor(Wx: Matrix, Wh: Matrix, b: Matrix, stateful = false) {
    lstmDims('TimeLSTM', Wx, Wh, b);
    this.params = [Wx, Wh, b];
    this.stateful = stateful;
  }

  /** Allocated on first use: a network built only to answer (the extension host's model) never needs them. */
  get grads(): Matrix[] {
    return (this.gradsCache ??= this.params.map((p) => zeros(p.rows, p.columns)));
  }

  get hiddenSize(): number {
    return this.params[1].rows;
  }

  /** Sets the state the next forward starts from (a stateful decoder starts from the encoder's h). */
  setState(h: Matrix, c?: Matrix): void {
    const H = this.hiddenSize;
    expectShape('TimeLSTM.setState', 'h', h, undefined, H);
    if (c !== undefined) expectShape('TimeLSTM.setState', 'c', c, h.rows, H);
    this.h = h;
    this.c = c ?? null;
  }

  resetState(): void {
    this.h = null;
    this.c = null;
  }

  /**
   * xs: T × (N×D) → hs: T × (N×H). With `peek` (N×P), the input of every step is [peek, x_t] (N×(P+D)) and
   * Wx has P+D rows (the book's peeky decoder, ch. 7.4.2): the layer concatenates, so that the float32 path
   * can take peek·Wx[:P] once for all steps instead of T times; backward then sets `dpeek`.
   */
  forward(xs: Matrix[], mask?: TimeMask, peek?: Matrix): Matrix[] {
    this.fused = this.pendingFused; // set only while forwardEmbedded calls
    this.pendingFused = null;
    const [Wx, Wh, b] = this.params;
    const P = peek?.columns ?? 0;
    if (P > Wx.rows) throw new ShapeError(`TimeLSTM.forward: peek is ${shapeOf(peek as Matrix)} but Wx has only ${Wx.rows} rows`);
    const D = Wx.rows - P;
    const H = Wh.rows;
    const T = xs.length;
    const [N] = expectSeries('TimeLSTM.forward', 'xs', xs, D);
    if (peek !== undefined && T > 0) expectShape('TimeLSTM.forward', 'peek', peek, N, P);
    this.peekColumns = P;
    if (mask !== undefined) checkMask(mask, T, N);
    const h0Zero = !this.stateful || this.h === null;
    const c0Zero = !this.stateful || this.c === null;
    if (this.h !== null && !h0Zero && this.h.rows !== N) throw new ShapeError(`TimeLSTM.forward: state h is ${shapeOf(this.h)} but xs has N=${N} rows`);
    this.mask = mask;
    this.caches = [];
    this.onWasm = T > 0 && N > 0 && this.wasm.ready(H);
    if (this.onWasm) {
      // a zero initial state is filled in wasm memory: no N×H float64 zeros to allocate and copy in
      const input = this.fused === null ? { xs } : { ids: this.fused.ids, E: this.fused.embed.params[0] };
      const { hs, c } = this.wasm.forward(input, Wx, Wh, b, h0Zero ? null : this.h, c0Zero ? null : this.c, mask, peek, h0Zero, this.lastOnly);
      this.xStack = null;
      this.h = hs[hs.length - 1];
      this.c = c;
      return hs;
    }
    if (h0Zero || this.h === null) this.h = zeros(N, H);
    if (c0Zero || this.c === null) this.c = zeros(N, H);
    const hs: Matrix[] = [];
    let h = this.h;
    let c = this.c;
    const inputs = peek === undefined ? xs : xs.map((x) => hconcat(peek, x)); // T × (N×(P+D))
    this.xStack = stackTime(inputs, P + D); // T × (N×(P+D)) → (T·N×(P+D))
    const XW = rowsOf(matmul(this.xStack, Wx, zeros(T * N, 4 * H))); // one product for every step: (T·N×(P+D))((P+D)×4H) → (T·N×4H)
    for (let t = 0; t < T; t++) {
      const step = lstmStepForward(inputs[t], h, c, Wx, Wh, b, XW.slice(t * N, (t + 1) * N));
      if (mask !== undefined) carryPadded(mask[t], h, c, step.h, step.c);
      this.caches.push(step.cache);
      h = step.h;
      c = step.c;
      hs.push(h);
    }
    this.h = h;
    this.c = c;
    return hs;
  }

  /**
   * TimeEmbedding then this layer: ids N×T through `embed` → hs T × (N×H); pair with `backwardEmbedded`.
   * On the float32 path x_t·Wx becomes a row lookup in E·Wx (V×4H, once per batch) and the embedding's
   * gradient comes from the per-id sums of dA, so the three products with a depth or width of D (small:
   * 16 in the book) and the per-step embedding matrices disappear; elsewhere it is exactly
   * `forward(embed.forward(ids), mask, peek)`.
   */
  forwardEmbedded(embed: TimeEmbedding, ids: number[][], mask?: TimeMask, peek?: Matrix): Matrix[] {
    const E = embed.params[0];
    const [N, T] = expectIds('TimeEmbedding.forward', ids, E.rows);
    const H = this.hiddenSize;
    this.lastEmbed = embed;
    if (!(T > 0 && N > 0 && this.wasm.ready(H))) return this.forward(embed.forward(ids), mask, peek);
    // the embedding's output shape without computing it, for forward's checks
    const shapeOnly = Array.from({ length: T }, () => viewOfRows(new Array<Float64Array>(N).fill(EMPTY_ROW), E.columns));
    this.pendingFused = { embed, ids };
    return this.forward(shapeOnly, mask, peek);
  }

  /**
   * As `forwardEmbedded`, for a caller that reads only the hidden state after the last step (the simple and
   * peeky models' encoder) → that h (N×H), or null when there are no steps. The float32 path then copies only
   * that step out of wasm memory instead of allocating and filling T float64 matrices; backward is unchanged.
   */
  forwardEmbeddedLast(embed: TimeEmbedding, ids: number[][], mask?: TimeMask): Matrix | null {
    this.lastOnly = true;
    try {
      const hs = this.forwardEmbedded(embed, ids, mask);
      return hs.length === 0 ? null : hs[hs.length - 1];
    } finally {
      this.lastOnly = false;
    }
  }

  /** Backward of `forwardEmbedded`: dhs T × (N×H); writes this layer's and the embedding's gradients. */
  backwardEmbedded(dhs: Matrix[]): void {
    const fused = this.fused;
    if (fused === null || !this.onWasm) {
      const embed = this.lastEmbed;
      if (embed === null) throw new Error('TimeLSTM.backwardEmbedded called before forwardEmbedded');
      embed.backward(this.backward(dhs));
      return;
    }
    this.backward(dhs);
  }

  /** dhs: T × (N×H) → dxs: T × (N×D); weight grads written in place, `dh` set (and `dpeek` after a peeked forward). */
  backward(dhs: Matrix[]): Matrix[] {
    const [Wx, Wh] = this.params;
    const H = Wh.rows;
    if (this.onWasm) {
      const T = this.wasm.steps;
      if (dhs.length !== T) throw new RangeError(`TimeLSTM.backward: expected ${T} time steps of dhs, got ${dhs.length}`);
      expectSeries('TimeLSTM.backward', 'dhs', dhs, H);
      if (dhs[0].rows !== this.wasm.rows) throw new ShapeError(`TimeLSTM.backward: dhs[0] expected (${this.wasm.rows}×${H}), got ${shapeOf(dhs[0])}`);
      const { dxs, dh, dpeek } = this.wasm.backward(dhs, this.grads, this.fused?.embed.grads[0], this.initialGrad);
      this.dh = dh;
      this.dpeek = dpeek;
      return dxs;
    }
    const T = this.caches.length;
    if (dhs.length !== T) throw new RangeError(`TimeLSTM.backward: expected ${T} time steps of dhs, got ${dhs.length}`);
    const N = T === 0 ? (this.h?.rows ?? 0) : this.caches[0].x.rows;
    expectSeries('TimeLSTM.backward', 'dhs', dhs, H);
    const dAs: Matrix[] = new Array<Matrix>(T);
    let dh = zeros(N, H);
    let dc = zeros(N, H);
    for (let t = T - 1; t >= 0; t--) {
      const dhTotal = cloneMatrix(dhs[t]);
      addInPlace(dhTotal, dh); // the step's h feeds both the output and the next step
      const real = this.mask?.[t];
      const dhStep = real === undefined ? dhTotal : zeroPadded(real, dhTotal);
      const dcStep = real === undefined ? dc : zeroPadded(real, dc);
      const g = lstmStepBackward(this.caches[t], dhStep, dcStep, Wx, Wh, false);
      if (real !== undefined) carryPadded(real, dhTotal, dc, g.dhPrev, g.dcPrev); // identity path at PAD
      dAs[t] = g.dA;
      dh = g.dhPrev;
      dc = g.dcPrev;
    }
    this.dh = this.initialGrad ? dh : null;
    if (T === 0 || this.xStack === null) {
      for (const g of this.grads) fill(g, 0);
      this.dpeek = this.peekColumns > 0 ? zeros(N, this.peekColumns) : null;
      return [];
    }
    const dA = stackTime(dAs, 4 * H); // (T·N×4H)
    matmulTN(this.xStack, dA, this.grads[0]); // dWx = Σ_t x_tᵀ·dA_t, in place
    matmulTN(stackTime(this.caches.map((k) => k.hPrev), H), dA, this.grads[1]); // dWh = Σ_t h_{t−1}ᵀ·dA_t
    sumRowsInto(dA, this.grads[2]);
    const dxs = unstackTime(matmulNT(dA, Wx, zeros(T * N, Wx.rows)), T, N); // dx_t = dA_t·Wxᵀ: (T·N×4H)((P+D)×4H)ᵀ → T × (N×(P+D))
    const P = this.peekColumns;
    if (P === 0) {
      this.dpeek = null;
      return dxs;
    }
    const dpeek = zeros(N, P);
    this.dpeek = dpeek;
    return dxs.map((d) => {
      const [dp, dx] = hsplit(d, P);
      addInPlace(dpeek, dp); // peek was copied to every step: its gradients add up
      return dx;
    });
  }
}

function checkMask(mask: TimeMask, T: number, N: number): void {
  if (mask.length !== T) throw new ShapeError(`TimeLSTM.forward: mask has ${mask.length} time steps, expected ${T}`);
  for (let t = 0; t < T; t++) {
    if (mask[t].length !== N) throw new ShapeError(`TimeLSTM.forward: mask[${t}] has ${mask[t].length} rows, expected ${N}`);
  }
}

/** For rows where real[n] is false, copies prevH/prevC rows into nextH/nextC (in place). */
function carryPadded(real: ReadonlyArray<boolean>, prevH: Matrix, prevC: Matrix, nextH: Matrix, nextC: Matrix): void {
  const Hp = rowsOf(prevH);
  const Cp = rowsOf(prevC);
  const Hn = rowsOf(nextH);
  const Cn = rowsOf(nextC);
  for (let n = 0; n < real.length; n++) {
    if (real[n]) continue;
    Hn[n].set(Hp[n]);
    Cn[n].set(Cp[n]);
  }
}

/** A copy of m with the rows where real[n] is false set to zero. */
function zeroPadded(real: ReadonlyArray<boolean>, m: Matrix): Matrix {
  const out = cloneMatrix(m);
  const O = rowsOf(out);
  for (let n = 0; n < real.length; n++) if (!real[n]) O[n].fill(0);
  return out;
}
