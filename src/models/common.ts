/**
 * Helpers shared by the seq2seq models: padding masks, the reversed-input option (book ch. 7.3.1) for
 * PAD-padded questions, time slicing of id batches, the book's initialisers, and one-step inference
 * pieces (embedding lookup, affine) used by `step`.
 */
import { Matrix } from 'ml-matrix';
import { matmul, rowsOf, ShapeError } from '../matrix';
import { Random } from '../random';
import { addRowVector, expectIds, randn, zeros } from '../layers/util';
import type { TimeMask } from '../layers/time-lstm';
import { PAD } from './tokens';
import type { DecoderState, ModelConfig, Seq2seqModel, StepResult } from './types';
import { softmax } from '../layers/softmax';

/** mask[t][n] = xs[n][t] is not PAD; undefined when there is no PAD at all (the mask would be a no-op). */
export function paddingMask(xs: number[][]): TimeMask | undefined {
  if (!xs.some((row) => row.includes(PAD))) return undefined;
  const T = xs.length === 0 ? 0 : xs[0].length;
  return Array.from({ length: T }, (_, t) => xs.map((row) => row[t] !== PAD));
}

/**
 * Reverses the real tokens of each row, leaving PAD where it is: [a b c PAD] → [c b a PAD]. Also returns
 * perm[n][k], the position in the original row of the token now at k (reversal is its own inverse).
 */
export function reverseReal(xs: number[][]): { xs: number[][]; perm: number[][] } {
  const out: number[][] = [];
  const perm: number[][] = [];
  for (const row of xs) {
    const real: number[] = [];
    row.forEach((id, t) => {
      if (id !== PAD) real.push(t);
    });
    const p = row.map((_, t) => t);
    const r = row.slice();
    for (let k = 0; k < real.length; k++) {
      r[real[k]] = row[real[real.length - 1 - k]];
      p[real[k]] = real[real.length - 1 - k];
    }
    out.push(r);
    perm.push(p);
  }
  return { xs: out, perm };
}

/** Validates question ids and applies the reverse option: what the encoder reads, and where each came from. */
export function prepareQuestions(where: string, xs: number[][], config: ModelConfig): { xs: number[][]; perm: number[][] } {
  expectIds(where, xs, config.sourceVocabSize ?? config.vocabSize);
  if (config.reverse) return reverseReal(xs);
  return { xs, perm: xs.map((row) => row.map((_, t) => t)) };
}

/** Splits answers into decoder input ts[:, :-1] and targets ts[:, 1:]. */
export function teacherForcing(where: string, ts: number[][], V: number): { input: number[][]; target: number[][] } {
  const [, T] = expectIds(where, ts, V);
  if (ts.length > 0 && T < 2) throw new RangeError(`${where}: answers need at least 2 ids (START and one more), got ${T}`);
  return { input: ts.map((r) => r.slice(0, -1)), target: ts.map((r) => r.slice(1)) };
}

export function checkConfig(where: string, config: ModelConfig): void {
  for (const key of ['vocabSize', 'wordvec', 'hidden'] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${where}: config.${key} must be a positive integer, got ${v}`);
  }
  const s = config.sourceVocabSize;
  if (s !== undefined && !(Number.isInteger(s) && s >= 1)) throw new RangeError(`${where}: config.sourceVocabSize must be a positive integer, got ${s}`);
  if (config.bag !== undefined && typeof config.bag !== 'boolean') throw new RangeError(`${where}: config.bag must be true or false, got ${String(config.bag)}`);
}

/** The book's LSTM init: Wx = randn(I,4H)/√I, Wh = randn(H,4H)/√H, b = 0. */
export function lstmWeights(I: number, H: number, rng: Random): [Matrix, Matrix, Matrix] {
  return [randn(I, 4 * H, 1 / Math.sqrt(I), rng), randn(H, 4 * H, 1 / Math.sqrt(H), rng), zeros(1, 4 * H)];
}

/** A step needs one id per row of the state. */
export function checkStep(where: string, state: DecoderState, ids: number[]): void {
  if (ids.length !== state.h.rows) {
    throw new ShapeError(`${where}: expected ${state.h.rows} ids (one per row of the state), got ${ids.length}`);
  }
}

/** Rows of W for each id: (N) → (N×D). */
export function embedRows(W: Matrix, ids: number[]): Matrix {
  expectIds('embed', [ids], W.rows);
  const out = zeros(ids.length, W.columns);
  const O = rowsOf(out);
  const Wr = rowsOf(W);
  ids.forEach((id, n) => O[n].set(Wr[id]));
  return out;
}

/** x·W + b: (N×I)(I×V) → (N×V). */
export function affineRows(x: Matrix, W: Matrix, b: Matrix): Matrix {
  const out = matmul(x, W, zeros(x.rows, W.columns));
  addRowVector(out, b);
  return out;
}

/** Index of the largest entry of each row (first one on ties). */
export function argmaxRows(m: Matrix): number[] {
  return rowsOf(m).map((row) => {
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
    return best;
  });
}

/** The book's greedy `generate` for a whole batch, through the model's encode/step API. */
export function greedyGenerate(model: Seq2seqModel, xs: number[][], startId: number, sampleSize: number): number[][] {
  let state = model.encode(xs);
  let ids = xs.map(() => startId);
  const out: number[][] = xs.map(() => []);
  for (let s = 0; s < sampleSize; s++) {
    const r = model.step(state, ids);
    ids = argmaxRows(r.probs);
    ids.forEach((id, n) => out[n].push(id));
    state = r.state;
  }
  return out;
}

/**
 * A step's result whose scores (the affine layer x·Wa + ba on the step's affine input) and softmax are
 * computed only when read, once: a constrained decoder whose rows all have one allowed token needs only the
 * new state, and one that needs no probabilities reads single scores (`scoreAt`) for its few allowed tokens.
 */
export function stepResult(affineInput: () => Matrix, Wa: Matrix, ba: Matrix, state: DecoderState, attention?: Matrix): StepResult {
  let input: Matrix | undefined;
  let scores: Matrix | undefined;
  let probs: Matrix | undefined;
  const inputRows = (): Float64Array[] => rowsOf((input ??= affineInput()));
  const W = rowsOf(Wa);
  const b = rowsOf(ba)[0];
  return {
    get scores(): Matrix {
      scores ??= affineRows((input ??= affineInput()), Wa, ba);
      return scores;
    },
    scoreAt(n: number, id: number): number {
      if (scores !== undefined) return rowsOf(scores)[n][id];
      const x = inputRows()[n];
      let sum = b[id];
      for (let k = 0; k < x.length; k++) sum += x[k] * W[k][id]; // (x·Wa)[id], one column of the product
      return sum;
    },
    get probs(): Matrix {
      probs ??= softmax(this.scores);
      return probs;
    },
    state,
    ...(attention ? { attention } : {}),
  };
}
