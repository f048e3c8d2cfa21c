/**
 * AttentionEncoder, AttentionDecoder, AttentionSeq2seq (book ch. 8.2, `ch08/attention_seq2seq.py`).
 *
 * The encoder hands all its hidden states to the decoder; each decoder step attends over them and the
 * affine layer reads (context, h) concatenated, in the book's order. PAD positions of the question get
 * zero attention (mask) and, as in Encoder, carry the state, so encHs[Tₑ−1] is the state after the last
 * real token and starts the decoder.
 *
 * Params order: encoder [embed.W (V×D), Wx (D×4H), Wh (H×4H), b (1×4H)], then decoder
 * [embed.W (V×D), Wx (D×4H), Wh (H×4H), b (1×4H), affine.W (2H×V), affine.b (1×V)].
 */
import { Matrix } from 'ml-matrix';
import { rowsOf } from '../matrix';
import { Random } from '../random';
import { lstmDecodeStep } from '../layers/lstm';
import type { WeightsPin } from '../layers/wasm-layers';
import { TimeLSTM, TimeMask } from '../layers/time-lstm';
import { TimeEmbedding } from '../layers/embedding';
import { TimeAffine } from '../layers/affine';
import { TimeAffineWithLoss } from '../layers/affine-loss';
import { Attention, TimeAttention } from '../layers/attention';
import { addInPlace, hconcat, randn, zeros } from '../layers/util';
import { affineRows, argmaxRows, embedRows, lstmWeights, paddingMask, stepResult } from './common';
import { type PreparedQuestions, Seq2seqBase } from './base';
import { Encoder } from './seq2seq';
import type { DecoderState, ModelConfig, StepResult } from './types';

/** The Encoder, returning every hidden state: ids N×Tₑ → Tₑ × (N×H). */
export class AttentionEncoder {
  private readonly base: Encoder;
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;

  constructor(V: number, D: number, H: number, rng: Random) {
    this.base = new Encoder(V, D, H, rng);
    this.params = this.base.params;
  }

  /** Collected on first use (the layers allocate theirs lazily). */
  get grads(): Matrix[] {
    return (this.gradsCache ??= this.base.grads);
  }

  forward(xs: number[][]): Matrix[] {
    return this.base.forwardAll(xs);
  }

  backward(dhs: Matrix[]): void {
    this.base.backwardAll(dhs);
  }
}

export class AttentionDecoder {
  readonly embed: TimeEmbedding;
  readonly lstm: TimeLSTM;
  readonly attention = new TimeAttention();
  readonly affine: TimeAffine;
  /** The affine layer with the softmax-with-loss after it (training); its input blocks are (contexts, hs). */
  readonly head: TimeAffineWithLoss;
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;
  private readonly H: number;
  private Te = 0;

  constructor(V: number, D: number, H: number, rng: Random) {
    this.H = H;
    this.embed = new TimeEmbedding(randn(V, D, 1 / 100, rng));
    const [Wx, Wh, b] = lstmWeights(D, H, rng);
    this.lstm = new TimeLSTM(Wx, Wh, b, true);
    this.affine = new TimeAffine(randn(2 * H, V, 1 / Math.sqrt(2 * H), rng), zeros(1, V));
    this.head = new TimeAffineWithLoss(this.affine);
    const layers = [this.embed, this.lstm, this.attention, this.affine];
    this.params = layers.flatMap((l) => l.params);
  }

  /** Collected on first use (the layers allocate theirs lazily). */
  get grads(): Matrix[] {
    return (this.gradsCache ??= [this.embed, this.lstm, this.attention, this.affine].flatMap((l) => l.grads));
  }

  /** xs: N×T ids, ts: N×T targets, encHs Tₑ × (N×H), mask over encoder positions → the mean loss over non-PAD targets. */
  forward(xs: number[][], ts: number[][], encHs: Matrix[], mask?: TimeMask): number {
    this.Te = encHs.length;
    const h = encHs.length > 0 ? encHs[encHs.length - 1] : zeros(xs.length, this.H);
    this.lstm.setState(h);
    const decHs = this.lstm.forwardEmbedded(this.embed, xs); // N×T ids → T × (N×D) → T × (N×H)
    const cs = this.attention.forward(encHs, decHs, mask); // → T × (N×H)
    return this.head.forward([cs, decHs], ts); // inputs [c_t, h_t]: T × (N×2H) → T × (N×V) scores → loss
  }

  /** dout (the loss's gradient) → dEncHs Tₑ × (N×H). */
  backward(dout = 1): Matrix[] {
    const [dcs, ddec] = this.head.backward(dout).dxs; // T × (N×H) each
    const { dhsEnc, dhsDec } = this.attention.backward(dcs);
    ddec.forEach((d, t) => addInPlace(d, dhsDec[t])); // dec_hs feeds both the attention and the affine layer
    this.lstm.backwardEmbedded(ddec); // and the embedding's gradient
    if (this.Te > 0 && this.lstm.dh !== null) addInPlace(dhsEnc[this.Te - 1], this.lstm.dh); // last enc h started the LSTM
    return dhsEnc;
  }

  /** One step: ids (N) → scores (N×V), attention weights (N×Tₑ, encoder order), next state. */
  stepScores(ids: number[], encHs: Matrix[], mask: TimeMask | undefined, h: Matrix, c: Matrix, pin?: WeightsPin): { scores: Matrix; input: Matrix; weights: Matrix; h: Matrix; c: Matrix } {
    const [W, Wx, Wh, b, Wa, ba] = this.params;
    const next = lstmDecodeStep(embedRows(W, ids), h, c, Wx, Wh, b, pin); // (N×D) → (N×H)
    const attention = new Attention();
    const ctx = attention.forward(encHs, next.h, mask); // (N×H)
    return {
      get input(): Matrix {
        return hconcat(ctx, next.h); // the affine layer's input (N×2H)
      },
      get scores(): Matrix {
        return affineRows(this.input, Wa, ba); // (N×2H) → (N×V), computed when read
      },
      weights: attention.attentionWeight as Matrix,
      h: next.h,
      c: next.c,
    };
  }
}

/** Maps attention over encoder positions back to question positions: out[n][perm[n][k]] = a[n][k]. */
function toReadingOrder(a: Matrix, perm: number[][]): Matrix {
  const out = zeros(a.rows, a.columns);
  const A = rowsOf(a);
  const O = rowsOf(out);
  for (let n = 0; n < a.rows; n++) for (let k = 0; k < a.columns; k++) O[n][perm[n][k]] = A[n][k];
  return out;
}

export class AttentionSeq2seq extends Seq2seqBase<Matrix[], AttentionEncoder, AttentionDecoder> {
  readonly kind = 'attention' as const;
  /**
   * The attention weights of the last forward or generate: one (N×Tₑ) matrix per answer step, over the
   * question's positions in reading order (the reverse option already undone).
   */
  attentionWeights: Matrix[] = [];

  constructor(config: ModelConfig, rng: Random) {
    if (config.bag === true) throw new RangeError('AttentionSeq2seq: config.bag is for the simple and peeky models (attention reads every encoder state)');
    super('AttentionSeq2seq', config, rng, (V, D, H, r, Vs) => [new AttentionEncoder(Vs, D, H, r), new AttentionDecoder(V, D, H, r)]);
  }

  protected loss(q: PreparedQuestions, input: number[][], target: number[][]): number {
    const encHs = this.encoder.forward(q.xs); // Tₑ × (N×H)
    const loss = this.decoder.forward(input, target, encHs, paddingMask(q.xs));
    this.attentionWeights = this.decoder.attention.attentionWeights.map((a) => toReadingOrder(a, q.perm));
    return loss;
  }

  override generate(xs: number[][], startId: number, sampleSize: number): number[][] {
    let state = this.encode(xs);
    let ids = xs.map(() => startId);
    const out: number[][] = xs.map(() => []);
    this.attentionWeights = [];
    for (let s = 0; s < sampleSize; s++) {
      const r = this.step(state, ids);
      ids = argmaxRows(r.probs);
      ids.forEach((id, n) => out[n].push(id));
      if (r.attention !== undefined) this.attentionWeights.push(r.attention);
      state = r.state;
    }
    return out;
  }

  protected initialState(q: PreparedQuestions): DecoderState {
    const encHs = this.encoder.forward(q.xs);
    const H = this.config.hidden;
    const h = encHs.length > 0 ? encHs[encHs.length - 1] : zeros(q.xs.length, H);
    return { h, c: zeros(h.rows, H), encHs, encMask: paddingMask(q.xs), perm: q.perm };
  }

  protected next(state: DecoderState, ids: number[]): StepResult {
    const encHs = state.encHs ?? [];
    const perm = state.perm ?? state.h.to2DArray().map(() => encHs.map((_, k) => k));
    const r = this.decoder.stepScores(ids, encHs, state.encMask, state.h, state.c, state.pin);
    const next = { h: r.h, c: r.c, encHs, encMask: state.encMask, perm, pin: state.pin };
    return stepResult(() => r.input, this.decoder.params[4], this.decoder.params[5], next, toReadingOrder(r.weights, perm));
  }
}
