/**
 * The decoders' output in training: TimeAffine then TimeSoftmaxWithLoss (book ch. 5.4, `common/time_layers.py`;
 * the book's seq2seq calls them one after the other), as one layer so that the float32 path can fuse them.
 *
 * The affine input comes in column blocks, W's rows in the same order: an optional peek (N×P) fed at every
 * step (the peeky decoder's h, ch. 7.4.2), then one or more series (the attention decoder's contexts and
 * hidden states, ch. 8.2), so no block is concatenated to the next on the float32 path.
 *
 * While a wasm kernel is active, forward and backward run in float32 wasm (src/layers/wasm-affine.ts): the
 * scores, their softmax and the loss in one pass, and backward from the scores' gradient left in place. With
 * the TypeScript kernel the float64 TimeAffine and TimeSoftmaxWithLoss run, which the gradient checks use.
 * The params and grads are the TimeAffine's.
 */
import type { Matrix } from 'ml-matrix';
import { ShapeError } from '../matrix';
import { TimeAffine } from './affine';
import { TimeSoftmaxWithLoss } from './softmax';
import { expectIds, expectSeries, expectShape, hconcat, hsplit } from './util';
import { WasmAffineSoftmax } from './wasm-affine';

export class TimeAffineWithLoss {
  readonly softmax = new TimeSoftmaxWithLoss();
  private readonly fast = new WasmAffineSoftmax();
  /** Whether the last forward ran on the wasm path (then backward does too). */
  private onWasm = false;
  private widths: number[] = [];

  constructor(readonly affine: TimeAffine) {}

  /** [W ((P+ΣD_i)×V), b (1×V)]: the TimeAffine's. */
  get params(): Matrix[] {
    return this.affine.params;
  }

  get grads(): Matrix[] {
    return this.affine.grads;
  }

  /**
   * series: the affine input's blocks after the peek, each T × (N×D_i); ts: N×T target ids; peek (N×P), the
   * same at every step → the mean cross-entropy over the non-PAD targets.
   */
  forward(series: Matrix[][], ts: number[][], peek?: Matrix): number {
    const [W, b] = this.affine.params;
    if (series.length === 0) throw new ShapeError('TimeAffineWithLoss.forward: expected at least one input series, got none');
    const T = series[0].length;
    const N = T > 0 ? series[0][0].rows : ts.length;
    series.forEach((xs, i) => {
      if (xs.length !== T) throw new ShapeError(`TimeAffineWithLoss.forward: series[${i}] has ${xs.length} steps, series[0] ${T}`);
      if (T > 0) expectSeries('TimeAffineWithLoss.forward', `series[${i}]`, xs, xs[0].columns);
      if (T > 0 && xs[0].rows !== N) throw new ShapeError(`TimeAffineWithLoss.forward: series[${i}] has ${xs[0].rows} rows, series[0] ${N}`);
    });
    const P = peek?.columns ?? 0;
    if (peek !== undefined && T > 0) expectShape('TimeAffineWithLoss.forward', 'peek', peek, N, P);
    this.widths = series.map((xs) => (T > 0 ? xs[0].columns : 0));
    const K = P + this.widths.reduce((s, d) => s + d, 0);
    if (T > 0 && K !== W.rows) throw new ShapeError(`TimeAffineWithLoss.forward: the blocks are ${K} columns wide (peek ${P} + series ${this.widths.join(' + ')}), W has ${W.rows} rows`);
    const [tn, tt] = expectIds('TimeAffineWithLoss.forward', ts, W.columns);
    if (tn !== N || (N > 0 && tt !== T)) throw new ShapeError(`TimeAffineWithLoss.forward: targets expected ${N}×${T} (N×T), got ${tn}×${tt}`);
    this.onWasm = T > 0 && N > 0 && this.fast.ready();
    if (this.onWasm) return this.fast.forward(series, peek ?? null, W, b, ts);
    const xs = series.length === 1 ? series[0] : series[0].map((_, t) => series.slice(1).reduce((x, s) => hconcat(x, s[t]), series[0][t])); // T × (N×ΣD_i)
    return this.softmax.forward(this.affine.forward(xs, peek), ts);
  }

  /** dout (1 in training) → dxs, one series T × (N×D_i) per input block, and dpeek (N×P) or null; dW, db into grads. */
  backward(dout = 1): { dxs: Matrix[][]; dpeek: Matrix | null } {
    if (this.onWasm) {
      const [dW, db] = this.affine.grads;
      return this.fast.backward(dout, dW, db);
    }
    const dx = this.affine.backward(this.softmax.backward(dout)); // T × (N×ΣD_i)
    const dxs: Matrix[][] = this.widths.map(() => []);
    for (const d of dx) {
      let rest = d;
      this.widths.forEach((D, i) => {
        if (i === this.widths.length - 1) dxs[i].push(rest);
        else {
          const [head, tail] = hsplit(rest, D);
          dxs[i].push(head);
          rest = tail;
        }
      });
    }
    return { dxs, dpeek: this.affine.dpeek };
  }
}
