/**
 * The evaluation report: a model's replies to a pairs file (src/chat/evaluate.ts `evaluatePairs`) as
 * figures — exact-match, answered and not-sure counts, a confidence histogram for right and wrong replies
 * (is the confidence worth trusting?), the misses with a character diff of expected vs got — and the
 * comparison of two models' reports on the same file (which pairs changed). Pure data; the views and the
 * HTML file (src/insight/reportHtml.ts) draw it.
 */
import type { ModelKind, PairOutcome } from '../chat/types';
import { charDiff } from './diff';
import type { ChangedPair, ConfidenceHistogram, EvaluationReport, ReportComparison } from './types';

export type { ChangedPair, ConfidenceHistogram, EvaluationReport, Miss, ReportComparison } from './types';

export const HISTOGRAM_BINS = 10;

export function confidenceHistogram(outcomes: readonly PairOutcome[], bins = HISTOGRAM_BINS): ConfidenceHistogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`confidenceHistogram: expected bins to be an integer ≥ 1, got ${bins}`);
  const right = new Array<number>(bins).fill(0);
  const wrong = new Array<number>(bins).fill(0);
  for (const o of outcomes) {
    const c = Number.isFinite(o.confidence) ? Math.min(1, Math.max(0, o.confidence)) : 0;
    const bin = Math.min(bins - 1, Math.floor(c * bins));
    (o.right ? right : wrong)[bin]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => i / bins), right, wrong };
}

export function buildEvaluationReport(file: string, model: { label: string; kind: ModelKind }, outcomes: readonly PairOutcome[]): EvaluationReport {
  const answered = outcomes.filter((o) => o.sure).length;
  return {
    file,
    model,
    total: outcomes.length,
    answered,
    notSure: outcomes.length - answered,
    correct: outcomes.filter((o) => o.right).length,
    histogram: confidenceHistogram(outcomes),
    outcomes,
    misses: outcomes.filter((o) => !o.right).map((o) => ({ ...o, diff: charDiff(o.expected, o.got) })),
  };
}

/** Which pairs changed from `before` to `after` (two models on the same file; pairs matched by line and question). */
export function compareReports(before: EvaluationReport, after: EvaluationReport): ReportComparison {
  const key = (o: PairOutcome): string => `${o.line}\u0000${o.question}`;
  const earlier = new Map(before.outcomes.map((o) => [key(o), o]));
  const fixed: ChangedPair[] = [];
  const broken: ChangedPair[] = [];
  const changed: ChangedPair[] = [];
  let same = 0;
  let matched = 0;
  for (const a of after.outcomes) {
    const b = earlier.get(key(a));
    if (b === undefined) continue;
    matched++;
    const pair: ChangedPair = { line: a.line, question: a.question, expected: a.expected, before: b, after: a };
    if (!b.right && a.right) fixed.push(pair);
    else if (b.right && !a.right) broken.push(pair);
    else if (!a.right && (a.got !== b.got || a.sure !== b.sure)) changed.push(pair);
    else same++;
  }
  const summary = (r: EvaluationReport): ReportComparison['before'] => ({ label: r.model.label, correct: r.correct, total: r.total });
  return { before: summary(before), after: summary(after), fixed, broken, changed, same, unmatched: before.outcomes.length + after.outcomes.length - 2 * matched };
}
