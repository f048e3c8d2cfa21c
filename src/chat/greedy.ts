/**
 * Batched greedy decoding through the model's `encode`/`step` API (book ch. 7.2.4 `generate`), stopping
 * each row at END. Used for exact-match evaluation during and after training, and for greedy replies.
 */
import { rowsOf } from '../matrix';
import { END, PAD, START } from '../models/tokens';
import type { Seq2seqModel } from '../models/types';

export interface GreedyRow {
  /** Generated ids, END excluded. */
  readonly ids: number[];
  /** Probability of each generated id when it was chosen. */
  readonly probs: number[];
  /** Attention models: weights over the question's positions (reading order) for each generated id. */
  readonly attention?: number[][];
  readonly finished: boolean;
}

/** Length of the longest row (0 for none): a loop, since Math.max(...lengths) overflows the stack past ~125,000 rows. */
export function longestRow(rows: readonly { readonly length: number }[]): number {
  let longest = 0;
  for (const r of rows) if (r.length > longest) longest = r.length;
  return longest;
}

/** Pads rows with PAD to the longest (at least 1). */
export function padRows(rows: readonly (readonly number[])[]): number[][] {
  const T = Math.max(1, longestRow(rows));
  return rows.map((r) => {
    const row = r.slice();
    while (row.length < T) row.push(PAD);
    return row;
  });
}

export function greedyBatch(model: Seq2seqModel, questions: readonly (readonly number[])[], maxLength: number): GreedyRow[] {
  const N = questions.length;
  if (N === 0) return [];
  let state = model.encode(padRows(questions)); // N×Tₑ ids → state (N×H …)
  let ids = new Array<number>(N).fill(START);
  const out = questions.map(() => ({ ids: [] as number[], probs: [] as number[], attention: undefined as number[][] | undefined, finished: false }));
  let open = N;
  for (let s = 0; s < maxLength && open > 0; s++) {
    const r = model.step(state, ids); // probs N×V
    const P = rowsOf(r.probs);
    const A = r.attention ? rowsOf(r.attention) : undefined;
    const next = new Array<number>(N);
    for (let n = 0; n < N; n++) {
      const row = P[n];
      let best = 0;
      for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
      next[n] = best;
      const o = out[n];
      if (o.finished) continue;
      if (best === END) {
        o.finished = true;
        open--;
        continue;
      }
      o.ids.push(best);
      o.probs.push(row[best]);
      if (A) (o.attention ??= []).push(Array.from(A[n].subarray(0, questions[n].length)));
    }
    ids = next.map((id, n) => (out[n].finished ? PAD : id));
    state = r.state;
  }
  return out;
}
