/**
 * The contract between the engine (src/) and its users: the VS Code extension (extension/), the
 * training worker and the terminal CLI. Pure types, no vscode, no DOM.
 *
 * Implementations live beside this file (src/chat/*.ts); this file only fixes the shapes so that
 * the extension and the engine can be built side by side.
 */
import type { ConfidenceFeatures } from './confidence';

/** One question/answer pair read from a pairs file. `line` is 1-based, in the source file. */
export interface Pair {
  readonly question: string;
  readonly answer: string;
  readonly line: number;
}

export interface PairWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface PairsReadResult {
  readonly format: 'tsv' | 'csv' | 'json' | 'jsonl' | 'fixed';
  readonly pairs: Pair[];
  readonly warnings: PairWarning[];
}

export type ModelKind = 'simple' | 'peeky' | 'attention';

/**
 * How questions and answers are normalised (src/text/normalize.ts). `nfkc`, `lowercase` and
 * `stripTrailingPunctuation` apply to questions only; answers keep their case and characters and get
 * only NFC and, with `collapseSpaces`, trimming and space collapsing (unless `foldAnswers`).
 */
export interface NormalizeOptions {
  /** Unicode NFKC on questions (full-width → half-width etc.). Default true. */
  readonly nfkc: boolean;
  /** Case folding (toLowerCase) of questions. Default true. */
  readonly lowercase: boolean;
  /** Trim and collapse runs of white space into one space, in questions and answers. Default true. */
  readonly collapseSpaces: boolean;
  /** Drop trailing punctuation (?!.。？！ etc.) from questions. Default true. */
  readonly stripTrailingPunctuation: boolean;
  /**
   * Apply `nfkc` and `lowercase` to answers too, so replies come out lowercased. Default false (absent =
   * false). Model files written before this option existed behaved so, and are read with it set to true.
   */
  readonly foldAnswers?: boolean;
  /**
   * Pad questions with spaces to this many characters, after the steps above (absent: no padding). The book's
   * character tasks read fixed-width questions, and reversed their padding comes first, which tells the
   * encoder the question's length before its first character; trained on trimmed questions, the attention
   * model on the book's dates sat on a loss plateau for a whole epoch (docs/engine.md). A character task
   * pads to its longest training question (src/chat/train.ts), and replies pad the same way.
   */
  readonly padQuestions?: number;
}

/** Options every decoding strategy shares. */
export interface ReplyOptions {
  /** Longest reply in tokens; default the model's own limit (its longest trained answer plus a margin). */
  readonly maxLength?: number;
  /**
   * Greedy only: reply with one of the trained answers, spelled by the decoder under the constraint that
   * every step continues a trained answer (src/decode/constrained.ts). Default true when the model knows its
   * answers; false: free generation, any text the decoder produces.
   */
  readonly constrained?: boolean;
  /**
   * Constrained replies: weight of the lexical prior (src/decode/constrained.ts `AnswerPrior`): at each branch
   * among the trained answers, a branch's score gains this times the IDF-cosine similarity of the question to
   * the closest trained question of an answer down that branch. 0 = the decoder alone. Default
   * LEXICAL_PRIOR_WEIGHT (src/chat/defaults.ts).
   */
  readonly lexicalPrior?: number;
  /** Confidence below which the reply is not sure; default the model's own threshold. */
  readonly threshold?: number;
}

export type DecodeOptions =
  | ({ readonly strategy: 'greedy' } & ReplyOptions)
  | ({ readonly strategy: 'beam'; readonly beamWidth: number } & ReplyOptions)
  | ({ readonly strategy: 'sample'; readonly temperature: number; readonly seed?: number } & ReplyOptions);

export interface ReplyToken {
  readonly text: string;
  /** Probability the model gave this token when it was chosen. */
  readonly prob: number;
}

export interface Reply {
  readonly text: string;
  readonly tokens: ReplyToken[];
  /** Beam search: n-best alternatives, best first, with length-normalised log-probability scores. */
  readonly alternatives?: { readonly text: string; readonly score: number }[];
  /** Attention models: weights[answerStep][questionToken], for showing to a user. */
  readonly attention?: number[][];
  /** Whether the reply stopped at the end token (false: cut at maxLength). */
  readonly finished: boolean;
  /** True when the reply hit the maximum length before END (`!finished`); `text` then ends with `…`. */
  readonly cut: boolean;
  /**
   * Calibrated probability, in [0, 1], that the reply is the right answer to the question
   * (src/chat/confidence.ts says how it is computed and calibrated).
   */
  readonly confidence: number;
  /** `confidence` reached the threshold: show the reply. Otherwise show NOT_SURE_MESSAGE and `suggestions`. */
  readonly sure: boolean;
  /** The closest trained questions, best first (at most 3), offered as "Did you mean …?" when not sure. */
  readonly suggestions: string[];
  /** What `confidence` was computed from (src/chat/confidence.ts), when the model knows its training pairs. */
  readonly signals?: ConfidenceFeatures;
}

/** Hyperparameters of one training run; every field has a documented default in src/chat/defaults.ts. */
export interface TrainOptions {
  readonly model: ModelKind;
  /**
   * How the encoder reads questions. 'words' (default): words with English stemming and Japanese word
   * segmentation (src/text/analyze.ts), in a vocabulary of their own, so that rephrasings share tokens;
   * `tokenizer` then applies to answers only. 'same': the question is tokenized like the answer, with one
   * shared vocabulary (the book's setting; models written before this option existed). Absent = 'same'.
   */
  readonly questionTokens?: 'words' | 'same';
  /**
   * Share of training questions read with noise in each epoch (words replaced by UNK or dropped), so
   * that the model learns to answer from part of a question and the UNK embedding is trained. 0 = none.
   */
  readonly questionNoise?: number;
  /**
   * Simple and peeky models: the encoder adds a bag of embeddings (the mean of a second question embedding
   * over the question's words) to its last state, so a rephrasing with the same words in another order
   * reads alike (src/models/seq2seq.ts `Encoder`). Absent = on for peeky with word questions (the dialog
   * defaults), off otherwise (the book's models and character tasks).
   */
  readonly bag?: boolean;
  /**
   * Word questions: each user answer's own words are also trained as questions for it (a few words drawn at a
   * time), so a rephrasing that uses the answer's words ("is it ok to bring a cat" for "Dogs and cats are
   * welcome …") reads as that topic. Absent = on for the simple and peeky models with word questions and
   * question noise (the dialog defaults). Words only: at most 16 per answer, and none when they would take the
   * question table over maxVocabulary.
   */
  readonly answerWords?: boolean;
  readonly reverse: boolean;
  readonly tokenizer: 'char' | 'word';
  readonly normalize: NormalizeOptions;
  readonly wordvec: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly clip: number;
  /** Fraction of pairs held out for validation (0 = validate on the training pairs). */
  readonly validation: number;
  /** Stop after this many epochs without validation improvement (0 = never). */
  readonly patience: number;
  readonly seed: number;
  /**
   * Largest vocabulary (distinct tokens plus the 4 reserved) training accepts; more is refused before the
   * model is built, since the embeddings and the output layer grow with it. Default 30,000.
   */
  readonly maxVocabulary?: number;
  /**
   * Largest estimated memory a training may need, in bytes (src/chat/memory.ts; default
   * TRAINING_MEMORY_LIMIT, 2 GiB); a larger one is refused before anything is allocated.
   */
  readonly maxTrainingMemory?: number;
  /**
   * Threads that share each mini-batch (data parallelism: this one and threads − 1 worker threads, each
   * taking a part of the rows; src/train/parallel.ts). 1 = this thread only. Absent: 2 when batchSize is 64
   * or more and the caller reports 2+ processors (`environment.cores`), else 1 (`autoThreads`). Needs the
   * caller to say where the worker script is (`environment.workerFile`); without it training uses one thread.
   */
  readonly threads?: number;
  /**
   * Train the embedded small talk (greetings, thanks, "what can you do"; data/default/smalltalk.tsv) together
   * with the user's, the user's pair winning on a conflict. Default true (absent = true). Needs the caller to
   * pass them (trainChatModel's `environment.defaultPairs`).
   */
  readonly includeDefaultPairs?: boolean;
}

export interface TrainProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly iteration: number;
  readonly iterations: number;
  readonly loss: number;
  readonly samplesPerSecond: number;
  /**
   * Seconds until the last of `epochs` would end, estimated from the time per sample so far (the
   * exact-match check after each epoch included, once one has run). An upper bound: training usually
   * stops earlier, at the first epoch with 100% exact-match or after `patience` epochs without
   * improvement. Show it as such (the CLI prints `ETA ≤ 3m12s`).
   */
  readonly eta: number;
}

export interface EpochReport {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss?: number;
  /** Exact-match accuracy on the validation pairs, 0..1. */
  readonly accuracy: number;
  /**
   * Model-selection score (higher is better): chat training adds the exact-match on noisy copies of the
   * validation questions (words dropped or unknown) to `accuracy`, a stand-in for unseen rephrasings.
   */
  readonly score?: number;
  readonly seconds: number;
}

/** Something shaped like vscode.CancellationToken, so the trainer never imports vscode. */
export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
}

export type CancelSignal = AbortSignal | CancellationTokenLike;

export interface TrainCallbacks {
  onProgress?(p: TrainProgress): void;
  onEpoch?(r: EpochReport): void;
  /** Something went wrong that training recovered from (a worker thread lost: it goes on in fewer threads). */
  onWarning?(message: string): void;
}

export interface TrainingReport {
  readonly dataHash: string;
  /** The user's pairs. */
  readonly pairs: number;
  /** Embedded default pairs (small talk) trained with them (TrainOptions.includeDefaultPairs). */
  readonly defaultPairs?: number;
  readonly epochs: number;
  readonly stoppedBy: 'completed' | 'early-stopping' | 'cancelled' | 'non-finite';
  readonly loss: number;
  readonly accuracy: number;
  readonly date: string;
  readonly seconds: number;
  /** Why training stopped early, in words, when it was not by choice (stoppedBy 'non-finite'). */
  readonly message?: string;
}

/** A pair the model did not answer right (src/chat/evaluate.ts). */
export interface EvaluationFailure {
  readonly line: number;
  readonly question: string;
  readonly expected: string;
  readonly got: string;
  /** Whether the reply was sure (a sure wrong reply, or a not-sure one). */
  readonly sure: boolean;
  readonly confidence: number;
}

/** One pair as evaluated: the reply, whether it was sure, and whether it was right (sure and exactly the answer). */
export interface PairOutcome extends EvaluationFailure {
  readonly right: boolean;
}
