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
  /**
   * The n-best margin: the probability of the chosen token minus the next best's, both renormalised over the
   * allowed tokens, at the first step with a choice (`firstMargin`) and its least over all such steps
   * (`margin`); 1 when no step had a choice.
   */
  readonly margin: number;
  readonly firstMargin: number;
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
  const out = questions.map(() => ({
    answer: -1,
    ids: [] as number[],
    probs: [] as number[],
    logPosterior: 0,
    margin: 1,
    firstMargin: 1,
    branched: false,
    attention: undefined as number[][] | undefined,
  }));
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
      let bestK = 0;
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
            bestK = k;
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
        let second = 0; // exp(second best − best)
        scores.forEach((v, k) => {
          const e = Math.exp(v - bestScore);
          allowed += e;
          if (k !== bestK) second = Math.max(second, e);
        });
        o.logPosterior -= Math.log(allowed);
        const margin = (1 - second) / allowed;
        o.margin = Math.min(o.margin, margin);
        if (!o.branched) o.firstMargin = margin;
        o.branched = true;
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
  return out.map(({ branched: _, ...row }) => row);
}

/**
 * The log-probability of every trained answer (ids without START and END, as in the trie) for one question,
 * teacher-forced and renormalised over the trie's allowed tokens at each branch, as `logPosterior` measures
 * the chosen one. With an empty question (UNK) it is the decoder's prior over the answers.
 */
export function answerLogPosteriors(model: Seq2seqModel, question: readonly number[], trie: TrieNode, answers: readonly (readonly number[])[]): number[] {
  const N = answers.length;
  if (N === 0) return [];
  const targets = answers.map((a) => [...a, END]);
  let state = model.encode(answers.map(() => question.slice()));
  let ids = new Array<number>(N).fill(START);
  const nodes: (TrieNode | undefined)[] = answers.map(() => trie);
  const out = new Array<number>(N).fill(0);
  // a loop, not Math.max(...lengths): one argument per trained answer overflows the stack past ~125,000
  const T = targets.reduce((m, t) => Math.max(m, t.length), 0);
  for (let s = 0; s < T; s++) {
    const r = model.step(state, ids);
    ids = ids.map((_, n) => {
      const node = nodes[n];
      const next = targets[n][s];
      if (node === undefined || next === undefined) return PAD;
      if (node.next.size > 1) {
        const scores = Array.from(node.next.keys(), (id) => r.scoreAt(n, id));
        const top = scores.reduce((m, v) => Math.max(m, v), -Infinity);
        out[n] += r.scoreAt(n, next) - top - Math.log(scores.reduce((m, v) => m + Math.exp(v - top), 0));
      }
      nodes[n] = node.next.get(next);
      return next;
    });
    state = r.state;
  }
  return out;
}
