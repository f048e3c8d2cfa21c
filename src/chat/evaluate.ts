/** Exact-match evaluation: the reply must equal the normalised expected answer (see src/text/normalize.ts). */
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
}

export interface EvaluationResult {
  readonly correct: number;
  readonly total: number;
  readonly failures: EvaluationFailure[];
}

/** Greedy replies to many questions (ids) at once, 64 per batched pass instead of one pass per question. */
export function greedyReplies(model: ChatModel, questions: readonly (readonly number[])[], maxLength: number): { text: string; finished: boolean }[] {
  const out: { text: string; finished: boolean }[] = [];
  for (let s = 0; s < questions.length; s += 64) {
    const part = questions.slice(s, s + 64).map((ids) => (ids.length ? ids : [UNK]));
    for (const r of greedyBatch(model.engine, part, maxLength)) out.push({ text: model.textOf(r.ids), finished: r.finished });
  }
  return out;
}

export function evaluateChatModel(model: ChatModel, pairs: readonly Pair[], decode: DecodeOptions = DEFAULT_DECODE_OPTIONS): EvaluationResult {
  const maxLength = decode.maxLength ?? DEFAULT_DECODE_OPTIONS.maxLength ?? 80;
  const got =
    decode.strategy === 'greedy'
      ? greedyReplies(model, pairs.map((p) => model.encodeQuestion(p.question)), maxLength).map((r) => r.text)
      : pairs.map((p) => model.reply(p.question, decode).text);
  const failures: EvaluationFailure[] = [];
  pairs.forEach((p, i) => {
    const expected = model.expectedReply(p.answer);
    if (got[i] !== expected) failures.push({ line: p.line, question: p.question, expected, got: got[i] });
  });
  return { correct: pairs.length - failures.length, total: pairs.length, failures };
}
