/**
 * What the three seq2seq models share (book `ch07/seq2seq.py` Seq2seq, which Peeky and Attention
 * subclass there too): config checking, params = encoder's then decoder's, teacher forcing
 * (decoder input ts[:, :-1], targets ts[:, 1:]), the softmax-with-loss, backward, and the encode/step
 * wrappers. A subclass supplies its encoder/decoder pair and three small pieces: `scores`,
 * `initialState`, `next`.
 */
import type { Matrix } from 'ml-matrix';
import type { ModelKind } from '../chat/types';
import { Random } from '../random';
import { TimeSoftmaxWithLoss } from '../layers/softmax';
import { WeightsPin } from '../layers/wasm-layers';
import { checkConfig, checkStep, greedyGenerate, prepareQuestions, teacherForcing } from './common';
import type { DecoderState, ModelConfig, Seq2seqModel, StepResult } from './types';

/** An encoder taking back G, the gradient the decoder hands it (h for simple/peeky, all hs for attention). */
export interface EncoderPart<G> {
  readonly params: Matrix[];
  readonly grads: Matrix[];
  backward(dg: G): void;
}

export interface DecoderPart<G> {
  readonly params: Matrix[];
  readonly grads: Matrix[];
  backward(dscore: Matrix[]): G;
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
  readonly softmax = new TimeSoftmaxWithLoss();
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

  /** Encoder then decoder under teacher forcing: questions, decoder input N×T → scores T × (N×V). */
  protected abstract scores(q: PreparedQuestions, input: number[][]): Matrix[];
  /** The decoder's state before its first step. */
  protected abstract initialState(q: PreparedQuestions): DecoderState;
  /** One decoder step from `state` on `ids`. */
  protected abstract next(state: DecoderState, ids: number[]): StepResult;

  forward(xs: number[][], ts: number[][]): number {
    const q = prepareQuestions(`${this.name}.forward`, xs, this.config);
    const { input, target } = teacherForcing(`${this.name}.forward`, ts, this.config.vocabSize);
    return this.softmax.forward(this.scores(q, input), target);
  }

  backward(dout = 1): void {
    this.encoder.backward(this.decoder.backward(this.softmax.backward(dout)));
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
