/**
 * TimeAffine (book ch. 5.4, `common/time_layers.py` TimeAffine): one product over the stacked N·T rows,
 * like the book's reshape to (N·T, D).
 */
import { Matrix } from 'ml-matrix';
import { matmul, matmulNT, matmulTN } from '../matrix';
import { addRowVector, expectSeries, expectShape, stackTime, sumRowsInto, unstackTime, zeros } from './util';

/** xs: T × (N×D) → T × (N×V). params: [W (D×V), b (1×V)]. */
export class TimeAffine {
  readonly params: Matrix[];
  readonly grads: Matrix[];
  private x: Matrix | null = null; // (T·N×D)
  private N = 0;

  constructor(W: Matrix, b: Matrix) {
    expectShape('TimeAffine', 'b', b, 1, W.columns);
    this.params = [W, b];
    this.grads = [zeros(W.rows, W.columns), zeros(1, W.columns)];
  }

  forward(xs: Matrix[]): Matrix[] {
    const [W, b] = this.params;
    const T = xs.length;
    const D = W.rows;
    const [N] = expectSeries('TimeAffine.forward', 'xs', xs, D);
    this.N = N;
    this.x = stackTime(xs, D); // T × (N×D) → (T·N×D)
    const out = matmul(this.x, W, zeros(T * N, W.columns)); // (T·N×D)(D×V) → (T·N×V)
    addRowVector(out, b);
    return unstackTime(out, T, N); // → T × (N×V)
  }

  backward(dout: Matrix[]): Matrix[] {
    if (this.x === null) throw new Error('TimeAffine.backward called before forward');
    const [W] = this.params;
    const T = dout.length;
    const V = W.columns;
    if (T * this.N !== this.x.rows) throw new RangeError(`TimeAffine.backward: expected ${this.x.rows / Math.max(this.N, 1)} time steps of dout, got ${T}`);
    expectSeries('TimeAffine.backward', 'dout', dout, V);
    const d = stackTime(dout, V); // (T·N×V)
    matmulTN(this.x, d, this.grads[0]); // dW = xᵀ·dout, in place
    sumRowsInto(d, this.grads[1]);
    return unstackTime(matmulNT(d, W, zeros(d.rows, W.rows)), T, this.N); // dx = dout·Wᵀ → T × (N×D)
  }
}
