/**
 * Embedding and TimeEmbedding (book ch. 4.1 `common/layers.py` Embedding, ch. 5 `common/time_layers.py`
 * TimeEmbedding): row lookup forward, scatter-add of the upstream gradient backward (`np.add.at`).
 */
import { Matrix } from 'ml-matrix';
import { rowsOf } from '../matrix';
import { expectIds, expectShape, fill, zeros } from './util';

/** One time step: ids (N) → vectors (N×D). params: [W (V×D)]. */
export class Embedding {
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;
  private idx: number[] = [];

  constructor(W: Matrix) {
    this.params = [W];
  }

  /** Allocated on first use: a network built only to answer (the extension host's model) never needs them. */
  get grads(): Matrix[] {
    return (this.gradsCache ??= [zeros(this.params[0].rows, this.params[0].columns)]);
  }

  forward(idx: number[]): Matrix {
    const W = this.params[0];
    const D = W.columns;
    expectIds('Embedding.forward', [idx], W.rows);
    this.idx = idx;
    const out = zeros(idx.length, D); // (N×D)
    const O = rowsOf(out);
    const Wr = rowsOf(W);
    for (let n = 0; n < idx.length; n++) O[n].set(Wr[idx[n]]);
    return out;
  }

  /** dW[idx[n]] += dout[n]; returns nothing (ids have no gradient), like the book. */
  backward(dout: Matrix): void {
    const dW = this.grads[0];
    expectShape('Embedding.backward', 'dout', dout, this.idx.length, dW.columns);
    fill(dW, 0);
    scatterAdd(dW, this.idx, dout);
  }
}

function scatterAdd(dW: Matrix, idx: number[], dout: Matrix): void {
  const G = rowsOf(dW);
  const D = rowsOf(dout);
  for (let n = 0; n < idx.length; n++) {
    const g = G[idx[n]];
    const d = D[n];
    for (let j = 0; j < g.length; j++) g[j] += d[j];
  }
}

/** Whole sequence: ids N×T (number[][]) → T matrices of N×D. params: [W (V×D)]. */
export class TimeEmbedding {
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;
  private xs: number[][] = [];

  constructor(W: Matrix) {
    this.params = [W];
  }

  /** Allocated on first use: a network built only to answer (the extension host's model) never needs them. */
  get grads(): Matrix[] {
    return (this.gradsCache ??= [zeros(this.params[0].rows, this.params[0].columns)]);
  }

  forward(xs: number[][]): Matrix[] {
    const W = this.params[0];
    const [N, T] = expectIds('TimeEmbedding.forward', xs, W.rows);
    const D = W.columns;
    this.xs = xs;
    const Wr = rowsOf(W);
    const out: Matrix[] = [];
    for (let t = 0; t < T; t++) {
      const o = zeros(N, D); // (N×D) at step t
      const O = rowsOf(o);
      for (let n = 0; n < N; n++) O[n].set(Wr[xs[n][t]]);
      out.push(o);
    }
    return out;
  }

  backward(dout: Matrix[]): void {
    const dW = this.grads[0];
    const N = this.xs.length;
    const T = N === 0 ? 0 : this.xs[0].length;
    if (dout.length !== T) throw new RangeError(`TimeEmbedding.backward: expected ${T} time steps of dout, got ${dout.length}`);
    fill(dW, 0);
    for (let t = 0; t < T; t++) {
      expectShape('TimeEmbedding.backward', `dout[${t}]`, dout[t], N, dW.columns);
      scatterAdd(dW, this.xs.map((row) => row[t]), dout[t]);
    }
  }
}
