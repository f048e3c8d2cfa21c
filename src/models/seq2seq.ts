/**
 * Encoder, Decoder, Seq2seq (book ch. 7.2–7.3, `ch07/seq2seq.py`).
 *
 * Additions for variable-length dialog data: the encoder masks PAD (state carried through, see TimeLSTM),
 * so "the last hidden state" is the state after each row's last real token; the reverse option reverses
 * real tokens inside the model; PAD targets add no loss.
 *
 * Params order (serialisation relies on it):
 *   encoder: [embed.W (V×D), lstm.Wx (D×4H), lstm.Wh (H×4H), lstm.b (1×4H)], then bag.B (V×H) when `bag` is on
 *   decoder: [embed.W (V×D), lstm.Wx (D×4H), lstm.Wh (H×4H), lstm.b (1×4H), affine.W (H×V), affine.b (1×V)]
 */
import { Matrix } from 'ml-matrix';
import { Random } from '../random';
import { lstmDecodeStep } from '../layers/lstm';
import type { WeightsPin } from '../layers/wasm-layers';
import { TimeLSTM } from '../layers/time-lstm';
import { TimeEmbedding } from '../layers/embedding';
import { TimeAffine } from '../layers/affine';
import { TimeAffineWithLoss } from '../layers/affine-loss';
import { fill, randn, zeros } from '../layers/util';
import { rowsOf } from '../matrix';
import { affineRows, argmaxRows, embedRows, lstmWeights, paddingMask, stepResult } from './common';
import { PAD } from './tokens';
import { type PreparedQuestions, Seq2seqBase } from './base';
import type { DecoderState, ModelConfig, StepResult } from './types';

export class Encoder {
  readonly embed: TimeEmbedding;
  readonly lstm: TimeLSTM;
  readonly params: Matrix[];
  /**
   * A bag of embeddings (V×H; the deep averaging network of Iyyer et al. 2015): the mean of its rows over
   * the question's real tokens is added to the LSTM's last state, so the decoder sees the question's words
   * whatever their order. Null when the model is built without it (the book's encoder).
   */
  readonly bag: Matrix | null;
  private gradsCache: Matrix[] | undefined;
  /** Time steps of the last forward. */
  private steps = 0;
  private xs: number[][] = [];

  constructor(V: number, D: number, H: number, rng: Random, bag = false) {
    this.embed = new TimeEmbedding(randn(V, D, 1 / 100, rng));
    const [Wx, Wh, b] = lstmWeights(D, H, rng);
    this.lstm = new TimeLSTM(Wx, Wh, b, false);
    this.lstm.initialGrad = false; // it starts from h = 0 every forward; nothing reads the gradient for it
    this.bag = bag ? randn(V, H, 1 / 100, rng) : null;
    this.params = [...this.embed.params, ...this.lstm.params, ...(this.bag ? [this.bag] : [])];
  }

  /** Collected on first use (the layers allocate theirs lazily). */
  get grads(): Matrix[] {
    return (this.gradsCache ??= [...this.embed.grads, ...this.lstm.grads, ...(this.bag ? [zeros(this.bag.rows, this.bag.columns)] : [])]);
  }

  /** All hidden states, Tₑ × (N×H); PAD positions carry the previous state. */
  forwardAll(xs: number[][]): Matrix[] {
    const hs = this.lstm.forwardEmbedded(this.embed, xs, paddingMask(xs)); // N×T ids → T × (N×D) → T × (N×H)
    this.steps = hs.length;
    return hs;
  }

  /** The hidden state after each row's last real token (N×H), plus the bag's mean when the model has one. */
  forward(xs: number[][]): Matrix {
    const H = this.lstm.hiddenSize;
    const last = this.lstm.forwardEmbeddedLast(this.embed, xs, paddingMask(xs)) ?? zeros(xs.length, H); // only the last of the T states is read
    this.steps = xs.length === 0 ? 0 : xs[0].length;
    if (!this.bag) return last;
    this.xs = xs;
    const out = last.clone();
    const O = rowsOf(out);
    const B = rowsOf(this.bag);
    xs.forEach((row, n) => {
      const real = row.filter((id) => id !== PAD);
      for (const id of real) {
        const b = B[id];
        for (let j = 0; j < H; j++) O[n][j] += b[j] / real.length;
      }
    });
    return out;
  }

  backwardAll(dhs: Matrix[]): void {
    this.lstm.backwardEmbedded(dhs); // and the embedding's gradient
  }

  /** dh (N×H) goes to the last step only, and to the bag's rows of the question's tokens (dh / count each). */
  backward(dh: Matrix): void {
    const T = this.steps;
    if (this.bag) this.bagBackward(dh);
    const zero = zeros(dh.rows, dh.columns); // one read-only zero for every earlier step
    const dhs = Array.from({ length: T }, (_, t) => (t === T - 1 ? dh : zero));
    this.backwardAll(dhs);
  }

  private bagBackward(dh: Matrix): void {
    const dB = this.grads[this.grads.length - 1];
    fill(dB, 0);
    const G = rowsOf(dB);
    const D = rowsOf(dh);
    this.xs.forEach((row, n) => {
      const real = row.filter((id) => id !== PAD);
      for (const id of real) for (let j = 0; j < D[n].length; j++) G[id][j] += D[n][j] / real.length;
    });
  }
}

export class Decoder {
  readonly embed: TimeEmbedding;
  readonly lstm: TimeLSTM;
  readonly affine: TimeAffine;
  /** The affine layer with the softmax-with-loss after it (training). */
  readonly head: TimeAffineWithLoss;
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;

  constructor(V: number, D: number, H: number, rng: Random) {
    this.embed = new TimeEmbedding(randn(V, D, 1 / 100, rng));
    const [Wx, Wh, b] = lstmWeights(D, H, rng);
    this.lstm = new TimeLSTM(Wx, Wh, b, true);
    this.affine = new TimeAffine(randn(H, V, 1 / Math.sqrt(H), rng), zeros(1, V));
    this.head = new TimeAffineWithLoss(this.affine);
    const layers = [this.embed, this.lstm, this.affine];
    this.params = layers.flatMap((l) => l.params);
  }

  /** Collected on first use (the layers allocate theirs lazily). */
  get grads(): Matrix[] {
    return (this.gradsCache ??= [this.embed, this.lstm, this.affine].flatMap((l) => l.grads));
  }

  /** xs: N×T ids, ts: N×T targets, h (N×H) → the mean loss over non-PAD targets. */
  forward(xs: number[][], ts: number[][], h: Matrix): number {
    this.lstm.setState(h);
    const hs = this.lstm.forwardEmbedded(this.embed, xs); // N×T ids → T × (N×D) → T × (N×H)
    return this.head.forward([hs], ts); // → T × (N×V) scores → loss
  }

  /** dout (the loss's gradient) → dh (N×H), the gradient for the encoder's last state. */
  backward(dout = 1): Matrix {
    const [dhs] = this.head.backward(dout).dxs; // T × (N×H)
    this.lstm.backwardEmbedded(dhs);
    return this.lstm.dh as Matrix;
  }

  /** One step: ids (N), state → scores (N×V) and the next state. */
  stepScores(ids: number[], h: Matrix, c: Matrix, pin?: WeightsPin): { scores: Matrix; input: Matrix; h: Matrix; c: Matrix } {
    const [W, Wx, Wh, b, Wa, ba] = this.params;
    const x = embedRows(W, ids); // (N×D)
    const next = lstmDecodeStep(x, h, c, Wx, Wh, b, pin); // → (N×H)
    return {
      get input(): Matrix {
        return next.h; // the affine layer's input (N×H)
      },
      get scores(): Matrix {
        return affineRows(this.input, Wa, ba); // → (N×V), computed when read
      },
      h: next.h,
      c: next.c,
    };
  }

  /** The book's greedy generate, for a batch: sampleSize ids per row. */
  generate(h: Matrix, startId: number, sampleSize: number): number[][] {
    let state = { h, c: zeros(h.rows, h.columns) };
    let ids = Array.from({ length: h.rows }, () => startId);
    const out: number[][] = ids.map(() => []);
    for (let s = 0; s < sampleSize; s++) {
      const r = this.stepScores(ids, state.h, state.c);
      ids = argmaxRows(r.scores);
      ids.forEach((id, n) => out[n].push(id));
      state = r;
    }
    return out;
  }
}

export class Seq2seq extends Seq2seqBase<Matrix, Encoder, Decoder> {
  readonly kind = 'simple' as const;

  constructor(config: ModelConfig, rng: Random) {
    super('Seq2seq', config, rng, (V, D, H, r, Vs) => [new Encoder(Vs, D, H, r, config.bag === true), new Decoder(V, D, H, r)]);
  }

  protected loss(q: PreparedQuestions, input: number[][], target: number[][]): number {
    const h = this.encoder.forward(q.xs); // (N×H)
    return this.decoder.forward(input, target, h);
  }

  protected initialState(q: PreparedQuestions): DecoderState {
    const h = this.encoder.forward(q.xs);
    return { h, c: zeros(h.rows, h.columns) };
  }

  protected next(state: DecoderState, ids: number[]): StepResult {
    const r = this.decoder.stepScores(ids, state.h, state.c, state.pin);
    return stepResult(() => r.input, this.decoder.params[4], this.decoder.params[5], { h: r.h, c: r.c, pin: state.pin });
  }
}
