/**
 * Question noise for training (not in the book): word dropout as in Iyyer et al. 2015 ("Deep unordered
 * composition rivals syntactic methods", word dropout) and Bowman et al. 2016 (word dropout to UNK).
 * A rephrasing keeps some of a question's words and replaces or drops the others; a model that has seen
 * its questions with words missing answers from the words that remain, and its UNK embedding is trained
 * (without noise UNK never occurs in training, and every unknown word at reply time reads as an untrained
 * vector).
 */
import { UNK } from '../models/tokens';
import type { Random } from '../random';

/**
 * A noisy copy of a question (ids): each token becomes UNK with probability `rate`, or is dropped with
 * probability `rate / 2`; at least one of the original tokens is kept. One-token questions are kept whole.
 */
export function noisyQuestion(ids: readonly number[], rng: Random, rate: number): number[] {
  if (ids.length < 2 || rate <= 0) return ids.slice();
  const out: number[] = [];
  let kept = 0;
  for (const id of ids) {
    const u = rng.uniform();
    if (u < rate) out.push(UNK);
    else if (u < 1.5 * rate) continue;
    else {
      out.push(id);
      kept++;
    }
  }
  if (kept === 0) {
    const k = rng.int(ids.length);
    return [ids[k]];
  }
  return out;
}

/**
 * A keyword copy of a question: each token kept with probability weight[id] / (largest weight in the
 * question), so the rarest word (by document frequency over the trained questions) always stays and common
 * words ("how", "do", "i") mostly go. A rephrasing shares a question's keywords more often than its
 * function words; a model trained on keyword copies answers from them.
 */
export function keywordQuestion(ids: readonly number[], rng: Random, weight: (id: number) => number): number[] {
  if (ids.length < 2) return ids.slice();
  let top = 0;
  for (const id of ids) top = Math.max(top, weight(id));
  const out = ids.filter((id) => weight(id) >= top || rng.uniform() < weight(id) / top);
  return out.length > 0 ? out : ids.slice();
}

/**
 * A short question drawn from an answer's distinctive words (TrainOptions.answerWords): each word kept with
 * probability `size / length` (all of them when there are `size` or fewer), at least one and at most
 * 2 × `size`, in the answer's order. A rephrasing may use an answer's words ("is it ok to bring a cat" for
 * "Dogs and cats are welcome …"); a model trained on such questions reads them as that answer's topic.
 */
export function answerWordsQuestion(ids: readonly number[], rng: Random, size: number): number[] {
  if (ids.length <= size) return ids.slice();
  const p = size / ids.length;
  const out = ids.filter(() => rng.uniform() < p).slice(0, 2 * size);
  return out.length > 0 ? out : [ids[rng.int(ids.length)]];
}
