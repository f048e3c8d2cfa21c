/**
 * Evaluation on a pairs file, decoded as the chat replies (src/chat/model.ts `replies`): a pair is right when
 * the reply is sure and equals the normalised expected answer exactly (src/text/normalize.ts); a reply
 * that is not sure counts as not right, whatever its text.
 */
import { UNK } from '../models/tokens';
import { DEFAULT_DECODE_OPTIONS } from './defaults';
import { greedyBatch } from './greedy';
import type { ChatModel } from './model';
import type { DecodeOptions, Pair } from './types';

export interface EvaluationFailure {
  readonly line: number;
  readonly question: string;
  readonly expected: string;
  readonly got: string;
  /** Whether the reply was sure (a sure wrong reply, or a not-sure one). */
  readonly sure: boolean;
  readonly confidence: number;
}

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

export function evaluateChatModel(model: ChatModel, pairs: readonly Pair[], decode: DecodeOptions = DEFAULT_DECODE_OPTIONS): EvaluationResult {
  const replies = model.replies(pairs.map((p) => p.question), decode);
  const failures: EvaluationFailure[] = [];
  let correct = 0;
  let answered = 0;
  pairs.forEach((p, i) => {
    const r = replies[i];
    const expected = model.expectedReply(p.answer);
    if (r.sure) answered++;
    if (r.sure && r.text === expected) correct++;
    else failures.push({ line: p.line, question: p.question, expected, got: r.text, sure: r.sure, confidence: r.confidence });
  });
  return { correct, answered, total: pairs.length, failures };
}
