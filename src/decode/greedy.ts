/**
 * Greedy decoding (the book's `generate`, ch. 7.2.3) for one question, stopping at END or maxLength, and
 * the walk shared with temperature sampling: encode once, then feed back each chosen token.
 */
import { rowsOf } from '../matrix';
import { END, START } from '../models/tokens';
import type { Seq2seqModel } from '../models/types';
import { DEFAULT_MAX_LENGTH, DecodeOptions, DecodeResult } from './types';

/** Picks the next id from one row of probabilities. */
export type TokenChooser = (probs: Float64Array) => number;

export function argmax(probs: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < probs.length; j++) if (probs[j] > probs[best]) best = j;
  return best;
}

export function checkMaxLength(where: string, maxLength: number): void {
  if (!Number.isInteger(maxLength) || maxLength < 0) throw new RangeError(`${where}: maxLength must be a non-negative integer, got ${maxLength}`);
}

/** Decodes `question` (ids in reading order, no PAD needed) choosing each token with `choose`. */
export function walk(model: Seq2seqModel, question: number[], choose: TokenChooser, options: DecodeOptions = {}): DecodeResult {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  checkMaxLength('decode', maxLength);
  const endId = options.endId ?? END;
  let state = model.encode([question]);
  let id = options.startId ?? START;
  const ids: number[] = [];
  const probs: number[] = [];
  const attention: number[][] = [];
  let logp = 0;
  let finished = false;
  while (ids.length < maxLength) {
    const r = model.step(state, [id]);
    const p = rowsOf(r.probs)[0];
    id = choose(p);
    logp += Math.log(p[id]);
    if (r.attention !== undefined) attention.push(Array.from(rowsOf(r.attention)[0]));
    state = r.state;
    if (id === endId) {
      finished = true;
      break;
    }
    ids.push(id);
    probs.push(p[id]);
  }
  const scored = ids.length + (finished ? 1 : 0);
  const result: DecodeResult = { ids, probs, finished, score: scored === 0 ? 0 : logp / scored };
  return model.kind === 'attention' ? { ...result, attention } : result;
}

export function greedyDecode(model: Seq2seqModel, question: number[], options: DecodeOptions = {}): DecodeResult {
  return walk(model, question, argmax, options);
}
