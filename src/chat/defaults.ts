/**
 * Defaults chosen so that a user's 50–500 pairs reach exact replies on their training questions without
 * tuning (verified on the embedded dataset and on an unseen random one; see README.md, "Training defaults").
 */
import { DEFAULT_NORMALIZE_OPTIONS } from '../text/normalize';
import type { DecodeOptions, TrainOptions } from './types';

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  /** Peeky (book ch. 7.4.2): the encoder's state reaches every decoder step, which learns a lookup table of pairs far faster than plain seq2seq. */
  model: 'peeky',
  /** Reversed questions (book ch. 7.4.1) shorten the path from the question's start to the answer's start. */
  reverse: true,
  /** Characters: no out-of-vocabulary words, and Japanese needs no segmenter. */
  tokenizer: 'char',
  /** Questions: NFKC, lowercase, collapsed spaces, trailing punctuation dropped. Answers keep their case (NFC, collapsed spaces). */
  normalize: DEFAULT_NORMALIZE_OPTIONS,
  /** D: embedding width; a few hundred distinct characters fit comfortably in 32 dimensions. */
  wordvec: 32,
  /** H: LSTM width; 128 memorises hundreds of pairs and keeps an epoch fast on a CPU. */
  hidden: 128,
  /** Upper bound; training stops earlier once every validation question is answered exactly (see patience). */
  epochs: 300,
  /** Small batches: more updates per epoch on small data sets. */
  batchSize: 16,
  /** Adam's step size; 0.01 is stable with clipping at this size and converges in tens of epochs. */
  learningRate: 0.01,
  optimizer: 'adam',
  /** Global gradient-norm clip (book ch. 6.3), guards against exploding gradients in the LSTMs. */
  clip: 5,
  /** 0: the user gave no split, so exact-match is measured on the training pairs (the goal is to reply to them exactly). */
  validation: 0,
  /** Stop after this many epochs without a better validation exact-match (and at 100% at once). */
  patience: 40,
  /** Fixed seed: the same pairs and options give the same model. */
  seed: 1,
  /** 30,000 tokens at H 128, D 32 is about 10 M weights (≈ 300 MB with gradients and Adam's moments in float64). */
  maxVocabulary: 30_000,
  /** One thread: the same seed then gives the same model on every machine (more threads round differently). */
  threads: 1,
};

export const DEFAULT_DECODE_OPTIONS: DecodeOptions = { strategy: 'greedy', maxLength: 80 };

/** Where the embedded default model and its pairs live, relative to the extension's (and package's) root. */
export const DEFAULT_MODEL_RELATIVE_PATH = 'data/default/model.s2s';
export const DEFAULT_PAIRS_RELATIVE_PATH = 'data/default/pairs.tsv';
