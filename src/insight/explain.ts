/**
 * "Why this answer": everything behind one reply, as the explanation view draws it — the question's tokens
 * as the encoder read them, each reply token with the probability the decoder gave it, the attention matrix
 * of an attention model (book ch. 8.1: the weights `a` over the encoder's hidden states at each decoder
 * step), the n-best replies of a beam search with their scores, the confidence with the signals it was
 * computed from (src/chat/confidence.ts) and the closest trained questions.
 */
import { beamSearch } from '../decode/beam';
import { UNK } from '../models/tokens';
import { DEFAULT_DECODE_OPTIONS } from '../chat/defaults';
import type { ChatModel } from '../chat/model';
import type { DecodeOptions } from '../chat/types';
import type { AttentionMap, Explanation } from './types';

export type { AttentionMap, ClosestQuestion, Explanation, NBestReply } from './types';

/** Beam width of the n-best list. */
export const N_BEST = 5;
/** Closest trained questions listed. */
export const CLOSEST = 5;

/**
 * Checks and lays out decoder attention (Reply.attention: weights[answerStep][questionPosition], reading
 * order) for a heatmap. Throws a RangeError naming expected vs got when the matrix does not fit the tokens
 * (a transposed matrix, or one computed for other tokens).
 */
export function attentionMap(questionTokens: readonly string[], replyTokens: readonly string[], weights: readonly (readonly number[])[]): AttentionMap {
  if (weights.length !== replyTokens.length) {
    throw new RangeError(`attentionMap: expected ${replyTokens.length} rows (one per reply token), got ${weights.length}`);
  }
  weights.forEach((row, r) => {
    if (row.length !== questionTokens.length) {
      throw new RangeError(`attentionMap: expected row ${r} to have ${questionTokens.length} weights (one per question token), got ${row.length}`);
    }
  });
  return { rows: replyTokens.slice(), columns: questionTokens.slice(), weights: weights.map((row) => row.slice()) };
}

/** Explains the reply `model` gives to `question` with these decoding options. */
export function explainReply(model: ChatModel, question: string, decode: DecodeOptions = DEFAULT_DECODE_OPTIONS): Explanation {
  const reply = model.reply(question, decode);
  const read = model.readTokens(question);
  // A question with no token is read as one UNK (src/chat/reply.ts); the heatmap shows that column.
  const questionTokens = read.length > 0 ? read : [model.questionVocabulary.tokens[UNK]];
  const ids = model.questionVocabulary.encode(questionTokens);
  const answers = new Set(model.knowledge?.answers ?? []);
  const nBest = beamSearch(model.engine, ids, { beamWidth: N_BEST, maxLength: decode.maxLength ?? model.maxReplyLength }).map((r) => {
    const text = model.textOf(r.ids);
    return { text, score: r.score, trained: answers.has(text) };
  });
  return {
    question,
    kind: model.kind,
    questionTokens,
    reply: reply.text,
    tokens: reply.tokens,
    confidence: reply.confidence,
    threshold: decode.threshold ?? model.threshold,
    sure: reply.sure,
    cut: reply.cut,
    ...(reply.attention ? { attention: attentionMap(questionTokens, reply.tokens.map((t) => t.text), reply.attention) } : {}),
    nBest,
    closest: model.closestQuestions(question, CLOSEST),
    ...(reply.signals ? { signals: reply.signals } : {}),
  };
}
