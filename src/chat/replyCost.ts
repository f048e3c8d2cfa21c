/**
 * How long a reply may hold the thread it runs on, estimated from the model's shapes and the decoding
 * settings before any work, so the extension host computes only replies that fit its budget and sends the
 * others to the reply worker (src/worker/replyClient.ts). The model's size alone does not bound a reply:
 * the default model (0.16 M weights) at `decoding.beamWidth 32, maxReplyLength 1000` (the settings' maxima)
 * runs up to 32 × 1,000 decoder steps, 10.4 s when no beam ended early.
 *
 * The estimate is a worst case in multiply-adds (V answer vocabulary, Vs question vocabulary, D wordvec,
 * H hidden, Tq question tokens, k beams, L decoder steps; book ch. 7–8 for the layers):
 *   encoder         Tq · 4H·(D + H)                          TimeLSTM over the question (its embedding is a lookup)
 *   one step        4H·(Dᵢ + H) + Hₒ·V + SOFTMAX_COST·V       the decoder's LSTM (Dᵢ = D, or D + H for peeky, which
 *                                                            feeds the encoder's state to every step), its affine
 *                                                            (Hₒ = H, or 2H for peeky and attention) and the softmax;
 *                   + 2·Tq·H                                 attention: scores and context over the question
 *   beam            k · (one step + V) + k · L               per step: k hypotheses, a top-k pass over V each, and
 *                                                            the copied token lists of the kept ones
 *   steps           L = maxLength (the setting, else the model's own limit): a beam or a free reply may never
 *                   end early; a constrained greedy reply ends with the longest trained answer, so L is at most
 *                   the model's limit (its longest trained answer plus a margin)
 *   "Why?"          the reply, then a beam search of N_BEST (explain.ts) over the same L
 * divided by HOST_MULTIPLY_ADDS_PER_MS, a slow machine's speed (measured on 2 loaded cores, bench:replies).
 * The default model (V 424, H 64) at the default settings: 11 ms (2–3 ms measured); beam 3: 30 ms (19 ms
 * measured); "Why?": 60 ms (14 ms); beam 32 × 1,000 steps: 10.5 s. Over HOST_REPLY_BUDGET_MS, the extension
 * sends the reply to the reply worker.
 */
import type { ChatModel } from './model';
import type { DecodeOptions, ModelKind } from './types';
import { MAX_REPLY_QUESTION_TOKENS } from './model';

/** Models with at least this many weights answer in the worker whatever the settings (about 20 ms a reply on the host, 39 at worst). */
export const OFF_THREAD_WEIGHTS = 1_000_000;
/** Models with at least this many trained questions answer in the worker (the question index of the first reply). */
export const OFF_THREAD_QUESTIONS = 2_000;
/**
 * Longest estimated reply computed on the extension host's thread, in ms: half the 50 ms event-loop target
 * (#10), which leaves room for the estimate's error and the rest of the reply's work (confidence, streaming).
 */
export const HOST_REPLY_BUDGET_MS = 25;
/**
 * Multiply-adds per ms a reply gets on a slow machine: replies that never end early (random models, V 424 to
 * 10,000, H 64 and 128, free greedy and beams of 8 and 32) ran at 0.7–1.2 M per ms on 2 shared cores at load 1
 * (bench:replies, part 3); the default model's beam 32 × 1,000 steps took 10.4 s on the same cores loaded,
 * 0.32 M per ms. So the estimate is 2.5–4 × the time measured on a quiet machine and about the loaded one's.
 */
export const HOST_MULTIPLY_ADDS_PER_MS = 300_000;
/** A softmax entry (an exp, a sum, a division) counted as this many multiply-adds. */
const SOFTMAX_COST = 4;
/** Beam width of the n-best list "Why?" shows (src/insight/explain.ts N_BEST). */
const EXPLAIN_BEAMS = 5;
/** Longest reply a decoding setting may ask for (the `decoding.maxReplyLength` schema maximum). */
export const MAX_REPLY_STEPS = 1000;

/** What a reply's cost depends on, read from a model (`replyShape`) or stated by a test. */
export interface ReplyShape {
  readonly kind: ModelKind;
  /** V: the answers' (decoder's) vocabulary. */
  readonly vocabSize: number;
  readonly wordvec: number;
  readonly hidden: number;
  /** The model's own reply limit (its longest trained answer plus a margin), used when the settings set none. */
  readonly maxReplyLength: number;
  /** Whether the model knows its answers (a greedy reply is then constrained to them unless `constrained: false`). */
  readonly knowsAnswers: boolean;
}

export interface ReplyCost {
  /** Decoder steps counted (L). */
  readonly steps: number;
  /** Hypotheses per step (k: the beam width, else 1). */
  readonly beams: number;
  readonly multiplyAdds: number;
  /** multiplyAdds / HOST_MULTIPLY_ADDS_PER_MS. */
  readonly ms: number;
}

export function replyShape(model: ChatModel): ReplyShape {
  const c = model.engine.config;
  return { kind: model.kind, vocabSize: c.vocabSize, wordvec: c.wordvec, hidden: c.hidden, maxReplyLength: model.maxReplyLength, knowsAnswers: model.knowledge !== undefined };
}

function positiveInteger(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`estimateReplyCost: expected ${what} to be an integer ≥ 1, got ${n}`);
}

/**
 * The worst-case cost of one reply of a `shape` model to a question of `questionLength` UTF-16 units under
 * `decode` (`explain`: "Why?", the reply and an n-best beam search). Settings beyond their schema's bounds
 * are counted at those bounds, as the extension clamps them (extension/settings.ts).
 */
export function estimateReplyCost(shape: ReplyShape, decode: DecodeOptions, questionLength: number, explain = false): ReplyCost {
  positiveInteger('the vocabulary size', shape.vocabSize);
  positiveInteger('wordvec', shape.wordvec);
  positiveInteger('hidden', shape.hidden);
  if (!Number.isInteger(questionLength) || questionLength < 0) throw new RangeError(`estimateReplyCost: expected the question's length to be an integer ≥ 0, got ${questionLength}`);
  const { vocabSize: V, wordvec: D, hidden: H } = shape;
  // A question is read up to MAX_REPLY_QUESTION_TOKENS tokens, and a token is at least one code unit.
  const Tq = Math.max(1, Math.min(questionLength, MAX_REPLY_QUESTION_TOKENS));
  const requested = Math.min(MAX_REPLY_STEPS, Math.max(1, Math.round(decode.maxLength ?? shape.maxReplyLength)));
  const constrained = decode.strategy === 'greedy' && decode.constrained !== false && shape.knowsAnswers;
  const steps = constrained ? Math.min(requested, shape.maxReplyLength) : requested;
  const beams = decode.strategy === 'beam' ? Math.min(32, Math.max(1, Math.round(decode.beamWidth))) : 1;
  const encoder = Tq * 4 * H * (D + H);
  const lstmInput = shape.kind === 'peeky' ? D + H : D;
  const affineInput = shape.kind === 'simple' ? H : 2 * H;
  const step = 4 * H * (lstmInput + H) + affineInput * V + SOFTMAX_COST * V + (shape.kind === 'attention' ? 2 * Tq * H : 0);
  const search = (k: number): number => steps * (k * step + (k > 1 ? k * V + k * steps : 0));
  const multiplyAdds = encoder + search(beams) + (explain ? encoder + search(EXPLAIN_BEAMS) : 0);
  return { steps, beams, multiplyAdds, ms: multiplyAdds / HOST_MULTIPLY_ADDS_PER_MS };
}

/** Whether a model of `weights` weights and `questions` trained questions answers in the reply worker whatever the settings. */
export function isLargeModel(weights: number, questions: number): boolean {
  return weights >= OFF_THREAD_WEIGHTS || questions >= OFF_THREAD_QUESTIONS;
}
