/**
 * PeekyDecoder and PeekySeq2seq (book ch. 7.4.2, `ch07/peeky_seq2seq.py`): the encoder's final h is
 * concatenated to the decoder's input at every step and to the affine layer's input, so the whole
 * decoder "peeks" at the question's summary, not only its first LSTM step.
 *
 * Params order: encoder [embed.W (V×D), Wx (D×4H), Wh (H×4H), b (1×4H)], then decoder
 * [embed.W (V×D), Wx ((H+D)×4H), Wh (H×4H), b (1×4H), affine.W (2H×V), affine.b (1×V)].
 * Concatenation order is (h, x) for the LSTM and (h, hs) for the affine layer, as in the book.
 */
import { Matrix } from 'ml-matrix';
import { Random } from '../random';
import { lstmDecodeStep } from '../layers/lstm';
import type { WeightsPin } from '../layers/wasm-layers';
import { TimeLSTM } from '../layers/time-lstm';
import { TimeEmbedding } from '../layers/embedding';
import { TimeAffine } from '../layers/affine';
import { TimeAffineWithLoss } from '../layers/affine-loss';
import { addInPlace, hconcat, randn, zeros } from '../layers/util';
import { affineRows, embedRows, lstmWeights, stepResult } from './common';
import { type PreparedQuestions, Seq2seqBase } from './base';
import { Encoder } from './seq2seq';
import type { DecoderState, ModelConfig, StepResult } from './types';

export class PeekyDecoder {
  readonly embed: TimeEmbedding;
  readonly lstm: TimeLSTM;
  readonly affine: TimeAffine;
  /** The affine layer with the softmax-with-loss after it (training). */
  readonly head: TimeAffineWithLoss;
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;
  private readonly H: number;

  constructor(V: number, D: number, H: number, rng: Random) {
    this.H = H;
    this.embed = new TimeEmbedding(randn(V, D, 1 / 100, rng));
    const [Wx, Wh, b] = lstmWeights(H + D, H, rng);
    this.lstm = new TimeLSTM(Wx, Wh, b, true);
    this.affine = new TimeAffine(randn(2 * H, V, 1 / Math.sqrt(2 * H), rng), zeros(1, V));
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
    const hs = this.lstm.forwardEmbedded(this.embed, xs, undefined, h); // inputs [h, embed(x_t)]: T × (N×(H+D)) → T × (N×H)
    return this.head.forward([hs], ts, h); // inputs [h, hs_t]: T × (N×2H) → T × (N×V) scores → loss
  }

  /** dout (the loss's gradient) → dh (N×H): the initial-state gradient plus every step's peek gradient. */
  backward(dout = 1): Matrix {
    const H = this.H;
    const { dxs: [dhs], dpeek } = this.head.backward(dout); // T × (N×H), and the peek's share (N×H)
    const dh = zeros(dhs[0]?.rows ?? 0, H);
    if (dpeek !== null && dhs.length > 0) addInPlace(dh, dpeek); // h fed every step: gradients add up
    this.lstm.backwardEmbedded(dhs); // and the embedding's gradient; the peek's share is lstm.dpeek
    if (this.lstm.dpeek !== null) addInPlace(dh, this.lstm.dpeek);
    if (this.lstm.dh !== null && dhs.length > 0) addInPlace(dh, this.lstm.dh);
    return dh;
  }

  /** One step with the peeked h: ids (N) → scores (N×V) and the next state. */
  stepScores(ids: number[], peek: Matrix, h: Matrix, c: Matrix, pin?: WeightsPin): { scores: Matrix; input: Matrix; h: Matrix; c: Matrix } {
    const [W, Wx, Wh, b, Wa, ba] = this.params;
    const x = hconcat(peek, embedRows(W, ids)); // (N×(H+D))
    const next = lstmDecodeStep(x, h, c, Wx, Wh, b, pin);
    return {
      get input(): Matrix {
        return hconcat(peek, next.h); // the affine layer's input (N×2H)
      },
      get scores(): Matrix {
        return affineRows(this.input, Wa, ba); // (N×2H) → (N×V), computed when read
      },
      h: next.h,
      c: next.c,
    };
  }
}

export class PeekySeq2seq extends Seq2seqBase<Matrix, Encoder, PeekyDecoder> {
  readonly kind = 'peeky' as const;

  constructor(config: ModelConfig, rng: Random) {
    super('PeekySeq2seq', config, rng, (V, D, H, r, Vs) => [new Encoder(Vs, D, H, r, config.bag === true), new PeekyDecoder(V, D, H, r)]);
  }

  protected loss(q: PreparedQuestions, input: number[][], target: number[][]): number {
    return this.decoder.forward(input, target, this.encoder.forward(q.xs));
  }

  protected initialState(q: PreparedQuestions): DecoderState {
    const h = this.encoder.forward(q.xs);
    return { h, c: zeros(h.rows, h.columns), peek: h };
  }

  protected next(state: DecoderState, ids: number[]): StepResult {
    const peek = state.peek ?? state.h;
    const r = this.decoder.stepScores(ids, peek, state.h, state.c, state.pin);
    return stepResult(() => r.input, this.decoder.params[4], this.decoder.params[5], { h: r.h, c: r.c, peek, pin: state.pin });
  }
}
