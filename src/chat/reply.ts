/**
 * Turning a question's ids into a Reply with the chosen strategy, through the engine's decoders
 * (src/decode: greedy as the book's `generate` ch. 7.2.3, beam search, sampling with a temperature).
 */
import { beamSearch, greedyDecode, sampleDecode, type DecodeResult } from '../decode';
import { UNK } from '../models/tokens';
import { Random } from '../random';
import { DEFAULT_DECODE_OPTIONS } from './defaults';
import type { ChatModel } from './model';
import type { DecodeOptions, Reply } from './types';

const FALLBACK_MAX_LENGTH = DEFAULT_DECODE_OPTIONS.maxLength ?? 80;

/** Appended to a reply that hit the length limit before its end token. */
export const CUT_MARK = '…';

function toReply(model: ChatModel, r: DecodeResult): Reply {
  const tokens = model.vocabulary.decode(r.ids);
  const text = model.tokenizer.detokenize(tokens);
  // confidence, sure and suggestions are the model's to judge (ChatModel.assess, the only caller's next step).
  return {
    text: r.finished ? text : text + CUT_MARK,
    tokens: tokens.map((text, i) => ({ text, prob: r.probs[i] })),
    finished: r.finished,
    cut: !r.finished,
    confidence: 0,
    sure: false,
    suggestions: [],
    // One row per shown token (the decoder also scores END; that row is not shown).
    ...(r.attention ? { attention: r.attention.slice(0, tokens.length) } : {}),
  };
}

export function decodeReply(model: ChatModel, questionIds: readonly number[], decode: DecodeOptions): Reply {
  // A question with no known token still gets a reply: the model reads one UNK.
  const q = questionIds.length > 0 ? [...questionIds] : [UNK];
  const maxLength = decode.maxLength ?? FALLBACK_MAX_LENGTH;
  switch (decode.strategy) {
    case 'greedy':
      return toReply(model, greedyDecode(model.engine, q, { maxLength }));
    case 'beam': {
      const results = beamSearch(model.engine, q, { beamWidth: decode.beamWidth, maxLength });
      return { ...toReply(model, results[0]), alternatives: results.map((r) => ({ text: model.textOf(r.ids), score: r.score })) };
    }
    case 'sample': {
      if (!(decode.temperature > 0) || !Number.isFinite(decode.temperature)) throw new RangeError(`expected temperature above 0, got ${decode.temperature}`);
      const rng = new Random(decode.seed ?? Math.floor(Math.random() * 2 ** 32));
      return toReply(model, sampleDecode(model.engine, q, { temperature: decode.temperature, rng, maxLength }));
    }
    default: {
      const never: never = decode;
      throw new Error(`unknown decode strategy ${JSON.stringify(never)}`);
    }
  }
}

/** What the chat says instead of a reply it is not sure of, in the question's language (Japanese or English). */
export function notSureMessage(question: string): string {
  return /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u.test(question)
    ? 'すみません、よくわかりません。'
    : "Sorry, I'm not sure I understood that.";
}
