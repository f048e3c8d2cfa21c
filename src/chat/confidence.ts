/**
 * Confidence: the probability that a reply is the right answer, from what the model and its training pairs
 * say about the question. Not in the book. A seq2seq model trained to answer its pairs exactly answers
 * anything confidently, so its token probabilities alone separate known from unknown questions poorly;
 * these signals together do better:
 * - `posterior`: the decoder's probability of the chosen answer among the trained answers (renormalised at
 *   each branch of the answer trie, src/decode/constrained.ts): does the model hesitate between answers?
 * - `minProb`: the lowest full-softmax probability of a reply token (END included): does any step surprise it?
 * - `coverage`: the share of the question's (IDF-weighted) words that some trained question has: an
 *   off-topic question is mostly words the model never saw.
 * - `similarity`: the IDF-weighted cosine to the closest trained question, and whether that question's
 *   answer is the reply (`agrees`).
 * - `support`: the same cosine to the closest trained question of the reply's own answer: how much the
 *   question's words back this answer, even when a question of another answer is closer.
 * - `answerCoverage`: the share of the question's (IDF-weighted) words that the reply's answer *text* has: a
 *   user often asks with the words of the answer they expect, an off-topic question rarely does. The
 *   strongest single addition measured (bench/results/calibrate.log): it took the threshold's cost on a
 *   domain left out of the fit from 7.1 to 4.3 points (AUROC 0.968 → 0.983).
 * The lexical signals weigh function words a tenth (src/chat/answers.ts `FUNCTION_WORD_FACTOR`), which took
 * that cost from 4.8 to 0.0 points (AUROC 0.983 → 0.996): an off-topic question had looked close to a
 * trained one through "what", "the", の, 教えて alone.
 * They are combined by a logistic regression (scripts/calibrate.ts, `npm run calibrate`): its weights, none
 * below 0 (the confidence never falls when a signal gets better), rank held-out rephrasings answered right
 * above off-topic questions (three domains, every phrasing held out once), then a one-variable logistic
 * regression over all held-out and off-topic replies, right or wrong, scales that score into a probability:
 * about that share of replies at a given confidence were right. In the fit's run (905 held-out and
 * off-topic replies), replies at confidence 0–0.2 were right 1 % of the time, 0.2–0.4: 44 %, 0.4–0.6: 60 %,
 * 0.6–0.8: 75 %, 0.8–1: 94 %.
 *
 * Also reported with a reply, measured and not in the weights (they did not rank rephrasings above off-topic
 * questions better, bench/results/calibrate.log): the n-best `margin`s and the `topicCoverage`.
 */

export interface ConfidenceFeatures {
  readonly posterior: number;
  readonly minProb: number;
  readonly coverage: number;
  readonly similarity: number;
  readonly agrees: boolean;
  /**
   * The IDF-weighted cosine to the closest trained question *of the reply's answer* (0 when none is among the
   * closest): how much the question's words back this answer, even when another answer's question is closer.
   * Absent (older callers): the similarity when it agrees, else 0.
   */
  readonly support?: number;
  /**
   * The n-best margin: the chosen token's probability minus the next best's, renormalised over the allowed
   * tokens, least over the trie's branches (`margin`) and at the first (`firstMargin`). Absent: 1.
   */
  readonly margin?: number;
  readonly firstMargin?: number;
  /**
   * The share of the question's IDF-weighted words that the trained questions of the reply's answer have,
   * all its phrasings together (src/chat/answers.ts `topicCoverage`). Absent: `coverage` when it agrees, else 0.
   */
  readonly topicCoverage?: number;
  /**
   * The share of the question's IDF-weighted words that the reply's answer text has (read as question words;
   * src/chat/answers.ts `answerCoverage`). Absent: 0.
   */
  readonly answerCoverage?: number;
}

/** Logistic-regression weights over featureVector(): bias first (scripts/calibrate.ts, bench/results/calibrate.log). */
export const CONFIDENCE_WEIGHTS: readonly number[] = [-3.34, 0.89, 0.34, 2.39, 0.37, 0.57, 1.98, 5.27];

/**
 * Default threshold: replies below it are "not sure". Chosen on the calibration run (bench/results/calibrate.log,
 * function words weighed a tenth, src/chat/answers.ts) as the lowest that abstains on at least 92 % of the
 * calibration's off-topic questions (90 % is the target; a threshold chosen on two domains abstained on 2–3
 * points fewer in the third in earlier runs): 0.07 abstains on 92.3 % and costs nothing of the right held-out
 * rephrasings (0.05: 90.5 %; 0.1: 94.6 %, also at no cost); trained questions stay 100 % sure up to 0.6.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.07;

export function featureVector(f: ConfidenceFeatures): number[] {
  const lg = (x: number): number => Math.log(Math.max(x, 1e-6));
  return [1, lg(f.posterior), lg(f.minProb), f.coverage, f.similarity, f.agrees ? 1 : 0, f.support ?? (f.agrees ? f.similarity : 0), f.answerCoverage ?? 0];
}

export function confidenceOf(f: ConfidenceFeatures, weights: readonly number[] = CONFIDENCE_WEIGHTS): number {
  const x = featureVector(f);
  let z = 0;
  for (let i = 0; i < x.length; i++) z += weights[i] * x[i];
  return 1 / (1 + Math.exp(-z));
}
