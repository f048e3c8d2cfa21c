/**
 * Beam search for one question (not in the book, which decodes greedily): keep the `beamWidth` most
 * probable partial replies, move those that produce END to the finished list, and rank the finished
 * (and, at maxLength, unfinished) replies by length-normalised log-probability, Σ log p / length, so
 * short replies are not favoured merely for having fewer factors. Width 1 is exactly greedy decoding.
 */
import { rowsOf } from '../matrix';
import { END, START } from '../models/tokens';
import type { DecoderState, Seq2seqModel } from '../models/types';
import { checkMaxLength } from './greedy';
import { DEFAULT_MAX_LENGTH, DecodeOptions, DecodeResult } from './types';

export interface BeamOptions extends DecodeOptions {
  /** Hypotheses kept per step (k ≥ 1). */
  readonly beamWidth: number;
  /** How many replies to return, best first. Default beamWidth. */
  readonly nBest?: number;
}

interface Hypothesis {
  readonly ids: number[];
  readonly probs: number[];
  readonly logp: number;
  readonly attention: number[][];
  readonly state: DecoderState;
  readonly lastId: number;
}

/**
 * The k largest entries' indices, largest first, lower index first on ties. One pass keeping the k best
 * so far in order (O(V) plus an insertion per entry that enters them), not k passes (O(k·V)).
 */
export function topK(p: ArrayLike<number>, k: number): number[] {
  const n = Math.min(k, p.length);
  const picked: number[] = [];
  for (let j = 0; j < p.length; j++) {
    if (picked.length === n && !(p[j] > p[picked[n - 1]])) continue;
    let at = picked.length === n ? n - 1 : picked.length;
    while (at > 0 && p[j] > p[picked[at - 1]]) at--;
    picked.splice(at, 0, j);
    if (picked.length > n) picked.pop();
  }
  return picked;
}

function finish(h: Hypothesis, finished: boolean, withAttention: boolean): DecodeResult {
  const scored = h.ids.length + (finished ? 1 : 0);
  const result: DecodeResult = { ids: h.ids, probs: h.probs, finished, score: scored === 0 ? 0 : h.logp / scored };
  return withAttention ? { ...result, attention: h.attention } : result;
}

/** Returns up to nBest replies, best (highest score) first. */
export function beamSearch(model: Seq2seqModel, question: number[], options: BeamOptions): DecodeResult[] {
  const { beamWidth } = options;
  if (!Number.isInteger(beamWidth) || beamWidth < 1) throw new RangeError(`beamSearch: beamWidth must be an integer ≥ 1, got ${beamWidth}`);
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  checkMaxLength('beamSearch', maxLength);
  const nBest = options.nBest ?? beamWidth;
  const endId = options.endId ?? END;
  const withAttention = model.kind === 'attention';
  let alive: Hypothesis[] = [
    { ids: [], probs: [], logp: 0, attention: [], state: model.encode([question]), lastId: options.startId ?? START },
  ];
  const done: DecodeResult[] = [];
  // Stops once nBest replies have ended (the usual beam-search stop: the hypotheses still open are less
  // likely than the ones that ended before them), or at maxLength.
  for (let length = 0; length < maxLength && alive.length > 0 && done.length < nBest; length++) {
    const candidates: { h: Hypothesis; id: number; p: number; logp: number; state: DecoderState; attention?: number[] }[] = [];
    for (const h of alive) {
      const r = model.step(h.state, [h.lastId]);
      const p = rowsOf(r.probs)[0];
      const attention = r.attention === undefined ? undefined : Array.from(rowsOf(r.attention)[0]);
      for (const id of topK(p, beamWidth)) candidates.push({ h, id, p: p[id], logp: h.logp + Math.log(p[id]), state: r.state, attention });
    }
    candidates.sort((a, b) => b.logp - a.logp); // stable: earlier hypothesis, then likelier token, wins ties
    const next: Hypothesis[] = [];
    for (const c of candidates.slice(0, beamWidth)) {
      const attention = c.attention === undefined ? c.h.attention : [...c.h.attention, c.attention];
      if (c.id === endId) {
        done.push(finish({ ...c.h, logp: c.logp, attention }, true, withAttention));
      } else {
        next.push({ ids: [...c.h.ids, c.id], probs: [...c.h.probs, c.p], logp: c.logp, attention, state: c.state, lastId: c.id });
      }
    }
    alive = next;
  }
  for (const h of alive) done.push(finish(h, false, withAttention));
  return done.sort((a, b) => b.score - a.score).slice(0, nBest);
}
