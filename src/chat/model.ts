/**
 * ChatModel: a trained seq2seq model (book ch. 7–8) together with everything needed to talk to it —
 * normalisation, tokenizer, vocabularies, the options it was trained with, its training report, and what
 * it knows of its training pairs (answers, questions, reply limit, confidence threshold).
 *
 * A reply is, by default, one of the trained answers spelled by the decoder under a trie constraint
 * (src/decode/constrained.ts), with a calibrated confidence (src/chat/confidence.ts); below the threshold
 * it is marked not sure and comes with the closest trained questions as suggestions. Free generation
 * (`constrained: false`, beam search, sampling) remains available.
 */
import { createTokenizer, normalizeAnswer, normalizeQuestion, Vocabulary, type Tokenizer } from '../text';
import { LATIN_WORD, questionWords, trigramSimilarity, trigrams } from '../text/analyze';
import { END, START, UNK } from '../models/tokens';
import type { Seq2seqModel } from '../models/types';
import { constrainedBatch, type AnswerPrior, type ConstrainedRow } from '../decode/constrained';
import { buildTrie, QuestionIndex, type Neighbour, type TrainedQuestion, type TrieNode } from './answers';
import { confidenceOf, DEFAULT_CONFIDENCE_THRESHOLD, type ConfidenceFeatures } from './confidence';
import { DEFAULT_DECODE_OPTIONS, LEXICAL_PRIOR_WEIGHT } from './defaults';
import { CUT_MARK, decodeReply } from './reply';
import type { TrainingRun } from '../train/curves';
import type { DecodeOptions, ModelKind, Reply, TrainOptions, TrainingReport } from './types';

/** Replies read at most this many question tokens (the rest is ignored), so a pasted essay cannot stall the chat. */
export const MAX_REPLY_QUESTION_TOKENS = 1000;
/** Reply length when a model knows no limit of its own (files written before limits were stored). */
const FALLBACK_MAX_LENGTH = 80;
/** Suggestions offered with a reply. */
const SUGGESTIONS = 3;
/** An unknown word is read as the known word whose trigrams match this well (typos: "shiping" → "ship"). */
const TYPO_SIMILARITY = 0.6;
/** Letters an unknown word shares with the start of a known one to be read as it (`derivedFrom`). */
const PREFIX_LETTERS = 5;
/** Questions decoded together in one batched pass. */
const BATCH = 64;

/** What a model knows of its training pairs besides its weights. */
export interface ModelKnowledge {
  /** Questions read as words have their own table (TrainOptions.questionTokens 'words'). */
  readonly questionVocabulary?: Vocabulary;
  /** Distinct answers, as a correct reply spells them (normalizeAnswer). */
  readonly answers: readonly string[];
  readonly questions: readonly TrainedQuestion[];
  /** Longest reply in tokens (the longest trained answer plus a margin). */
  readonly maxReplyLength: number;
  readonly threshold: number;
}

/**
 * A question is cut to this many UTF-16 code units before it is normalised, so a 50 MB paste costs no more
 * than a long question (it took 22–29 s and about 2.6 GB). 8 units per token leaves room for words with their
 * spaces; training questions are far below it (2,000 code points by default, maxFieldLength).
 */
/** Trained questions looked at per reply: for the confidence's signals, the suggestions and the lexical prior. */
const NEIGHBOURS = 16;

export const MAX_QUESTION_CODE_UNITS = 8 * MAX_REPLY_QUESTION_TOKENS;

/** What decoding says of a reply besides its text, for the confidence. */
interface Decoded {
  /** The trained answer the reply is (-1: none). */
  readonly answer: number;
  /** Its probability among the trained answers (free replies: 1 when it is one, else 0). */
  readonly posterior: number;
  readonly margin: number;
  readonly firstMargin: number;
}

export class ChatModel {
  readonly kind: ModelKind;
  readonly tokenizer: Tokenizer;
  private trieCache: TrieNode | undefined;
  private answerIdsCache: number[][] | undefined;
  private indexCache: QuestionIndex | undefined;
  private answerWordsCache: Set<string>[] | undefined;
  private gramsCache: { word: string; grams: Set<string> }[] | undefined;

  constructor(
    /** The network; its `params` are the model's weights. */
    readonly engine: Seq2seqModel,
    /** The answers' (decoder's) table; also the questions' unless `knowledge.questionVocabulary`. */
    readonly vocabulary: Vocabulary,
    readonly options: TrainOptions,
    readonly report: TrainingReport | undefined,
    readonly knowledge?: ModelKnowledge,
    /** The trainings behind this model, oldest first (src/train/curves.ts); stored in the model file. */
    readonly history: readonly TrainingRun[] = [],
  ) {
    this.kind = engine.kind;
    this.tokenizer = createTokenizer(options.tokenizer);
    if (engine.config.vocabSize !== vocabulary.size) {
      throw new RangeError(`ChatModel: expected the model's vocabSize ${engine.config.vocabSize} to equal the vocabulary size ${vocabulary.size}`);
    }
    const source = knowledge?.questionVocabulary?.size ?? vocabulary.size;
    if ((engine.config.sourceVocabSize ?? engine.config.vocabSize) !== source) {
      throw new RangeError(`ChatModel: expected the encoder's vocabulary size ${engine.config.sourceVocabSize ?? engine.config.vocabSize} to equal the question vocabulary size ${source}`);
    }
  }

  /** The same model with another history (the weights and caches are shared, not copied). */
  withHistory(history: readonly TrainingRun[]): ChatModel {
    return new ChatModel(this.engine, this.vocabulary, this.options, this.report, this.knowledge, history);
  }

  /** The closest trained questions to `question` with their answers and IDF-cosine similarity, most similar first. */
  closestQuestions(question: string, k: number): { question: string; answer: string; similarity: number }[] {
    const index = this.questionIndex;
    const knowledge = this.knowledge;
    if (index === undefined || knowledge === undefined) return [];
    return index.nearest(this.readTokens(question), k).map((n) => {
      const q = knowledge.questions[n.question];
      return { question: q.text, answer: knowledge.answers[q.answer], similarity: n.similarity };
    });
  }

  vocabularySize(): number {
    return this.vocabulary.size;
  }

  /** The table question ids come from. */
  get questionVocabulary(): Vocabulary {
    return this.knowledge?.questionVocabulary ?? this.vocabulary;
  }

  /** Longest reply in tokens when the caller sets none. */
  get maxReplyLength(): number {
    return this.knowledge?.maxReplyLength ?? FALLBACK_MAX_LENGTH;
  }

  get threshold(): number {
    return this.knowledge?.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  }

  /** The question's tokens as the encoder reads them (words, or answer tokens with a shared table). */
  questionTokens(question: string): string[] {
    const normalized = normalizeQuestion(question.slice(0, MAX_QUESTION_CODE_UNITS), this.options.normalize);
    const tokens = this.knowledge?.questionVocabulary ? questionWords(normalized) : this.tokenizer.tokenize(normalized);
    return tokens.slice(0, MAX_REPLY_QUESTION_TOKENS);
  }

  /** The question as the model reads it: normalised, tokenized, ids (unknown tokens → UNK). */
  encodeQuestion(question: string): number[] {
    return this.questionVocabulary.encode(this.questionTokens(question));
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

  /** The trie of trained answers (undefined for models that do not know them). */
  get answerTrie(): TrieNode | undefined {
    if (this.trieCache === undefined && this.knowledge !== undefined && this.knowledge.answers.length > 0) {
      this.trieCache = buildTrie(this.answerIds);
    }
    return this.trieCache;
  }

  /** Each trained answer's token ids (START and END excluded); empty for models that do not know them. */
  private get answerIds(): number[][] {
    return (this.answerIdsCache ??= (this.knowledge?.answers ?? []).map((a) => this.encodeAnswer(a).slice(1, -1)));
  }

  /** The words of trained answer `answer`'s text, read as question words (built at the first use of each). */
  private answerWords(answer: number): ReadonlySet<string> {
    const cache = (this.answerWordsCache ??= []);
    return (cache[answer] ??= new Set(this.questionTokens(this.knowledge?.answers[answer] ?? '')));
  }

  private get questionIndex(): QuestionIndex | undefined {
    if (this.indexCache === undefined && this.knowledge !== undefined) {
      this.indexCache = new QuestionIndex(this.knowledge.questions, this.knowledge.questions.map((q) => this.questionTokens(q.text)));
    }
    return this.indexCache;
  }

  /**
   * The question's tokens with unknown words read as the closest known word when one is close enough
   * (typos, spelling variants); what a reply reads.
   */
  readTokens(question: string): string[] {
    const tokens = this.questionTokens(question);
    const table = this.knowledge?.questionVocabulary;
    if (table === undefined) return tokens;
    return tokens.map((t) => (table.id(t) !== UNK || Array.from(t).length < 4 ? t : this.closestKnown(t) ?? t));
  }

  private closestKnown(word: string): string | undefined {
    const table = this.knowledge?.questionVocabulary;
    if (table === undefined) return undefined;
    this.gramsCache ??= table.tokens.slice(4).map((w) => ({ word: w, grams: trigrams(w) }));
    const grams = trigrams(word);
    let best: string | undefined;
    let bestSim = TYPO_SIMILARITY;
    for (const c of this.gramsCache) {
      const s = trigramSimilarity(grams, c.grams);
      if (s >= bestSim && (s > bestSim || best === undefined)) {
        best = c.word;
        bestSim = s;
      }
    }
    return best ?? this.derivedFrom(word);
  }

  /**
   * The known word an unknown one is derived from, or derives: the longest known word that begins the
   * unknown one or that it begins, of at least PREFIX_LETTERS letters and half the longer word
   * ("reservation" → reserv, "printer" → print, "audio" → audiobook), which the light stemmer (suffixes of
   * inflection only) leaves apart. Not a shared beginning alone: "translate" is not "transfer".
   */
  private derivedFrom(word: string): string | undefined {
    if (!LATIN_WORD.test(word) || word.length < PREFIX_LETTERS) return undefined;
    let best: string | undefined;
    let bestShared = 0;
    for (const { word: known } of this.gramsCache ?? []) {
      if (known.length < PREFIX_LETTERS || !(word.startsWith(known) || known.startsWith(word)) || !LATIN_WORD.test(known)) continue;
      const shared = Math.min(known.length, word.length);
      if (2 * shared >= Math.max(known.length, word.length) && shared > bestShared) {
        best = known;
        bestShared = shared;
      }
    }
    return best;
  }

  /** The trained questions closest to `words` (IDF cosine), most similar first; none for a model that does not know them. */
  private neighbours(words: readonly string[]): Neighbour[] {
    return this.questionIndex?.nearest(words, NEIGHBOURS) ?? [];
  }

  /** Answer → the similarity of its closest trained question among `neighbours` (the lexical prior's bonus). */
  private answerBonus(neighbours: readonly Neighbour[]): Map<number, number> {
    const bonus = new Map<number, number>();
    const questions = this.knowledge?.questions ?? [];
    for (const n of neighbours) {
      const a = questions[n.question].answer;
      if (!bonus.has(a)) bonus.set(a, n.similarity); // most similar first: the first is the largest
    }
    return bonus;
  }

  /** Replies to a question; never throws on unknown words (they become UNK). */
  reply(question: string, decode: DecodeOptions = DEFAULT_DECODE_OPTIONS): Reply {
    return this.replies([question], decode)[0];
  }

  /** Replies to many questions; greedy replies are decoded together in batches. */
  replies(questions: readonly string[], decode: DecodeOptions = DEFAULT_DECODE_OPTIONS): Reply[] {
    const tokens = questions.map((q) => this.readTokens(q));
    const ids = tokens.map((t) => this.questionVocabulary.encode(t));
    const trie = this.answerTrie;
    const maxLength = decode.maxLength ?? this.maxReplyLength;
    if (decode.strategy === 'greedy' && decode.constrained !== false && trie !== undefined) {
      const rows: ConstrainedRow[] = [];
      const neighbours = tokens.map((t) => this.neighbours(t));
      const weight = decode.lexicalPrior ?? LEXICAL_PRIOR_WEIGHT;
      for (let s = 0; s < ids.length; s += BATCH) {
        const prior: AnswerPrior | undefined = weight !== 0 ? { bonus: neighbours.slice(s, s + BATCH).map((n) => this.answerBonus(n)), weight, answers: this.answerIds } : undefined;
        rows.push(...constrainedBatch(this.engine, ids.slice(s, s + BATCH).map((q) => (q.length > 0 ? q : [UNK])), trie, maxLength, true, prior));
      }
      return rows.map((r, i) => this.assess(tokens[i], this.constrainedReply(r), { answer: r.answer, posterior: Math.exp(r.logPosterior), margin: r.margin, firstMargin: r.firstMargin }, decode, neighbours[i]));
    }
    return ids.map((q, i) => {
      const free = decodeReply(this, q, { ...decode, maxLength });
      const answer = this.knowledge ? this.knowledge.answers.indexOf(free.text) : -1;
      const sure = answer >= 0 ? 1 : 0;
      return this.assess(tokens[i], free, { answer, posterior: sure, margin: sure, firstMargin: sure }, decode);
    });
  }

  private constrainedReply(r: ConstrainedRow): Reply {
    const tokens = this.vocabulary.decode(r.ids);
    const text = r.answer >= 0 && this.knowledge ? this.knowledge.answers[r.answer] : this.tokenizer.detokenize(tokens) + CUT_MARK;
    return {
      text,
      tokens: tokens.map((t, i) => ({ text: t, prob: r.probs[i] })),
      finished: r.answer >= 0,
      cut: r.answer < 0,
      confidence: 0,
      sure: false,
      suggestions: [],
      ...(r.attention ? { attention: r.attention.slice(0, tokens.length) } : {}),
    };
  }

  /** Fills in confidence, sure and suggestions. `answer`: the trained answer the reply is (-1: none). */
  private assess(words: readonly string[], reply: Reply, decoded: Decoded, decode: DecodeOptions, near?: readonly Neighbour[]): Reply {
    const { answer, posterior } = decoded;
    const index = this.questionIndex;
    if (index === undefined || this.knowledge === undefined) {
      // A model that does not know its pairs: the lowest token probability is all there is.
      const confidence = reply.tokens.reduce((m, t) => Math.min(m, t.prob), reply.finished ? 1 : 0);
      return { ...reply, confidence, sure: confidence >= (decode.threshold ?? this.threshold), suggestions: [] };
    }
    const neighbours = near ?? index.nearest(words, NEIGHBOURS);
    const top = neighbours[0];
    const questions = this.knowledge.questions;
    const signals: ConfidenceFeatures = {
      posterior,
      minProb: reply.tokens.reduce((m, t) => Math.min(m, t.prob), 1),
      coverage: index.coverage(words),
      similarity: top?.similarity ?? 0,
      agrees: top !== undefined && questions[top.question].answer === answer,
      support: neighbours.find((n) => questions[n.question].answer === answer)?.similarity ?? 0,
      topicCoverage: answer >= 0 ? index.topicCoverage(words, answer) : 0,
      answerCoverage: answer >= 0 ? index.answerCoverage(words, this.answerWords(answer)) : 0,
      margin: decoded.margin,
      firstMargin: decoded.firstMargin,
    };
    const confidence = !reply.finished || answer < 0 ? 0 : confidenceOf(signals);
    // Suggestions: the closest trained question with the reply's answer first, then the closest others,
    // one question per answer.
    const seen = new Set<number>();
    const suggestions: string[] = [];
    const ordered = answer >= 0 ? [...neighbours.filter((n) => questions[n.question].answer === answer), ...neighbours] : [...neighbours];
    if (answer >= 0 && !ordered.some((n) => questions[n.question].answer === answer)) {
      const q = questions.findIndex((x) => x.answer === answer);
      if (q >= 0) ordered.unshift({ question: q, similarity: 0 });
    }
    for (const n of ordered) {
      const a = questions[n.question].answer;
      if (seen.has(a)) continue;
      seen.add(a);
      suggestions.push(questions[n.question].text);
      if (suggestions.length === SUGGESTIONS) break;
    }
    return { ...reply, confidence, sure: confidence >= (decode.threshold ?? this.threshold), suggestions, signals };
  }
}
