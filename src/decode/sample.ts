/**
 * Temperature sampling (book ch. 7.1 `generate` samples from p; here p^(1/τ), renormalised) with a
 * seeded Random, so the same seed gives the same reply. τ → 0 approaches greedy; τ = 0 is greedy.
 */
import { Random } from '../random';
import type { Seq2seqModel } from '../models/types';
import { argmax, walk } from './greedy';
import type { DecodeOptions, DecodeResult } from './types';

export interface SampleOptions extends DecodeOptions {
  /** τ > 0 flattens (τ > 1) or sharpens (τ < 1) the distribution; 0 means greedy. */
  readonly temperature: number;
  readonly rng: Random;
}

/** Draws an index from probs^(1/τ) (renormalised) with one uniform from rng. */
export function sampleIndex(probs: ArrayLike<number>, temperature: number, rng: Random): number {
  if (temperature === 0) return argmax(probs);
  const w = Array.from(probs, (p) => Math.pow(p, 1 / temperature));
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0) || !Number.isFinite(total)) return argmax(probs); // every weight underflowed (tiny τ)
  let u = rng.uniform() * total;
  for (let j = 0; j < w.length; j++) {
    u -= w[j];
    if (u < 0) return j;
  }
  return argmax(w);
}

export function sampleDecode(model: Seq2seqModel, question: number[], options: SampleOptions): DecodeResult {
  const { temperature, rng } = options;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`sampleDecode: temperature must be a finite number ≥ 0, got ${temperature}`);
  }
  return walk(model, question, (p) => sampleIndex(p, temperature, rng), options);
}
