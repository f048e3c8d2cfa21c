/**
 * What the three seq2seq models share (book `ch07/seq2seq.py` Seq2seq, which Peeky and Attention
 * subclass there too): config checking, params = encoder's then decoder's, teacher forcing
 * (decoder input ts[:, :-1], targets ts[:, 1:]), backward, and the encode/step wrappers. A subclass
 * supplies its encoder/decoder pair and three small pieces: `loss`, `initialState`, `next`. The decoders
 * end in the softmax-with-loss (TimeAffineWithLoss), so that the float32 path fuses it with the affine layer.
 */
import type { Matrix } from 'ml-matrix';
import type { ModelKind } from '../chat/types';
import { Random } from '../random';
import { WeightsPin } from '../layers/wasm-layers';
import { checkConfig, checkStep, greedyGenerate, prepareQuestions, teacherForcing } from './common';
import type { DecoderState, ModelConfig, Seq2seqModel, StepResult } from './types';

/** An encoder taking back G, the gradient the decoder hands it (h for simple/peeky, all hs for attention). */
export interface EncoderPart<G> {
  readonly params: Matrix[];
  readonly grads: Matrix[];
  backward(dg: G): void;
}

/** A decoder whose forward ends in the loss: backward takes the loss's gradient (1 in training). */
export interface DecoderPart<G> {
  readonly params: Matrix[];
  readonly grads: Matrix[];
  backward(dout: number): G;
}

/** Questions as the encoder reads them (validated, reversed if asked) and where each token came from. */
export interface PreparedQuestions {
  readonly xs: number[][];
  readonly perm: number[][];
}

export abstract class Seq2seqBase<G, E extends EncoderPart<G>, D extends DecoderPart<G>> implements Seq2seqModel {
  abstract readonly kind: ModelKind;
  readonly config: ModelConfig;
  readonly encoder: E;
  readonly decoder: D;
  /** Encoder's params, then decoder's (see each model's file header for the list). */
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;

  protected constructor(
    private readonly name: string,
    config: ModelConfig,
    rng: Random,
    build: (V: number, D: number, H: number, rng: Random, sourceV: number) => [E, D],
  ) {
    checkConfig(name, config);
    this.config = { ...config };
    [this.encoder, this.decoder] = build(config.vocabSize, config.wordvec, config.hidden, rng, config.sourceVocabSize ?? config.vocabSize);
    this.params = [...this.encoder.params, ...this.decoder.params];
  }

  /** Collected on first use (the layers allocate theirs lazily). */
  get grads(): Matrix[] {
    return (this.gradsCache ??= [...this.encoder.grads, ...this.decoder.grads]);
  }

  /** Encoder then decoder under teacher forcing: questions, decoder input and targets N×T → mean loss over non-PAD targets. */
  protected abstract loss(q: PreparedQuestions, input: number[][], target: number[][]): number;
  /** The decoder's state before its first step. */
  protected abstract initialState(q: PreparedQuestions): DecoderState;
  /** One decoder step from `state` on `ids`. */
  protected abstract next(state: DecoderState, ids: number[]): StepResult;

  forward(xs: number[][], ts: number[][]): number {
    const q = prepareQuestions(`${this.name}.forward`, xs, this.config);
    const { input, target } = teacherForcing(`${this.name}.forward`, ts, this.config.vocabSize);
    return this.loss(q, input, target);
  }

  backward(dout = 1): void {
    this.encoder.backward(this.decoder.backward(dout));
  }

  generate(xs: number[][], startId: number, sampleSize: number): number[][] {
    return greedyGenerate(this, xs, startId, sampleSize);
  }

  encode(xs: number[][]): DecoderState {
    return { ...this.initialState(prepareQuestions(`${this.name}.encode`, xs, this.config)), pin: new WeightsPin() };
  }

  step(state: DecoderState, ids: number[]): StepResult {
    checkStep(`${this.name}.step`, state, ids);
    return this.next(state, ids);
  }
}
