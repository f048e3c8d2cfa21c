/**
 * Attention pieces (book ch. 8.1–8.2, `ch08/attention_layer.py`): WeightSum, AttentionWeight, Attention,
 * TimeAttention. None has parameters.
 *
 * Encoder states hs are a time series T × (N×H); attention weights a are one (N×T) matrix per decoder
 * step. Addition for padded questions: an optional encoder mask (mask[t][n] false at PAD) gives those
 * positions a score of −∞, hence weight exactly 0 and no gradient.
 */
import { Matrix } from 'ml-matrix';
import { rowsOf, ShapeError } from '../matrix';
import { softmaxRow } from './softmax';
import { cloneMatrix, expectSeries, expectShape, zeros } from './util';
import type { TimeMask } from './time-lstm';
import { WasmTimeAttention } from './wasm-attention';

/** c = Σ_t a[:, t] ⊙ hs_t : hs T × (N×H), a (N×T) → c (N×H). */
export class WeightSum {
  readonly params: Matrix[] = [];
  readonly grads: Matrix[] = [];
  private hs: Matrix[] = [];
  private a: Matrix | null = null;

  forward(hs: Matrix[], a: Matrix): Matrix {
    const T = hs.length;
    const [N, H] = expectSeries('WeightSum.forward', 'hs', hs);
    expectShape('WeightSum.forward', 'a', a, N, T);
    this.hs = hs;
    this.a = a;
    const c = zeros(N, H);
    const C = rowsOf(c);
    const A = rowsOf(a);
    for (let t = 0; t < T; t++) {
      const Hs = rowsOf(hs[t]);
      for (let n = 0; n < N; n++) {
        const w = A[n][t];
        if (w === 0) continue;
        const cn = C[n];
        const hn = Hs[n];
        for (let j = 0; j < H; j++) cn[j] += w * hn[j];
      }
    }
    return c;
  }

  /**
   * dc (N×H) → dhs T × (N×H) = a ⊙ dc, da (N×T) = Σ_j dc ⊙ hs_t. With `into` (T × (N×H)), dhs is added to
   * it and returned as dhs (TimeAttention sums every decoder step's dhs there without allocating them).
   */
  backward(dc: Matrix, into?: Matrix[]): { dhs: Matrix[]; da: Matrix } {
    if (this.a === null) throw new Error('WeightSum.backward called before forward');
    const T = this.hs.length;
    const N = this.a.rows;
    const H = dc.columns;
    expectShape('WeightSum.backward', 'dc', dc, N, T === 0 ? H : this.hs[0].columns);
    const dhs = into ?? Array.from({ length: T }, () => zeros(N, H));
    if (dhs.length !== T) throw new RangeError(`WeightSum.backward: into has ${dhs.length} time steps, expected ${T}`);
    const A = rowsOf(this.a);
    const DC = rowsOf(dc);
    const da = zeros(N, T);
    const DA = rowsOf(da);
    for (let t = 0; t < T; t++) {
      const Hs = rowsOf(this.hs[t]);
      const DH = rowsOf(dhs[t]);
      for (let n = 0; n < N; n++) {
        const w = A[n][t];
        const dcn = DC[n];
        const hn = Hs[n];
        const dhn = DH[n];
        let s = 0;
        for (let j = 0; j < H; j++) {
          dhn[j] += w * dcn[j];
          s += dcn[j] * hn[j];
        }
        DA[n][t] = s;
      }
    }
    return { dhs, da };
  }
}

/** a = softmax_t(hs_t · h) : hs T × (N×H), h (N×H) → a (N×T). */
export class AttentionWeight {
  readonly params: Matrix[] = [];
  readonly grads: Matrix[] = [];
  private hs: Matrix[] = [];
  private h: Matrix | null = null;
  private a: Matrix | null = null;

  /** `real[t][n]` false at padded encoder positions (optional). */
  forward(hs: Matrix[], h: Matrix, mask?: TimeMask): Matrix {
    const T = hs.length;
    const [N, H] = expectSeries('AttentionWeight.forward', 'hs', hs, h.columns);
    expectShape('AttentionWeight.forward', 'h', h, T === 0 ? h.rows : N, H);
    if (mask !== undefined && (mask.length !== T || mask.some((m) => m.length !== h.rows))) {
      throw new ShapeError(`AttentionWeight.forward: mask expected ${T}×${h.rows} (T×N), got ${mask.length}×${mask[0]?.length ?? 0}`);
    }
    const Nh = h.rows;
    this.hs = hs;
    this.h = h;
    const s = zeros(Nh, T); // scores (N×T)
    const S = rowsOf(s);
    const Hh = rowsOf(h);
    for (let t = 0; t < T; t++) {
      const Hs = rowsOf(hs[t]);
      for (let n = 0; n < Nh; n++) {
        if (mask !== undefined && !mask[t][n]) {
          S[n][t] = -Infinity;
          continue;
        }
        let dot = 0;
        for (let j = 0; j < H; j++) dot += Hs[n][j] * Hh[n][j];
        S[n][t] = dot;
      }
    }
    const a = zeros(Nh, T);
    const A = rowsOf(a);
    for (let n = 0; n < Nh; n++) softmaxRow(S[n], A[n]);
    this.a = a;
    return a;
  }

  /** da (N×T) → dhs T × (N×H), dh (N×H); with `into` (T × (N×H)) dhs is added to it, as in WeightSum. */
  backward(da: Matrix, into?: Matrix[]): { dhs: Matrix[]; dh: Matrix } {
    if (this.a === null || this.h === null) throw new Error('AttentionWeight.backward called before forward');
    const a = this.a;
    const N = a.rows;
    const T = a.columns;
    const H = this.h.columns;
    expectShape('AttentionWeight.backward', 'da', da, N, T);
    const dhs = into ?? Array.from({ length: T }, () => zeros(N, H));
    if (dhs.length !== T) throw new RangeError(`AttentionWeight.backward: into has ${dhs.length} time steps, expected ${T}`);
    // softmax backward: ds = a ⊙ (da − Σ_t a·da)
    const ds = zeros(N, T);
    const A = rowsOf(a);
    const DA = rowsOf(da);
    const DS = rowsOf(ds);
    for (let n = 0; n < N; n++) {
      let dot = 0;
      for (let t = 0; t < T; t++) dot += A[n][t] * DA[n][t];
      for (let t = 0; t < T; t++) DS[n][t] = A[n][t] * (DA[n][t] - dot);
    }
    const Hh = rowsOf(this.h);
    const dh = zeros(N, H);
    const DH = rowsOf(dh);
    for (let t = 0; t < T; t++) {
      const Hs = rowsOf(this.hs[t]);
      const D = rowsOf(dhs[t]);
      for (let n = 0; n < N; n++) {
        const d = DS[n][t];
        if (d === 0) continue;
        const dn = D[n];
        const hn = Hh[n];
        const hsn = Hs[n];
        const dhn = DH[n];
        for (let j = 0; j < H; j++) {
          dn[j] += d * hn[j]; // ∂s/∂hs_t = h
          dhn[j] += d * hsn[j]; // ∂s/∂h = hs_t
        }
      }
    }
    return { dhs, dh };
  }
}

/** AttentionWeight then WeightSum: hs T × (N×H), h (N×H) → context c (N×H). */
export class Attention {
  readonly params: Matrix[] = [];
  readonly grads: Matrix[] = [];
  private readonly weight = new AttentionWeight();
  private readonly sum = new WeightSum();
  /** The attention weights of the last forward (N×T). */
  attentionWeight: Matrix | null = null;

  private empty: Matrix | null = null; // (N×H) zeros when there is nothing to attend to (Tₑ = 0)

  forward(hs: Matrix[], h: Matrix, mask?: TimeMask): Matrix {
    const a = this.weight.forward(hs, h, mask);
    this.attentionWeight = a;
    this.empty = hs.length === 0 ? zeros(h.rows, h.columns) : null;
    return this.empty ?? this.sum.forward(hs, a); // an empty question gives a zero context
  }

  /** dout (N×H) → dhs T × (N×H), dh (N×H); with `into`, dhs is added to it (see WeightSum.backward). */
  backward(dout: Matrix, into?: Matrix[]): { dhs: Matrix[]; dh: Matrix } {
    if (this.empty !== null) return { dhs: into ?? [], dh: cloneMatrix(this.empty) };
    const { dhs, da } = this.sum.backward(dout, into);
    return { dhs, dh: this.weight.backward(da, dhs).dh }; // hs feeds both branches: both add into dhs
  }
}

/**
 * One Attention per decoder step: hsEnc Tₑ × (N×H), hsDec T_d × (N×H) → contexts T_d × (N×H). While a wasm
 * kernel is active, all steps run at once in float32 (src/layers/wasm-attention.ts); with the TypeScript
 * kernel, the float64 layers above, the reference.
 */
export class TimeAttention {
  readonly params: Matrix[] = [];
  readonly grads: Matrix[] = [];
  private layers: Attention[] = [];
  private readonly fast = new WasmTimeAttention();
  /** Whether the last forward ran on the wasm path (then backward does too). */
  private fastUsed = false;
  private encShape: [number, number, number] = [0, 0, 0]; // [Tₑ, N, H]
  /** attentionWeights[t] is (N×Tₑ): decoder step t's weights over encoder positions. */
  attentionWeights: Matrix[] = [];

  forward(hsEnc: Matrix[], hsDec: Matrix[], mask?: TimeMask): Matrix[] {
    this.layers = [];
    this.attentionWeights = [];
    this.encShape = [hsEnc.length, hsEnc[0]?.rows ?? 0, hsEnc[0]?.columns ?? 0];
    this.fastUsed = hsEnc.length > 0 && hsDec.length > 0 && this.fast.ready();
    if (this.fastUsed) {
      const [Te, N, H] = this.encShape;
      expectSeries('TimeAttention.forward', 'hsEnc', hsEnc);
      const [Nd] = expectSeries('TimeAttention.forward', 'hsDec', hsDec, H);
      if (Nd !== N) throw new ShapeError(`TimeAttention.forward: hsDec has ${Nd} rows, hsEnc ${N}`);
      if (mask !== undefined && (mask.length !== Te || mask.some((m) => m.length !== N))) {
        throw new ShapeError(`TimeAttention.forward: mask expected ${Te}×${N} (T×N), got ${mask.length}×${mask[0]?.length ?? 0}`);
      }
      const { cs, weights } = this.fast.forward(hsEnc, hsDec, mask);
      this.attentionWeights = weights;
      return cs;
    }
    return hsDec.map((h) => {
      const layer = new Attention();
      const c = layer.forward(hsEnc, h, mask);
      this.layers.push(layer);
      this.attentionWeights.push(layer.attentionWeight as Matrix);
      return c;
    });
  }

  /** dout T_d × (N×H) → dhsEnc Tₑ × (N×H) (summed over decoder steps), dhsDec T_d × (N×H). */
  backward(dout: Matrix[]): { dhsEnc: Matrix[]; dhsDec: Matrix[] } {
    const steps = this.fastUsed ? this.attentionWeights.length : this.layers.length;
    if (dout.length !== steps) {
      throw new RangeError(`TimeAttention.backward: expected ${steps} time steps of dout, got ${dout.length}`);
    }
    const [Te, N, H] = this.encShape;
    if (this.fastUsed) {
      const [Nd] = expectSeries('TimeAttention.backward', 'dout', dout, H);
      if (Nd !== N) throw new ShapeError(`TimeAttention.backward: dout has ${Nd} rows, expected ${N}`);
      return this.fast.backward(dout);
    }
    const dhsEnc = Array.from({ length: Te }, () => zeros(N, H));
    const dhsDec: Matrix[] = [];
    for (let t = 0; t < dout.length; t++) dhsDec.push(this.layers[t].backward(dout[t], dhsEnc).dh); // every step adds into dhsEnc
    return { dhsEnc, dhsDec };
  }
}
