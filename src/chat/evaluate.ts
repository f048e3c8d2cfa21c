/** Exact-match evaluation: the reply must equal the normalised expected answer (see src/text/normalize.ts). */
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

export function evaluateChatModel(model: ChatModel, pairs: readonly Pair[], decode: DecodeOptions = DEFAULT_DECODE_OPTIONS): EvaluationResult {
  const maxLength = decode.maxLength ?? DEFAULT_DECODE_OPTIONS.maxLength ?? 80;
  let got: string[];
  if (decode.strategy === 'greedy') {
    // Greedy replies for many questions at once: one batched pass instead of one per question.
    got = [];
    for (let s = 0; s < pairs.length; s += 64) {
      const part = pairs.slice(s, s + 64).map((p) => {
        const ids = model.encodeQuestion(p.question);
        return ids.length ? ids : [3];
      });
      for (const r of greedyBatch(model.engine, part, maxLength)) got.push(model.textOf(r.ids));
    }
  } else got = pairs.map((p) => model.reply(p.question, decode).text);
  const failures: EvaluationFailure[] = [];
  pairs.forEach((p, i) => {
    const expected = model.expectedReply(p.answer);
    if (got[i] !== expected) failures.push({ line: p.line, question: p.question, expected, got: got[i] });
  });
  return { correct: pairs.length - failures.length, total: pairs.length, failures };
}
