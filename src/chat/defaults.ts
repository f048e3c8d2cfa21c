/**
 * Defaults chosen so that a user's 50–500 pairs are answered exactly, rephrasings of them are understood,
 * and off-topic questions are not, without tuning (measured by `npm run bench:quality` on three hand-written
 * FAQ domains in English and Japanese; README.md, "Answers you can trust").
 */
import { DEFAULT_NORMALIZE_OPTIONS } from '../text/normalize';
import type { DecodeOptions, PairsReadResult, TrainOptions } from './types';

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  /**
   * Peeky (book ch. 7.4.2): the encoder's state reaches every decoder step. Measured against attention on
   * the quality benchmark with word questions and noise: as good or better on unseen phrasings (attention
   * 65 % vs peeky 75–82 % on the hotel FAQ) at about half the training time.
   */
  model: 'peeky',
  /** Questions read as stemmed / segmented words with a table of their own (src/text/analyze.ts): rephrasings share words, not characters. */
  questionTokens: 'words',
  /** Half the training questions of each epoch are read with noise: keyword copies or word dropout (src/chat/augment.ts). */
  questionNoise: 0.5,
  /** Reversed questions (book ch. 7.4.1) shorten the path from the question's start to the answer's start. */
  reverse: true,
  /**
   * Answers as words (runs of letters, spaces, punctuation; CJK characters one by one): a reply is a third as
   * many decoder steps as with characters, so training and replies are about 3× faster, and with replies
   * constrained to the trained answers nothing is lost (detokenize(tokenize(s)) === s).
   */
  tokenizer: 'word',
  /** Questions: NFKC, lowercase, collapsed spaces, trailing punctuation dropped. Answers keep their case (NFC, collapsed spaces). */
  normalize: DEFAULT_NORMALIZE_OPTIONS,
  /** D: embedding width; a few hundred distinct characters fit comfortably in 32 dimensions. */
  wordvec: 32,
  /** H: LSTM width; 64 tells hundreds of answers apart and halves an epoch's time against 128, with no loss on the benchmark. */
  hidden: 64,
  /** Upper bound; training stops earlier once every validation question is answered exactly (see patience). */
  epochs: 300,
  /** Small batches: more updates per epoch on small data sets. */
  batchSize: 16,
  /** Adam's step size; 0.02 is stable with clipping at this size and converges in 25–40 epochs (0.03 was worse on unseen phrasings). */
  learningRate: 0.02,
  optimizer: 'adam',
  /** Global gradient-norm clip (book ch. 6.3), guards against exploding gradients in the LSTMs. */
  clip: 5,
  /** 0: the user gave no split, so exact-match is measured on the training pairs (the goal is to reply to them exactly). */
  validation: 0,
  /** Stop after this many epochs without a better selection score (trained questions, then their noisy copies). */
  patience: 8,
  /** Fixed seed: the same pairs and options give the same model. */
  seed: 1,
  /** 30,000 tokens at H 128, D 32 is about 10 M weights (≈ 300 MB with gradients and Adam's moments in float64). */
  maxVocabulary: 30_000,
  // threads: absent, so chosen per training (src/train/parallel.ts `autoThreads`): 2 for batches of 64 rows or
  // more on 2+ cores, else 1. The default batch of 16 stays on one thread, where the same seed gives the same
  // model on every machine (more threads add the gradients in another order, so they round differently).
};

/**
 * The book's fixed-width files (`16+75  _91`, `september 27, 1994  _1994-09-27`) hold its character tasks:
 * every character of a question matters and the answer is computed from it, not chosen among a few. The
 * dialog defaults above slow these down (issue #11, docs/engine.md: on the book's date split, 300 iterations
 * in, word dropout and keyword copies hide the digits the answer needs), so such a file trains as the book
 * trains it: questions and answers as characters in one table, no question noise, no small talk.
 */
export const CHARACTER_TASK_OPTIONS: Pick<TrainOptions, 'tokenizer' | 'questionTokens' | 'questionNoise' | 'includeDefaultPairs'> = {
  tokenizer: 'char',
  questionTokens: 'same',
  questionNoise: 0,
  includeDefaultPairs: false,
};

/**
 * The options a pairs file of `format` trains with: `given` (what the user chose) over CHARACTER_TASK_OPTIONS
 * when `characters` says so (CLI `--characters` / `--no-characters`), or by default for the fixed-width format.
 */
export function optionsForFormat(format: PairsReadResult['format'], given: Partial<TrainOptions>, characters = format === 'fixed'): Partial<TrainOptions> {
  return characters ? { ...CHARACTER_TASK_OPTIONS, ...given } : given;
}

/** Whether a model was trained with CHARACTER_TASK_OPTIONS (its answers computed from the questions, not chosen). */
export function isCharacterTask(options: Partial<TrainOptions>): boolean {
  return options.tokenizer === 'char' && options.questionTokens !== 'words' && (options.questionNoise ?? 0) === 0;
}

/**
 * How a model's replies are decoded and counted when the caller asked for `decode`. A character task
 * (isCharacterTask) is measured as the book measures it: free generation, every reply counted. Its answers are
 * computed from the question, so most test answers were never trained (7.2 % of the book's 5,000 test dates)
 * and replies chosen among the trained answers cannot give them; and every test question is new by
 * construction, so the confidence, which leans on the closest trained question, cannot judge a reply (on the
 * book's test dates it left 7.4 % of the free replies "not sure", 338 of them right). An explicit threshold still
 * applies. Dialog models keep `decode` as it is.
 */
export function decodeFor(options: Partial<TrainOptions>, decode: DecodeOptions): DecodeOptions {
  return isCharacterTask(options) ? { ...decode, constrained: false, threshold: decode.threshold ?? 0 } : decode;
}

/**
 * Whether a training adds the bag of embeddings to the encoder (TrainOptions.bag): as asked, else for the
 * dialog defaults only (peeky, word questions). On the quality benchmark it lifts unseen phrasings answered
 * right (docs/trust.md).
 */
export function usesBag(o: Pick<TrainOptions, 'bag' | 'model' | 'questionTokens'>): boolean {
  return o.bag ?? (o.model === 'peeky' && o.questionTokens === 'words');
}

/**
 * Whether a training also trains each user answer's words as questions for it (TrainOptions.answerWords): as
 * asked, else for the dialog defaults (word questions read with noise; the simple and peeky models, where it
 * was measured).
 */
export function usesAnswerWords(o: Pick<TrainOptions, 'answerWords' | 'model' | 'questionTokens' | 'questionNoise'>): boolean {
  return o.answerWords ?? (o.model !== 'attention' && o.questionTokens === 'words' && (o.questionNoise ?? 0) > 0);
}

/**
 * Weight of the lexical prior in constrained replies (DecodeOptions.lexicalPrior): at a branch among the
 * trained answers, a branch's logit gains this times the IDF cosine of the question to the closest trained
 * question of an answer down it (src/decode/constrained.ts `AnswerPrior`), so the decoder's choice leans
 * towards answers whose questions share the question's rare words. Measured on the quality benchmark
 * (docs/trust.md): unseen phrasings right ignoring the threshold +1.5 to +2 points at 2–4, 100 % of the
 * trained questions kept.
 */
export const LEXICAL_PRIOR_WEIGHT = 4;

/** Greedy, constrained to the trained answers when the model knows them, at the model's own length limit. */
export const DEFAULT_DECODE_OPTIONS: DecodeOptions = { strategy: 'greedy' };

/** Where the embedded default model and its pairs live, relative to the extension's (and package's) root. */
export const DEFAULT_MODEL_RELATIVE_PATH = 'data/default/model.s2s';
export const DEFAULT_PAIRS_RELATIVE_PATH = 'data/default/pairs.tsv';
/** The small talk trained with a user's pairs (a subset of the default pairs; TrainOptions.includeDefaultPairs). */
export const SMALL_TALK_RELATIVE_PATH = 'data/default/smalltalk.tsv';
