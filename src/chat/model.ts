/**
 * ChatModel: a trained seq2seq model (book ch. 7–8) together with everything needed to talk to it —
 * normalisation, tokenizer, vocabulary, the options it was trained with and its training report.
 */
import { createTokenizer, normalizeAnswer, normalizeQuestion, Vocabulary, type Tokenizer } from '../text';
import { END, START } from '../models/tokens';
import type { Seq2seqModel } from '../models/types';
import { DEFAULT_DECODE_OPTIONS } from './defaults';
import { decodeReply } from './reply';
import type { DecodeOptions, ModelKind, Reply, TrainOptions, TrainingReport } from './types';

/** Replies read at most this many question tokens (the rest is ignored), so a pasted essay cannot stall the chat. */
export const MAX_REPLY_QUESTION_TOKENS = 1000;

/**
 * A question is cut to this many UTF-16 code units before it is normalised, so a 50 MB paste costs no more
 * than a long question (it took 22–29 s and about 2.6 GB). 8 units per token leaves room for words with their
 * spaces; training questions are far below it (2,000 code points by default, maxFieldLength).
 */
export const MAX_QUESTION_CODE_UNITS = 8 * MAX_REPLY_QUESTION_TOKENS;

export class ChatModel {
  readonly kind: ModelKind;
  readonly tokenizer: Tokenizer;

  constructor(
    /** The network; its `params` are the model's weights. */
    readonly engine: Seq2seqModel,
    readonly vocabulary: Vocabulary,
    readonly options: TrainOptions,
    readonly report: TrainingReport | undefined,
  ) {
    this.kind = engine.kind;
    this.tokenizer = createTokenizer(options.tokenizer);
    if (engine.config.vocabSize !== vocabulary.size) {
      throw new RangeError(`ChatModel: expected the model's vocabSize ${engine.config.vocabSize} to equal the vocabulary size ${vocabulary.size}`);
    }
  }

  vocabularySize(): number {
    return this.vocabulary.size;
  }

  /** The question as the model reads it: normalised, tokenized, ids (unknown tokens → UNK); cut first to MAX_QUESTION_CODE_UNITS. */
  encodeQuestion(question: string): number[] {
    return this.vocabulary.encode(this.tokenizer.tokenize(normalizeQuestion(question.slice(0, MAX_QUESTION_CODE_UNITS), this.options.normalize)));
  }

  /** The answer as the decoder learns it: START, ids, END. */
  encodeAnswer(answer: string): number[] {
    return [START, ...this.vocabulary.encode(this.tokenizer.tokenize(normalizeAnswer(answer, this.options.normalize))), END];
  }

  /** The text a correct reply must equal exactly. */
  expectedReply(answer: string): string {
    return normalizeAnswer(answer, this.options.normalize);
  }

  /** Text of generated ids (END excluded). */
  textOf(ids: readonly number[]): string {
    return this.tokenizer.detokenize(this.vocabulary.decode(ids));
  }

  /** Replies to a question; never throws on unknown characters (they become UNK). */
  reply(question: string, decode: DecodeOptions = DEFAULT_DECODE_OPTIONS): Reply {
    return decodeReply(this, this.encodeQuestion(question).slice(0, MAX_REPLY_QUESTION_TOKENS), decode);
  }
}
