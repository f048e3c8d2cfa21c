/**
 * TimeAffine (book ch. 5.4, `common/time_layers.py` TimeAffine): one product over the stacked N·T rows,
 * like the book's reshape to (N·T, D).
 *
 * Optional `peek` (the book's peeky decoder, ch. 7.4.2): the input of every step is [peek, x_t] and W has
 * P+D rows. The layer takes peek·W[:P] once for all steps instead of concatenating peek to each step
 * (same result; T−1 fewer products of the peek and no concatenated copies), and backward sets `dpeek`.
 */
import { Matrix } from 'ml-matrix';
import { matmul, matmulNT, matmulTN, rowsOf, ShapeError } from '../matrix';
import { addInPlace, addRowVector, expectSeries, expectShape, shapeOf, stackTime, sumRowsInto, unstackTime, viewOfRows, zeros } from './util';

/** xs: T × (N×D) → T × (N×V). params: [W (D×V), b (1×V)] (W ((P+D)×V) with a peek of P columns). */
export class TimeAffine {
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;
  /** Gradient with respect to the `peek` of the last forward (N×P), set by backward; null without one. */
  dpeek: Matrix | null = null;
  private x: Matrix | null = null; // (T·N×D)
  private peek: Matrix | null = null; // (N×P)
  private N = 0;

  constructor(W: Matrix, b: Matrix) {
    expectShape('TimeAffine', 'b', b, 1, W.columns);
    this.params = [W, b];
  }

  /** Allocated on first use: a network built only to answer (the extension host's model) never needs them. */
  get grads(): Matrix[] {
    return (this.gradsCache ??= [zeros(this.params[0].rows, this.params[0].columns), zeros(1, this.params[0].columns)]);
  }

  forward(xs: Matrix[], peek?: Matrix): Matrix[] {
    const [W, b] = this.params;
    const T = xs.length;
    const P = peek?.columns ?? 0;
    if (P > W.rows) throw new ShapeError(`TimeAffine.forward: peek is ${shapeOf(peek as Matrix)} but W has only ${W.rows} rows`);
    const D = W.rows - P;
    const [N] = expectSeries('TimeAffine.forward', 'xs', xs, D);
    if (peek !== undefined && T > 0) expectShape('TimeAffine.forward', 'peek', peek, N, P);
    this.N = N;
    this.peek = peek ?? null;
    this.x = stackTime(xs, D); // T × (N×D) → (T·N×D)
    const Wr = rowsOf(W);
    const out = matmul(this.x, P === 0 ? W : viewOfRows(Wr.slice(P), W.columns), zeros(T * N, W.columns)); // (T·N×D)(D×V) → (T·N×V)
    addRowVector(out, b);
    if (peek !== undefined && P > 0 && T > 0) {
      const pw = rowsOf(matmul(peek, viewOfRows(Wr.slice(0, P), W.columns), zeros(N, W.columns))); // peek·W[:P]: (N×P)(P×V), every step
      const O = rowsOf(out);
      for (let r = 0; r < O.length; r++) {
        const o = O[r];
        const p = pw[r % N];
        for (let j = 0; j < o.length; j++) o[j] += p[j];
      }
    }
    return unstackTime(out, T, N); // → T × (N×V)
  }

  backward(dout: Matrix[]): Matrix[] {
    if (this.x === null) throw new Error('TimeAffine.backward called before forward');
    const [W] = this.params;
    const T = dout.length;
    const V = W.columns;
    if (T * this.N !== this.x.rows) throw new RangeError(`TimeAffine.backward: expected ${this.x.rows / Math.max(this.N, 1)} time steps of dout, got ${T}`);
    expectSeries('TimeAffine.backward', 'dout', dout, V);
    const P = this.peek?.columns ?? 0;
    const Wr = rowsOf(W);
    const Gr = rowsOf(this.grads[0]);
    const d = stackTime(dout, V); // (T·N×V)
    matmulTN(this.x, d, P === 0 ? this.grads[0] : viewOfRows(Gr.slice(P), V)); // dW[P:] = xᵀ·dout, in place
    sumRowsInto(d, this.grads[1]);
    if (this.peek !== null && P > 0) {
      // peek fed every step: dW[:P] = peekᵀ·Σ_t dout_t, dpeek = (Σ_t dout_t)·W[:P]ᵀ
      const dsum = zeros(this.N, V);
      for (const dt of dout) addInPlace(dsum, dt);
      matmulTN(this.peek, dsum, viewOfRows(Gr.slice(0, P), V));
      this.dpeek = matmulNT(dsum, viewOfRows(Wr.slice(0, P), V), zeros(this.N, P));
    } else {
      this.dpeek = null;
    }
    const Wx = P === 0 ? W : viewOfRows(Wr.slice(P), V);
    return unstackTime(matmulNT(d, Wx, zeros(d.rows, Wx.rows)), T, this.N); // dx = dout·W[P:]ᵀ → T × (N×D)
  }
}
