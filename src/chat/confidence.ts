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
 * They are combined by a logistic regression whose weights were fitted on held-out rephrasings and
 * off-topic questions of three domains (scripts/calibrate.ts prints the fit), so the output is a
 * probability, not a score: about that share of replies at a given confidence were right. In the fit's
 * own run (362 held-out and off-topic replies), replies with confidence 0.2–0.4 were right 39 % of the time,
 * 0.4–0.6: 59 %, 0.6–0.8: 89 %, 0.8–1: 93 %.
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
   * The cosine, in the encoder's space (src/chat/encoded.ts), to the closest trained question, and to the
   * closest trained question of the reply's answer. Absent: 0.
   */
  readonly encoderSimilarity?: number;
  readonly encoderSupport?: number;
  /**
   * The share of the question's IDF-weighted words that the trained questions of the reply's answer have,
   * all its phrasings together (src/chat/answers.ts `topicCoverage`). Absent: `coverage` when it agrees, else 0.
   */
  readonly topicCoverage?: number;
  /** The encoder-space cosine to the mean state of the reply's answer's trained questions. Absent: 0. */
  readonly encoderCentroid?: number;
}

/** Logistic-regression weights over featureVector(): bias first. */
export const CONFIDENCE_WEIGHTS: readonly number[] = [-2.27, 2.5, 0.43, 1.99, 2.17, -0.16, 2.55];

/**
 * Default threshold: replies below it are "not sure". Chosen on the calibration run (bench/results/calibrate.log,
 * models with the encoder's bag of embeddings) as the lowest that abstains on at least 90 % of the off-topic
 * questions: 0.15 abstains on 90.1 % and costs 8.6 points of right held-out rephrasings (0.17: 92.3 % and 10
 * points; 0.12: 89.2 % and 5.7 points); trained questions stay 100 % sure at every threshold up to 0.7.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.15;

export function featureVector(f: ConfidenceFeatures): number[] {
  const lg = (x: number): number => Math.log(Math.max(x, 1e-6));
  return [1, lg(f.posterior), lg(f.minProb), f.coverage, f.similarity, f.agrees ? 1 : 0, f.support ?? (f.agrees ? f.similarity : 0)];
}

export function confidenceOf(f: ConfidenceFeatures, weights: readonly number[] = CONFIDENCE_WEIGHTS): number {
  const x = featureVector(f);
  let z = 0;
  for (let i = 0; i < x.length; i++) z += weights[i] * x[i];
  return 1 / (1 + Math.exp(-z));
}
