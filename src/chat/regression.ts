/**
 * The regression guard of fine-tuning (issue #14): before a fine-tuned model replaces the one it came from,
 * both answer the original pairs and the new one answers every correction. An original pair the old model
 * answered right (sure and exactly, as `eval` counts) and the new one does not is *broken*; when more than
 * `maxBroken` of the previously right answers break, the old model stays and the broken ones are listed.
 * Corrections the new model does not give yet are listed too (they do not make it worse than the old one).
 */
import type { ChatModel } from './model';
import type { Pair } from './types';

/** Default largest share of previously right answers a fine-tune may break (1 %, the benchmark's target). */
export const DEFAULT_MAX_BROKEN = 0.01;

/** One pair as the check saw it. */
export interface CheckedPair {
  readonly question: string;
  /** The answer the pair asks for, as a correct reply spells it. */
  readonly expected: string;
  /** What the model replied (the not-sure marker is not part of it; see `sure`). */
  readonly got: string;
  readonly sure: boolean;
  /** Sure and exactly the expected answer. */
  readonly right: boolean;
}

export interface RegressionCheck {
  /** Original pairs checked (those a correction changed are left out: their answer is meant to change). */
  readonly checked: number;
  /** Of those, answered right by the old model. */
  readonly previouslyRight: number;
  /** Previously right and still right. */
  readonly stillRight: number;
  /** Previously right, now wrong. */
  readonly broken: readonly CheckedPair[];
  readonly corrections: number;
  /** Corrections the new model answers right. */
  readonly learned: number;
  readonly notLearned: readonly CheckedPair[];
  /** The share of previously right answers allowed to break. */
  readonly maxBroken: number;
  /** The new model may replace the old: broken / previouslyRight ≤ maxBroken. */
  readonly accepted: boolean;
}

/** Each pair as the model answers it; right when the reply is sure and exactly the expected answer (as `eval` counts). */
export function checkPairs(model: ChatModel, pairs: readonly Pair[]): CheckedPair[] {
  const replies = model.replies(pairs.map((p) => p.question));
  return pairs.map((p, i) => {
    const expected = model.expectedReply(p.answer);
    const r = replies[i];
    return { question: p.question, expected, got: r.text, sure: r.sure, right: r.sure && r.text === expected };
  });
}

/**
 * Checks `after` against `before` on `original` (the pairs the old model was trained on, without those the
 * corrections change) and on `corrections`. `previouslyRight` may be passed when already known (one flag per
 * original pair), so that the old model is not asked twice.
 */
export function regressionCheck(
  before: ChatModel,
  after: ChatModel,
  original: readonly Pair[],
  corrections: readonly Pair[],
  maxBroken = DEFAULT_MAX_BROKEN,
  previouslyRight: readonly boolean[] = checkPairs(before, original).map((c) => c.right),
): RegressionCheck {
  if (previouslyRight.length !== original.length) {
    throw new RangeError(`regressionCheck: expected one previously-right flag per original pair (${original.length}), got ${previouslyRight.length}`);
  }
  const broken = checkPairs(after, original).filter((c, i) => previouslyRight[i] && !c.right);
  const was = previouslyRight.filter(Boolean).length;
  const fixed = checkPairs(after, corrections);
  const notLearned = fixed.filter((c) => !c.right);
  return {
    checked: original.length,
    previouslyRight: was,
    stillRight: was - broken.length,
    broken,
    corrections: corrections.length,
    learned: corrections.length - notLearned.length,
    notLearned,
    maxBroken,
    accepted: broken.length <= maxBroken * was,
  };
}

/** The check in one line: "regression check: 139/140 previously right answers still right (limit 1% broken); corrections learned 5/5; accepted". */
export function describeCheck(c: RegressionCheck): string {
  return (
    `regression check: ${c.stillRight}/${c.previouslyRight} previously right answers still right ` +
    `(${c.broken.length} broken, limit ${Number((c.maxBroken * 100).toFixed(2))}%); ` +
    `corrections learned ${c.learned}/${c.corrections}; ${c.accepted ? 'accepted' : 'rejected: the previous model is kept'}`
  );
}
