/**
 * Confidence: the probability that a reply is the right answer, from what the model and its training pairs
 * say about the question. Not in the book. A seq2seq model trained to answer its pairs exactly answers
 * anything confidently, so its token probabilities alone separate known from unknown questions poorly;
 * four signals together do better:
 * - `posterior`: the decoder's probability of the chosen answer among the trained answers (renormalised at
 *   each branch of the answer trie, src/decode/constrained.ts): does the model hesitate between answers?
 * - `minProb`: the lowest full-softmax probability of a reply token (END included): does any step surprise it?
 * - `coverage`: the share of the question's (IDF-weighted) words that some trained question has: an
 *   off-topic question is mostly words the model never saw.
 * - `similarity`: the IDF-weighted cosine to the closest trained question, and whether that question's
 *   answer is the reply (`agrees`).
 * They are combined by a logistic regression whose weights were fitted on held-out rephrasings and
 * off-topic questions of three domains (scripts/calibrate.ts prints the fit), so the output is a
 * probability, not a score: about that share of replies at a given confidence were right. In the fit's
 * own run (462 replies), replies with confidence 0.2–0.4 were right 41 % of the time, 0.4–0.6: 53 %,
 * 0.6–0.8: 70 %, 0.8–1: 80 %.
 */

export interface ConfidenceFeatures {
  readonly posterior: number;
  readonly minProb: number;
  readonly coverage: number;
  readonly similarity: number;
  readonly agrees: boolean;
}

/** Logistic-regression weights over featureVector(): bias first. */
export const CONFIDENCE_WEIGHTS: readonly number[] = [-3.37, 2.68, 0.64, 2.47, 3.48, 0.71];

/**
 * Default threshold: replies below it are "not sure". Chosen on the calibration run as the lowest that
 * abstains on at least 90 % of the off-topic questions: 0.2 abstains on 90.1 % and costs 5.7 points of right
 * held-out rephrasings (0.3: 92.3 % and 8.6 points; 0.1: 83.8 % and 2.9 points); trained questions stay
 * 100 % sure at every threshold up to 0.7.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.2;

export function featureVector(f: ConfidenceFeatures): number[] {
  const lg = (x: number): number => Math.log(Math.max(x, 1e-6));
  return [1, lg(f.posterior), lg(f.minProb), f.coverage, f.similarity, f.agrees ? 1 : 0];
}

export function confidenceOf(f: ConfidenceFeatures, weights: readonly number[] = CONFIDENCE_WEIGHTS): number {
  const x = featureVector(f);
  let z = 0;
  for (let i = 0; i < x.length; i++) z += weights[i] * x[i];
  return 1 / (1 + Math.exp(-z));
}
