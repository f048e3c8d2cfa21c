/**
 * Constrained greedy decoding: the book's `generate` (ch. 7.2.3), batched, where each step may only pick
 * a token that continues one of the trained answers (a trie, src/chat/answers.ts). The reply is therefore
 * always one of the answers the model was trained on, spelled by its decoder; the model's full-softmax
 * probabilities are kept for the confidence, and so is the probability renormalised over the allowed
 * tokens (how clearly the model prefers this answer over the other trained ones at each branch).
 */
import { rowsOf } from '../matrix';
import { END, PAD, START } from '../models/tokens';
import type { Seq2seqModel } from '../models/types';
import type { TrieNode } from '../chat/answers';
import { padRows } from '../chat/greedy';

export interface ConstrainedRow {
  /** Index of the trained answer chosen; -1 when the trie had no complete answer in reach (maxLength). */
  readonly answer: number;
  /** Generated ids, END excluded. */
  readonly ids: number[];
  /** Full-softmax probability of each chosen id, END's last. */
  readonly probs: number[];
  /** Σ log (p(chosen) / Σ p(allowed)) over the steps: the log-probability of the answer among trained ones, step by step. */
  readonly logPosterior: number;
  /** Attention models: weights over the question's positions (reading order) for each generated id. */
  readonly attention?: number[][];
}

/**
 * A prior over the trained answers for each question, added to the decoder's scores at each branch of the
 * trie: a branch's score (a logit) gains `weight` × the largest `bonus` of the answers down that branch, so
 * its probability among the allowed tokens is multiplied by exp(weight × bonus). An answer without a bonus
 * gains nothing.
 */
export interface AnswerPrior {
  /** For each question of the batch: answer index → bonus (e.g. a similarity in [0, 1]); a few answers each. */
  readonly bonus: readonly ReadonlyMap<number, number>[];
  readonly weight: number;
  /** The token ids of each answer (END excluded), as the trie was built from. */
  readonly answers: readonly (readonly number[])[];
}

/**
 * Decodes every question (ids in reading order) to one of the trie's answers. `probabilities` false skips
 * the full softmax (`probs` then stays empty): choosing among the allowed tokens needs only their scores.
 */
export function constrainedBatch(
  model: Seq2seqModel,
  questions: readonly (readonly number[])[],
  trie: TrieNode,
  maxLength: number,
  probabilities = true,
  prior?: AnswerPrior,
): ConstrainedRow[] {
  const N = questions.length;
  if (N === 0) return [];
  let state = model.encode(padRows(questions)); // N×Tₑ ids → state
  let ids = new Array<number>(N).fill(START);
  const nodes: (TrieNode | null)[] = new Array<TrieNode | null>(N).fill(trie);
  // Per row, the answers with a bonus whose ids begin with the reply so far (the ones down the current node).
  const alive = questions.map((_, n) => [...(prior?.bonus[n] ?? new Map<number, number>())]);
  const out = questions.map(() => ({ answer: -1, ids: [] as number[], probs: [] as number[], logPosterior: 0, attention: undefined as number[][] | undefined }));
  let open = N;
  for (let s = 0; s <= maxLength && open > 0; s++) {
    const r = model.step(state, ids); // scores N×V, computed below only if some row has a choice to make
    // The whole score matrix when probabilities are wanted; otherwise single scores of the allowed tokens
    // (r.scoreAt), which is all a choice among a few tokens needs.
    const S = probabilities ? rowsOf(r.scores) : undefined;
    const P = probabilities ? rowsOf(r.probs) : undefined;
    const A = r.attention ? rowsOf(r.attention) : undefined;
    const nextIds = ids.slice();
    for (let n = 0; n < N; n++) {
      const node = nodes[n];
      if (node === null) {
        nextIds[n] = PAD;
        continue;
      }
      const row = S?.[n];
      const choice = node.next.size > 1;
      let best = -1;
      let bestScore = -Infinity;
      let scores: number[] = [];
      if (!choice) best = node.next.keys().next().value ?? -1;
      else {
        scores = Array.from(node.next.keys(), (id) => (row !== undefined ? row[id] : r.scoreAt(n, id)));
        if (prior !== undefined && alive[n].length > 0 && prior.weight !== 0) {
          // The largest bonus down each branch: an answer's next id (END when it ends here) names its branch.
          const branch = new Map<number, number>();
          for (const [a, b] of alive[n]) {
            const next = prior.answers[a][s] ?? END;
            branch.set(next, Math.max(branch.get(next) ?? 0, b));
          }
          let k = 0;
          for (const id of node.next.keys()) scores[k++] += prior.weight * (branch.get(id) ?? 0);
        }
        let k = 0;
        for (const id of node.next.keys()) {
          if (best < 0 || scores[k] > bestScore) {
            best = id;
            bestScore = scores[k];
          }
          k++;
        }
      }
      const o = out[n];
      if (best < 0 || (s === maxLength && best !== END)) {
        nodes[n] = null; // no complete answer within maxLength
        open--;
        nextIds[n] = PAD;
        continue;
      }
      // log softmax over the allowed tokens' scores, shifted by the largest for stability
      if (choice) {
        let allowed = 0;
        for (const v of scores) allowed += Math.exp(v - bestScore);
        o.logPosterior -= Math.log(allowed);
      }
      if (P) o.probs.push(P[n][best]);
      if (A) (o.attention ??= []).push(Array.from(A[n].subarray(0, questions[n].length)));
      const child = node.next.get(best) as TrieNode;
      if (alive[n].length > 0) alive[n] = alive[n].filter(([a]) => (prior?.answers[a][s] ?? END) === best);
      if (best === END) {
        o.answer = child.answer ?? -1;
        nodes[n] = null;
        open--;
        nextIds[n] = PAD;
        continue;
      }
      o.ids.push(best);
      nodes[n] = child;
      nextIds[n] = best;
    }
    ids = nextIds;
    state = r.state;
  }
  return out;
}

