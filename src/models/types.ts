/**
 * The common interface of the three seq2seq models (book ch. 7–8), used by the trainer glue, the
 * decoders in src/decode and by serialisation (which stores `config` and the values of `params`).
 */
import type { Matrix } from 'ml-matrix';
import type { ModelKind } from '../chat/types';
import type { TimeMask } from '../layers/time-lstm';
import type { WeightsPin } from '../layers/wasm-layers';

export interface ModelConfig {
  /** V: number of token ids, special ids 0..3 included. */
  readonly vocabSize: number;
  /**
   * The encoder's vocabulary size when questions use a table of their own (question words, see
   * src/text/analyze.ts); absent = `vocabSize` (one table for both sides, as in the book).
   */
  readonly sourceVocabSize?: number;
  /** D: embedding width (book: wordvec_size). */
  readonly wordvec: number;
  /** H: LSTM hidden width (book: hidden_size). */
  readonly hidden: number;
  /** Book ch. 7.3.1: the model reverses each question's real (non-PAD) tokens itself. */
  readonly reverse: boolean;
  /**
   * Simple and peeky models: the encoder adds a bag of embeddings (the mean of a second question embedding
   * over the question's words) to its last state (src/models/seq2seq.ts `Encoder`). Absent = false.
   */
  readonly bag?: boolean;
}

/**
 * The decoder's state between steps. Immutable: `step` returns a new state and never changes the one
 * it is given, so a beam search can keep one per hypothesis without cloning.
 */
export interface DecoderState {
  readonly h: Matrix; // (N×H)
  readonly c: Matrix; // (N×H)
  /** Peeky: the encoder's final h, fed to every step (N×H). */
  readonly peek?: Matrix;
  /** Attention: the encoder's hidden states, Tₑ × (N×H). */
  readonly encHs?: Matrix[];
  /** Attention: mask[t][n] false where encoder position t of row n is PAD. */
  readonly encMask?: TimeMask;
  /** Attention: perm[n][k] = position in the question (reading order) of encoder position k. */
  readonly perm?: number[][];
  /** The decode this state belongs to (made by `encode`, kept by `step`): its weights are copied to wasm once. */
  readonly pin?: WeightsPin;
}

export interface StepResult {
  /** Softmax over the vocabulary for the next token (N×V), computed from `scores` when first read. */
  readonly probs: Matrix;
  /** The affine layer's scores (N×V) before the softmax: enough for an argmax, at a fraction of the cost. */
  readonly scores: Matrix;
  /** scores[n][id] alone (the same number), without the whole row's product when `scores` was not read. */
  scoreAt(n: number, id: number): number;
  readonly state: DecoderState;
  /** Attention models: weights over the question's positions in reading order (N×Tₑ). */
  readonly attention?: Matrix;
}

export interface Seq2seqModel {
  readonly kind: ModelKind;
  readonly config: ModelConfig;
  /** Fixed order, documented per model (encoder's then decoder's); serialisation relies on it. */
  readonly params: Matrix[];
  readonly grads: Matrix[];
  /** xs: questions N×Tₑ (reading order, PAD-padded), ts: answers N×T_d starting with START → mean loss. */
  forward(xs: number[][], ts: number[][]): number;
  /** Fills `grads` (in place) for the last forward. */
  backward(dout?: number): void;
  /** The book's greedy `generate`: sampleSize ids per row after startId (END is not treated specially). */
  generate(xs: number[][], startId: number, sampleSize: number): number[][];
  /** Encodes questions (reading order) into the decoder's initial state. */
  encode(xs: number[][]): DecoderState;
  /** Feeds one id per row, returns next-token probabilities and the new state. */
  step(state: DecoderState, ids: number[]): StepResult;
}
