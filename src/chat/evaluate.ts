/**
 * Evaluation on a pairs file, decoded as the chat replies (src/chat/model.ts `replies`): a pair is right when
 * the reply is sure and equals the normalised expected answer exactly (src/text/normalize.ts); a reply
 * that is not sure counts as not right, whatever its text. Free greedy replies with threshold 0 (every reply
 * sure: how a character task is measured, defaults.ts `decodeFor`) are decoded in batches.
 */
import { UNK } from '../models/tokens';
import { DEFAULT_DECODE_OPTIONS } from './defaults';
import { greedyBatch } from './greedy';
import { CUT_MARK } from './reply';
import type { ChatModel } from './model';
import type { DecodeOptions, EvaluationFailure, Pair, PairOutcome } from './types';

export type { EvaluationFailure, PairOutcome } from './types';


export interface EvaluationResult {
  /** Replies sure and exactly right. */
  readonly correct: number;
  /** Replies given as sure (right or wrong). */
  readonly answered: number;
  readonly total: number;
  readonly failures: EvaluationFailure[];
}

/** Greedy (free) replies to many questions (ids) at once, 64 per batched pass instead of one pass per question. */
export function greedyReplies(model: ChatModel, questions: readonly (readonly number[])[], maxLength: number): { text: string; finished: boolean }[] {
  const out: { text: string; finished: boolean }[] = [];
  for (let s = 0; s < questions.length; s += 64) {
    const part = questions.slice(s, s + 64).map((ids) => (ids.length ? ids : [UNK]));
    for (const r of greedyBatch(model.engine, part, maxLength)) out.push({ text: model.textOf(r.ids), finished: r.finished });
  }
  return out;
}


/**
 * Free greedy replies with threshold 0 (every reply counted: decodeFor's measure of a character task), decoded
 * 64 rows a pass: `replies` would give the same texts and count every one as sure, one question a pass (621 s
 * for the book's 5,000 test dates, 22 s batched). The confidence is the reply's lowest token probability
 * (0 when it never ended).
 */
function everyFreeReply(model: ChatModel, pairs: readonly Pair[], maxLength: number): PairOutcome[] {
  const out: PairOutcome[] = [];
  for (let s = 0; s < pairs.length; s += 64) {
    const part = pairs.slice(s, s + 64);
    const rows = greedyBatch(model.engine, part.map((p) => model.encodeQuestion(p.question)).map((ids) => (ids.length ? ids : [UNK])), maxLength);
    rows.forEach((r, i) => {
      const p = part[i];
      const expected = model.expectedReply(p.answer);
      const got = model.textOf(r.ids) + (r.finished ? '' : CUT_MARK);
      const confidence = r.finished ? r.probs.reduce((m, x) => Math.min(m, x), 1) : 0;
      out.push({ line: p.line, question: p.question, expected, got, sure: true, confidence, right: r.finished && got === expected });
    });
  }
  return out;
}

/** Every pair's outcome, in file order (the evaluation report is built from these). */
export function evaluatePairs(model: ChatModel, pairs: readonly Pair[], decode: DecodeOptions = DEFAULT_DECODE_OPTIONS): PairOutcome[] {
  if (decode.strategy === 'greedy' && decode.constrained === false && decode.threshold === 0) return everyFreeReply(model, pairs, decode.maxLength ?? model.maxReplyLength);
  const replies = model.replies(pairs.map((p) => p.question), decode);
  return pairs.map((p, i) => {
    const r = replies[i];
    const expected = model.expectedReply(p.answer);
    return { line: p.line, question: p.question, expected, got: r.text, sure: r.sure, confidence: r.confidence, right: r.sure && r.text === expected };
  });
}

export function evaluateChatModel(model: ChatModel, pairs: readonly Pair[], decode: DecodeOptions = DEFAULT_DECODE_OPTIONS): EvaluationResult {
  return summarizeOutcomes(evaluatePairs(model, pairs, decode));
}

/** The counts and failures of evaluated pairs. */
export function summarizeOutcomes(outcomes: readonly PairOutcome[]): EvaluationResult {
  const failures: EvaluationFailure[] = outcomes
    .filter((o) => !o.right)
    .map(({ line, question, expected, got, sure, confidence }) => ({ line, question, expected, got, sure, confidence }));
  return { correct: outcomes.filter((o) => o.right).length, answered: outcomes.filter((o) => o.sure).length, total: outcomes.length, failures };
}
