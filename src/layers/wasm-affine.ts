/**
 * TimeAffine followed by TimeSoftmaxWithLoss (book ch. 5.4, `common/time_layers.py`), fused on the float32
 * WebAssembly path for training, used only while a wasm matmul kernel is active; with the TypeScript kernel
 * the two float64 layers run instead, the reference the gradient checks use (src/layers/affine-loss.ts).
 *
 * The affine layer's input comes in column blocks, W's rows in the same order: an optional peek P (N×P, the
 * same at every step: the peeky decoder's h, ch. 7.4.2) and series X_i (T × (N×D_i): the attention decoder's
 * contexts and hidden states, ch. 8.2), so that no concatenated copy is made. Layout (float32, byte
 * addresses, time-major rows t·N + n as in TimeAffine's stack):
 *   W ((P+ΣD_i)×V), b (V), PK (N×P), X_i (T·N×D_i), ID (T·N int32 targets, −1 at PAD)
 *   B0 (N×V)   b on every row, plus peek·W[:P]: what every step starts from
 *   S  (T·N×V) the scores, then in place the scores' gradient (softmaxCrossEntropy)
 * and for backward dW, db, dSsum (N×V, Σ_t dS_t for the peek), dPK (N×P), dX_i (T·N×D_i).
 */
import type { Matrix } from 'ml-matrix';
import { rowsOf, WasmCompute } from '../matrix';
import { PAD } from '../models/tokens';
import { getRows, LayerWasm, matrixAt, upload } from './wasm-layers';

export class WasmAffineSoftmax {
  private readonly wasm = new LayerWasm();
  private g: WasmCompute | null = null;
  private T = 0;
  private N = 0;
  private V = 0;
  private P = 0;
  private widths: number[] = [];
  private scaled = 1;
  private a = { W: 0, b: 0, PK: 0, X: [] as number[], ID: 0, B0: 0, S: 0, dW: 0, db: 0, dSsum: 0, dPK: 0, dX: [] as number[], work: 0 };

  /** Whether a wasm kernel is active (else the caller takes the float64 layers). */
  ready(): boolean {
    return this.wasm.get() !== null;
  }

  /**
   * series: the affine input's series blocks, each T × (N×D_i) (T, N ≥ 1), peek (N×P) or null, W ((P+ΣD_i)×V),
   * b (1×V), ts N×T target ids (PAD counts for nothing) → the mean cross-entropy over the non-PAD targets.
   * Shapes and ids are checked by the caller.
   */
  forward(series: Matrix[][], peek: Matrix | null, W: Matrix, b: Matrix, ts: number[][]): number {
    const g = this.wasm.get();
    if (g === null) throw new Error('WasmAffineSoftmax.forward: no wasm kernel is active');
    this.g = g;
    const T = series[0].length;
    const N = series[0][0].rows;
    const V = W.columns;
    const P = peek?.columns ?? 0;
    const widths = series.map((s) => s[0].columns);
    const K = W.rows; // P + ΣD_i
    const TN = T * N;
    [this.T, this.N, this.V, this.P, this.widths] = [T, N, V, P, widths];
    const arena = g.arena;
    arena.reset();
    const f = (floats: number): number => arena.alloc(floats * 4);
    const a = this.a;
    a.W = f(K * V);
    a.b = f(V);
    a.PK = f(N * P);
    a.X = widths.map((D) => f(TN * D));
    a.ID = f(TN);
    a.B0 = f(N * V);
    a.S = f(TN * V);
    a.dW = f(K * V);
    a.db = f(V);
    a.dSsum = f(N * V);
    a.dPK = f(N * P);
    a.dX = widths.map((D) => f(TN * D));
    const depth = Math.max(K, V, TN, N);
    a.work = arena.alloc(Math.max(g.workBytes(V, depth), ...widths.map((D) => g.workBytes(D, depth)), g.workBytes(P, depth)));
    const stage = { at: 0, floats: Math.max(K * V, N * Math.max(P, ...widths)) }; // the largest matrix uploaded
    stage.at = arena.alloc(stage.floats * 8);
    const m = arena.f32(); // after the last alloc: growing the memory detaches older views
    upload(g, stage, a.W, W);
    upload(g, stage, a.b, b);
    if (peek !== null) upload(g, stage, a.PK, peek);
    series.forEach((xs, i) => xs.forEach((x, t) => upload(g, stage, a.X[i] + t * N * widths[i] * 4, x)));
    const ids = new Int32Array(m.buffer, a.ID, TN);
    let count = 0;
    for (let t = 0; t < T; t++) {
      for (let n = 0; n < N; n++) {
        const id = ts[n][t];
        ids[t * N + n] = id === PAD ? -1 : id;
        if (id !== PAD) count++;
      }
    }
    const rowBytes = V * 4;
    g.repeatBlock(a.b, a.B0, rowBytes, N); // b on every row: (N×V)
    if (P > 0) g.gemmWith(false, false, N, V, P, a.PK, a.W, a.B0, a.work, true); // + peek·W[:P]: (N×P)(P×V), every step
    g.repeatBlock(a.B0, a.S, N * rowBytes, T); // every step starts from it: (T·N×V)
    let row = P; // W's first row for the block
    series.forEach((_, i) => {
      const D = widths[i];
      g.gemmWith(false, false, TN, V, D, a.X[i], a.W + row * rowBytes, a.S, a.work, true); // + X_i·W_i: (T·N×D_i)(D_i×V)
      row += D;
    });
    this.scaled = 1;
    // scores → loss, and S := (softmax − onehot)/count, the gradient for dout = 1
    const loss = g.softmaxCrossEntropy(a.S, a.ID, TN, V, count === 0 ? 0 : 1 / count);
    return count === 0 ? 0 : loss / count;
  }

  /**
   * dout (the loss's gradient, 1 in training) → dxs, one series T × (N×D_i) per input block, and dpeek (N×P)
   * or null; writes dW and db into `dW`, `db` (float64, in place).
   */
  backward(dout: number, dW: Matrix, db: Matrix): { dxs: Matrix[][]; dpeek: Matrix | null } {
    const g = this.g;
    if (g === null) throw new Error('WasmAffineSoftmax.backward called before forward');
    const { T, N, V, P, widths, a } = this;
    const TN = T * N;
    if (dout !== this.scaled) {
      g.scale(a.S, TN * V, dout / this.scaled); // S holds dS for dout = `scaled`
      this.scaled = dout;
    }
    const rowBytes = V * 4;
    let row = P;
    widths.forEach((D, i) => {
      g.gemmWith(true, false, D, V, TN, a.X[i], a.S, a.dW + row * rowBytes, a.work); // dW_i = X_iᵀ·dS: (T·N×D_i)ᵀ(T·N×V)
      g.gemmWith(false, true, TN, D, V, a.S, a.W + row * rowBytes, a.dX[i], a.work); // dX_i = dS·W_iᵀ: (T·N×V)(D_i×V)ᵀ
      row += D;
    });
    g.sumRows(a.S, a.db, TN, V); // db = Σ dS
    const m = g.arena.f32();
    if (P > 0) {
      // peek fed every step: dW[:P] = peekᵀ·Σ_t dS_t, dpeek = (Σ_t dS_t)·W[:P]ᵀ
      m.copyWithin(a.dSsum / 4, a.S / 4, a.S / 4 + N * V);
      for (let t = 1; t < T; t++) g.addTo(a.S + t * N * rowBytes, a.dSsum, N * V);
      g.gemmWith(true, false, P, V, N, a.PK, a.dSsum, a.dW, a.work); // (N×P)ᵀ(N×V) → (P×V)
      g.gemmWith(false, true, N, P, V, a.dSsum, a.W, a.dPK, a.work); // (N×V)(P×V)ᵀ → (N×P)
    }
    getRows(m, a.dW / 4, rowsOf(dW));
    getRows(m, a.db / 4, rowsOf(db));
    const dxs = widths.map((D, i) => Array.from({ length: T }, (_, t) => matrixAt(m, a.dX[i] / 4 + t * N * D, N, D)));
    return { dxs, dpeek: P > 0 ? matrixAt(m, a.dPK / 4, N, P) : null };
  }
}
