/**
 * How close a question is to the trained questions *in the encoder's space*: the cosine between the state the
 * encoder leaves for the decoder (its last h, with the bag of embeddings added when the model has one; the
 * vector the peeky decoder reads at every step, book ch. 7.4.2) and the same state of every trained question.
 * Measured as a signal of the confidence (src/chat/confidence.ts) by scripts/calibrate.ts --compare, and not
 * kept: with the current model (peeky with the bag of embeddings) it does not rank rephrasings answered right
 * above off-topic questions better than the lexical signals (bench/results/calibrate.log). It stays here so
 * that the comparison can be rerun after a change of the model; replies do not compute it.
 */
import { rowsOf } from '../matrix';
import { UNK } from '../models/tokens';
import type { Seq2seqModel } from '../models/types';
import { padRows } from './greedy';

/** Questions encoded together in one pass. */
const BATCH = 64;

/** The encoder's states of a batch of questions (ids in reading order), one row each. */
export function encodeStates(engine: Seq2seqModel, questions: readonly (readonly number[])[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (let s = 0; s < questions.length; s += BATCH) {
    const batch = questions.slice(s, s + BATCH).map((q) => (q.length > 0 ? q : [UNK]));
    for (const row of rowsOf(engine.encode(padRows(batch)).h)) out.push(Float64Array.from(row)); // N×H
  }
  return out;
}

export interface EncoderCloseness {
  /** The cosine to the closest trained question (−1…1; 0 when there is none). */
  readonly similarity: number;
  /** The cosine to the closest trained question of `answer` (0 when it has none). */
  readonly support: number;
  /** The cosine to the mean of the unit states of `answer`'s trained questions (0 when it has none). */
  readonly centroid: number;
}

/** The trained questions' encoder states, unit length, with the answer of each. */
export class EncodedQuestions {
  private readonly units: Float64Array[];
  /** Per answer, the mean of its questions' unit states, unit length. */
  private readonly centroids: Float64Array[] = [];

  constructor(states: readonly Float64Array[], private readonly answers: readonly number[]) {
    if (states.length !== answers.length) throw new RangeError(`EncodedQuestions: expected one answer per state, got ${answers.length} for ${states.length}`);
    this.units = states.map(unit);
    this.units.forEach((u, q) => {
      const c = (this.centroids[answers[q]] ??= new Float64Array(u.length));
      for (let i = 0; i < u.length; i++) c[i] += u[i];
    });
    this.centroids.forEach((c, a) => (this.centroids[a] = unit(c)));
  }

  get size(): number {
    return this.units.length;
  }

  /** How close `state` (a question's encoder state) is to the trained questions, and to those of `answer`. */
  closeness(state: Float64Array, answer: number): EncoderCloseness {
    const u = unit(state);
    let similarity = -Infinity;
    let support = -Infinity;
    this.units.forEach((v, q) => {
      const d = dot(u, v);
      if (d > similarity) similarity = d;
      if (this.answers[q] === answer && d > support) support = d;
    });
    const c = this.centroids[answer] as Float64Array | undefined;
    return { similarity: Number.isFinite(similarity) ? similarity : 0, support: Number.isFinite(support) ? support : 0, centroid: c === undefined ? 0 : dot(u, c) };
  }
}

function dot(u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
}

function unit(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  return n > 0 ? v.map((x) => x / n) : new Float64Array(v.length);
}
