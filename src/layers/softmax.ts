/**
 * Softmax and TimeSoftmaxWithLoss (book ch. 5.4, `common/time_layers.py` TimeSoftmaxWithLoss).
 *
 * The book masks targets equal to -1 (`ignore_label`); here targets equal to PAD (0) are masked: they add
 * no loss and no gradient, and the loss is the mean over the non-pad targets only.
 */
import { Matrix } from 'ml-matrix';
import { rowsOf, ShapeError } from '../matrix';
import { PAD } from '../models/tokens';
import { cloneMatrix, expectIds, expectSeries, zeros } from './util';

/** Row-wise softmax, max-subtracted for stability: (N×V) → (N×V). */
export function softmax(x: Matrix): Matrix {
  const out = zeros(x.rows, x.columns);
  const X = rowsOf(x);
  const O = rowsOf(out);
  for (let n = 0; n < x.rows; n++) softmaxRow(X[n], O[n]);
  return out;
}

/**
 * out = softmax(x) for one row; entries equal to −Infinity get probability 0 (all −Infinity: all 0).
 * Returns log Σ exp(x), so that log softmax(x)[k] = x[k] − that, finite even where out[k] underflows to 0.
 */
export function softmaxRow(x: ArrayLike<number>, out: Float64Array): number {
  let max = -Infinity;
  for (let j = 0; j < x.length; j++) if (x[j] > max) max = x[j];
  if (max === -Infinity) {
    out.fill(0);
    return -Infinity;
  }
  let sum = 0;
  for (let j = 0; j < x.length; j++) {
    const e = Math.exp(x[j] - max);
    out[j] = e;
    sum += e;
  }
  const inverse = 1 / sum;
  for (let j = 0; j < x.length; j++) out[j] *= inverse;
  return max + Math.log(sum);
}

export class TimeSoftmaxWithLoss {
  readonly params: Matrix[] = [];
  readonly grads: Matrix[] = [];
  private ys: Matrix[] = [];
  private ts: number[][] = [];
  private count = 0;

  /** xs: T × (N×V) scores, ts: N×T target ids → mean cross-entropy over non-PAD targets. */
  forward(xs: Matrix[], ts: number[][]): number {
    const T = xs.length;
    const [N, V] = expectSeries('TimeSoftmaxWithLoss.forward', 'xs', xs);
    const [tn, tt] = expectIds('TimeSoftmaxWithLoss.forward', ts, V);
    if (tn !== N || (N > 0 && tt !== T)) {
      throw new ShapeError(`TimeSoftmaxWithLoss.forward: targets expected ${N}×${T} (N×T), got ${tn}×${tt}`);
    }
    this.ts = ts;
    let loss = 0;
    let count = 0;
    // T × (N×V); one pass of exponentials per row gives both y and the loss
    this.ys = xs.map((x, t) => {
      const y = zeros(N, V);
      const X = rowsOf(x);
      const Y = rowsOf(y);
      for (let n = 0; n < N; n++) {
        const target = ts[n][t];
        if (target === PAD) continue; // no loss and no gradient: y's row stays 0, backward zeroes it anyway
        loss -= X[n][target] - softmaxRow(X[n], Y[n]); // exact log-sum-exp instead of the book's log(y + 1e-7)
        count++;
      }
      return y;
    });
    this.count = count;
    return count === 0 ? 0 : loss / count;
  }

  /** dL/dx = (y − onehot(t)) · dout / count, zero at PAD targets. */
  backward(dout = 1): Matrix[] {
    const scale = this.count === 0 ? 0 : dout / this.count;
    return this.ys.map((y, t) => {
      const dx = cloneMatrix(y);
      const D = rowsOf(dx);
      for (let n = 0; n < dx.rows; n++) {
        const target = this.ts[n][t];
        const row = D[n];
        if (target === PAD) {
          row.fill(0);
          continue;
        }
        row[target] -= 1;
        for (let j = 0; j < row.length; j++) row[j] *= scale;
      }
      return dx;
    });
  }
}
