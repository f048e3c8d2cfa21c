/**
 * trainChatModel: pairs → a ChatModel (book ch. 7.3 `train_seq2seq.py`: Adam, clip_grads, batches, then
 * greedy generation to measure exact-match after every epoch).
 *
 * Differences from the book, for small user data sets: the vocabulary comes from the pairs; batches are
 * PAD-padded per batch (questions in reading order, answers as START … END); after each epoch the
 * validation questions (the training ones when `validation` is 0) are answered greedily and compared
 * exactly; the engine's trainer (src/train) keeps the best epoch's weights, and training stops at 100%
 * or after `patience` epochs without improvement. Cancelling returns the best model so far with
 * `stoppedBy: 'cancelled'`; a loss that turns non-finite before any epoch completed throws TrainingError
 * (later, the best epoch is kept and `stoppedBy` is 'non-finite').
 */
import { createModel } from '../models';
import type { Seq2seqModel } from '../models/types';
import { UNK } from '../models/tokens';
import { Adam, SGD, type Optimizer } from '../optim';
import { isCancelled, train } from '../train';
import { autoThreads, DataParallel } from '../train/parallel';
import { Random } from '../random';
import { createTokenizer, normalizeAnswer, normalizeQuestion, Vocabulary } from '../text';
import { MAX_PAD } from '../text/normalize';
import { questionWords } from '../text/analyze';
import { constrainedBatch } from '../decode/constrained';
import { activeWasmBuild } from '../layers/wasm-layers';
import { answerWordsQuestion, keywordQuestion, noisyQuestion } from './augment';
import { DEFAULT_CONFIDENCE_THRESHOLD } from './confidence';
import { withDefaultPairs } from './default-pairs';
import { decodeFor, DEFAULT_DECODE_OPTIONS, DEFAULT_TRAIN_OPTIONS, isCharacterTask, usesAnswerWords, usesBag } from './defaults';
import { TrainingError } from './errors';
import { evaluateChatModel, greedyReplies } from './evaluate';
import { longestRow, padRows } from './greedy';
import { checkTrainingMemory } from './memory';
import { ChatModel, type ModelKnowledge } from './model';
import type { CancellationTokenLike, CancelSignal, EpochReport, Pair, TrainCallbacks, TrainingReport, TrainOptions } from './types';

/**
 * Mean cross-entropy per token above which training counts as diverged: an untrained model starts near
 * ln V (< 12 nats for any vocabulary that fits in memory); 1,000 means the weights blew up (learning rate
 * far too high), even while the loss is still a finite number.
 */
const DIVERGED_LOSS = 1000;

/** Largest seed: the generator's state is 32 bits. */
export const MAX_SEED = 2 ** 32 - 1;

/** Most threads `threads` accepts. */
export const MAX_THREADS = 64;

/** Where trainChatModel runs: what only the caller knows. */
export interface TrainEnvironment {
  /**
   * The training worker script (dist/worker.js in the extension, out/src/worker/trainWorker.js from the
   * CLI), which data-parallel training (options.threads > 1) starts as helper threads.
   */
  readonly workerFile?: string;
  /** Processors available to this process (os.availableParallelism()): with `threads` absent, 2+ allows two threads. Default 1. */
  readonly cores?: number;
  /** The embedded default pairs (readDefaultPairs), trained with the user's unless `includeDefaultPairs` is false. */
  readonly defaultPairs?: readonly Pair[];
  /** Called after each epoch (after onEpoch) with the model as that epoch left it: benchmarks measure it on a test file. */
  readonly afterEpoch?: (model: ChatModel, report: EpochReport) => void;
}

export interface Example {
  readonly x: number[];
  /** START, answer ids, END. */
  readonly t: number[];
  /** Index of the answer in the model's knowledge: a reply is right when it is this answer. */
  readonly answer: number;
  readonly pair: Pair;
  /** One of the embedded default pairs (small talk), not the user's (absent: the user's). */
  readonly builtIn?: boolean;
  /** The answer's own words as its question (TrainOptions.answerWords): trained only, a few words drawn each time. */
  readonly fromAnswer?: boolean;
}

/** Epochs without a better selection score after which the learning rate is halved. */
const DECAY_AFTER = 3;
/** Rate of word noise (UNK or dropped) in a noisy question (src/chat/augment.ts). */
const NOISE_RATE = 0.25;
/** Words drawn from an answer for a question made of its words (about as many as a short question has). */
const ANSWER_WORDS = 3;
/** Most distinctive words kept per answer (the first in the answer), so long answers do not flood the question table. */
const ANSWER_WORDS_KEPT = 16;
/** Margin of the reply limit over the longest trained answer: 20 %, at least 10 tokens. */
export function replyLimit(longest: number): number {
  return longest + Math.max(10, Math.ceil(longest * 0.2));
}

/** Validates and completes options (numbers in range, known kinds), naming the field and the value received. */
export function resolveTrainOptions(options: Partial<TrainOptions> = {}): TrainOptions {
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options, normalize: { ...DEFAULT_TRAIN_OPTIONS.normalize, ...options.normalize } };
  const ints: (keyof TrainOptions)[] = ['wordvec', 'hidden', 'epochs', 'batchSize'];
  for (const k of ints) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new TrainingError(`expected ${k} to be a positive integer, got ${String(v)}`);
  }
  if (!Number.isInteger(o.patience) || o.patience < 0) throw new TrainingError(`expected patience to be a non-negative integer, got ${o.patience}`);
  // The generator keeps 32 bits (seed >>> 0): 2^32 and 1e300 would silently mean seed 0.
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > MAX_SEED) throw new TrainingError(`expected seed to be an integer from 0 to ${MAX_SEED}, got ${o.seed}`);
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate)) throw new TrainingError(`expected learningRate above 0, got ${o.learningRate}`);
  if (!(o.clip > 0)) throw new TrainingError(`expected clip above 0, got ${o.clip}`);
  if (!(o.validation >= 0 && o.validation < 1)) throw new TrainingError(`expected validation in [0, 1), got ${o.validation}`);
  if (!['simple', 'peeky', 'attention'].includes(o.model)) throw new TrainingError(`expected model simple, peeky or attention, got ${String(o.model)}`);
  if (o.questionTokens !== undefined && o.questionTokens !== 'words' && o.questionTokens !== 'same') throw new TrainingError(`expected questionTokens words or same, got ${String(o.questionTokens)}`);
  if (o.bag !== undefined && typeof o.bag !== 'boolean') throw new TrainingError(`expected bag true or false, got ${String(o.bag)}`);
  if (o.bag === true && o.model === 'attention') throw new TrainingError('expected bag only with the simple or peeky model (attention reads every encoder state), got model attention');
  if (o.questionNoise !== undefined && !(o.questionNoise >= 0 && o.questionNoise <= 1)) throw new TrainingError(`expected questionNoise in [0, 1], got ${o.questionNoise}`);
  if (o.tokenizer !== 'char' && o.tokenizer !== 'word') throw new TrainingError(`expected tokenizer char or word, got ${String(o.tokenizer)}`);
  if (o.optimizer !== 'adam' && o.optimizer !== 'sgd') throw new TrainingError(`expected optimizer adam or sgd, got ${String(o.optimizer)}`);
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 1 && o.threads <= MAX_THREADS)) {
    throw new TrainingError(`expected threads to be an integer from 1 to ${MAX_THREADS}, got ${o.threads}`);
  }
  if (o.maxTrainingMemory !== undefined && !(Number.isFinite(o.maxTrainingMemory) && o.maxTrainingMemory > 0)) {
    throw new TrainingError(`expected maxTrainingMemory to be a positive number of bytes, got ${o.maxTrainingMemory}`);
  }
  if (o.maxVocabulary !== undefined && !(Number.isInteger(o.maxVocabulary) && o.maxVocabulary > 4)) {
    throw new TrainingError(`expected maxVocabulary to be an integer above 4, got ${o.maxVocabulary}`);
  }
  return o;
}

/**
 * Refuses a vocabulary over `maxVocabulary` before a model is built for it. With a question table of its own,
 * both tables count: the encoder's embedding grows with one, the decoder's embedding and output layer with the other.
 */
export function checkVocabularySize(vocabulary: Vocabulary, questionVocabulary: Vocabulary | undefined, o: TrainOptions): void {
  const maxVocabulary = o.maxVocabulary ?? DEFAULT_TRAIN_OPTIONS.maxVocabulary ?? Number.POSITIVE_INFINITY;
  const tokens = vocabulary.size + (questionVocabulary ? questionVocabulary.size - 4 : 0);
  if (tokens > maxVocabulary) {
    throw new TrainingError(
      `the pairs give a vocabulary of ${tokens.toLocaleString('en-US')} tokens (distinct ${o.tokenizer === 'word' ? 'words' : 'characters'}), ` +
        `over the limit of ${maxVocabulary.toLocaleString('en-US')} (limit maxVocabulary; change it with --max-vocabulary or the setting seq2seqChat.limits.maxVocabulary` +
        `${o.tokenizer === 'word' ? ', or train with the character tokenizer' : ''})`,
    );
  }
}

/** Batches of up to `batchSize` examples of similar answer length (sorted within random groups of 8 batches). */
function lengthBuckets(examples: readonly Example[], batchSize: number, rng: Random): Example[][] {
  const order = rng.permutation(examples.length);
  const batches: Example[][] = [];
  const group = batchSize * 8;
  for (let s = 0; s < order.length; s += group) {
    const part = order.slice(s, s + group).sort((a, b) => examples[a].t.length - examples[b].t.length || a - b);
    for (let b = 0; b < part.length; b += batchSize) batches.push(part.slice(b, b + batchSize).map((i) => examples[i]));
  }
  return batches;
}

/**
 * Share of examples answered with their own answer, decoded as replies are by default (constrained greedy,
 * src/decode/constrained.ts), so training's exact-match and `eval` agree. `xs` overrides the questions.
 */
export function exactMatch(model: ChatModel, examples: readonly Example[], xs: readonly (readonly number[])[] = examples.map((e) => e.x)): number {
  if (examples.length === 0) return 0;
  return answeredRight(model, examples, xs).filter(Boolean).length / examples.length;
}

/** For each example, whether the constrained greedy reply (as exactMatch decodes) is its own answer. */
export function answeredRight(model: ChatModel, examples: readonly Example[], xs: readonly (readonly number[])[] = examples.map((e) => e.x)): boolean[] {
  const trie = model.answerTrie;
  if (trie === undefined) return examples.map(() => false);
  const right: boolean[] = [];
  for (let s = 0; s < examples.length; s += 64) {
    const rows = constrainedBatch(model.engine, xs.slice(s, s + 64).map((x) => (x.length > 0 ? x : [UNK])), trie, model.maxReplyLength, false);
    rows.forEach((r, i) => right.push(r.answer === examples[s + i].answer));
  }
  return right;
}

/** Share of examples whose free greedy reply (no constraint) ends with END and spells the answer exactly. */
function freeExactMatch(model: ChatModel, examples: readonly Example[]): number {
  const answers = model.knowledge?.answers ?? [];
  let right = 0;
  for (let s = 0; s < examples.length; s += 64) {
    const part = examples.slice(s, s + 64);
    const replies = greedyReplies(model, part.map((e) => e.x), model.maxReplyLength);
    replies.forEach((r, i) => {
      if (r.finished && r.text === answers[part[i].answer]) right++;
    });
  }
  return examples.length === 0 ? 0 : right / examples.length;
}

/** An answer (its first pair) and the question words only it uses. */
export interface AnswerWords {
  readonly pair: Pair;
  readonly words: readonly string[];
}

/**
 * For each distinct answer of `userPairs`, its distinctive words, read as question words (stemmed /
 * segmented, src/text/analyze.ts): those no other answer's text uses and no question of another answer
 * (among `pairs`, tokenized as `questionTokens`) uses, so that a question made of them can only mean this
 * answer. Answers without such words are left out.
 */
export function answerWordQuestions(userPairs: readonly Pair[], pairs: readonly Pair[], questionTokens: readonly string[][], o: TrainOptions): AnswerWords[] {
  const answerOf = (p: Pair): string => normalizeAnswer(p.answer, o.normalize);
  const wordsOf = new Map<string, { pair: Pair; words: string[] }>();
  for (const p of userPairs) {
    const a = answerOf(p);
    if (!wordsOf.has(a)) wordsOf.set(a, { pair: p, words: [...new Set(questionWords(normalizeQuestion(p.answer, o.normalize)))] });
  }
  // Which answers each word is used by: in their text, or in the questions trained for them.
  const users = new Map<string, Set<string>>();
  const use = (w: string, a: string): void => {
    const s = users.get(w);
    if (s === undefined) users.set(w, new Set([a]));
    else s.add(a);
  };
  for (const [a, { words }] of wordsOf) for (const w of words) use(w, a);
  pairs.forEach((p, i) => {
    const a = answerOf(p);
    for (const w of questionTokens[i]) use(w, a);
  });
  const out: AnswerWords[] = [];
  for (const { pair, words } of wordsOf.values()) {
    const own = words.filter((w) => users.get(w)?.size === 1).slice(0, ANSWER_WORDS_KEPT);
    if (own.length > 0) out.push({ pair, words: own });
  }
  return out;
}

/**
 * A character task's questions padded to its longest training question, as the book's fixed-width files are
 * (NormalizeOptions.padQuestions; at most MAX_PAD): on the book's dates, trimmed questions left the CLI on
 * a loss plateau (docs/engine.md, *The CLI on the book's date task*). Other options are returned as they are.
 */
export function withQuestionWidth(o: TrainOptions, pairs: readonly Pair[]): TrainOptions {
  if (!isCharacterTask(o) || o.normalize.padQuestions !== undefined) return o;
  const width = Math.min(MAX_PAD, longestRow(pairs.map((p) => Array.from(normalizeQuestion(p.question, o.normalize)))));
  return width > 0 ? { ...o, normalize: { ...o.normalize, padQuestions: width } } : o;
}

function meanLoss(engine: Seq2seqModel, examples: readonly Example[], batch = 64): number {
  let total = 0;
  for (let s = 0; s < examples.length; s += batch) {
    const part = examples.slice(s, s + batch);
    total += engine.forward(padRows(part.map((e) => e.x)), padRows(part.map((e) => e.t))) * part.length;
  }
  return total / examples.length;
}

export async function trainChatModel(
  userPairs: readonly Pair[],
  options: Partial<TrainOptions> = {},
  callbacks: TrainCallbacks = {},
  signal?: CancelSignal,
  dataHash = '',
  environment: TrainEnvironment = {},
): Promise<{ model: ChatModel; report: TrainingReport; epochs: EpochReport[] }> {
  const resolved = resolveTrainOptions(options);
  if (userPairs.length === 0) throw new TrainingError('expected at least one question/answer pair, got none');
  const pairs = resolved.includeDefaultPairs !== false && environment.defaultPairs ? withDefaultPairs(userPairs, environment.defaultPairs, resolved.normalize) : userPairs;
  const o = withQuestionWidth(resolved, pairs);
  const started = Date.now();
  const tokenizer = createTokenizer(o.tokenizer);
  const words = o.questionTokens === 'words';
  const answerTokens = pairs.map((p) => tokenizer.tokenize(normalizeAnswer(p.answer, o.normalize)));
  const questionTokens = pairs.map((p) => {
    const q = normalizeQuestion(p.question, o.normalize);
    return words ? questionWords(q) : tokenizer.tokenize(q);
  });
  const vocabulary = words ? Vocabulary.build(answerTokens) : Vocabulary.build(pairs.flatMap((_, i) => [questionTokens[i], answerTokens[i]]));
  // The user's distinct answers read as questions (TrainOptions.answerWords), by the words that only they use.
  let answerPairs = words && usesAnswerWords(o) ? answerWordQuestions(userPairs, pairs, questionTokens, o) : [];
  let questionVocabulary = words ? Vocabulary.build([...questionTokens, ...answerPairs.map((a) => a.words)]) : undefined;
  if (answerPairs.length > 0 && vocabulary.size + (questionVocabulary?.size ?? 4) - 4 > (o.maxVocabulary ?? DEFAULT_TRAIN_OPTIONS.maxVocabulary ?? Number.POSITIVE_INFINITY)) {
    // An aid, not a requirement: without the answers' words the table may fit (the check below says if not).
    answerPairs = [];
    questionVocabulary = Vocabulary.build(questionTokens);
  }
  checkVocabularySize(vocabulary, questionVocabulary, o);
  // Refuse a training that would not fit before allocating anything (src/chat/memory.ts derives the figure).
  const held = o.validation > 0 && pairs.length > 1 ? Math.min(pairs.length - 1, Math.max(1, Math.round(pairs.length * o.validation))) : 0;
  const threads = o.threads ?? autoThreads(o.batchSize, environment.cores ?? 1);
  checkTrainingMemory(
    {
      kind: o.model,
      vocabSize: vocabulary.size,
      ...(questionVocabulary ? { sourceVocabSize: questionVocabulary.size } : {}),
      bag: usesBag(o),
      wordvec: o.wordvec,
      hidden: o.hidden,
      batch: Math.min(o.batchSize, pairs.length - held),
      answerLength: longestRow(answerTokens),
      questionLength: longestRow(questionTokens),
      validationPairs: held,
      optimizer: o.optimizer,
      threads,
      float32: activeWasmBuild() !== null,
    },
    o.batchSize,
    o.maxTrainingMemory,
  );
  const rng = new Random(o.seed);
  const engine = createModel(
    o.model,
    { vocabSize: vocabulary.size, ...(questionVocabulary ? { sourceVocabSize: questionVocabulary.size } : {}), wordvec: o.wordvec, hidden: o.hidden, reverse: o.reverse, ...(usesBag(o) ? { bag: true } : {}) },
    rng,
  );
  // The distinct answers in order of first appearance, and every question with its answer's index.
  const answers: string[] = [];
  const answerIndex = new Map<string, number>();
  const questions = pairs.map((p) => {
    const expected = normalizeAnswer(p.answer, o.normalize);
    let a = answerIndex.get(expected);
    if (a === undefined) {
      a = answers.length;
      answers.push(expected);
      answerIndex.set(expected, a);
    }
    return { text: p.question, answer: a };
  });
  const longest = Math.max(1, longestRow(answerTokens));
  const knowledge: ModelKnowledge = {
    ...(questionVocabulary ? { questionVocabulary } : {}),
    answers,
    questions,
    maxReplyLength: replyLimit(longest),
    threshold: DEFAULT_CONFIDENCE_THRESHOLD,
  };
  const chat = new ChatModel(engine, vocabulary, o, undefined, knowledge);
  const examples: Example[] = pairs.map((p, i) => ({
    x: chat.encodeQuestion(p.question), t: chat.encodeAnswer(p.answer), answer: questions[i].answer, pair: p, builtIn: i >= userPairs.length,
  }));
  // Hold out a validation share (at least one pair, at most all but one) when asked.
  let trainSet = examples;
  let valSet = examples;
  if (o.validation > 0 && examples.length > 1) {
    const order = rng.permutation(examples.length);
    const k = Math.min(examples.length - 1, Math.max(1, Math.round(examples.length * o.validation)));
    valSet = order.slice(0, k).map((i) => examples[i]);
    trainSet = order.slice(k).map((i) => examples[i]);
  }
  // Trained, never checked: the answers' words as questions for them.
  const answerExamples: Example[] = answerPairs.map(({ pair, words }) => ({
    x: chat.questionVocabulary.encode(words), t: chat.encodeAnswer(pair.answer), answer: answerIndex.get(normalizeAnswer(pair.answer, o.normalize)) ?? 0, pair, fromAnswer: true,
  }));
  const fitted = answerExamples.length > 0 ? [...trainSet, ...answerExamples] : trainSet;
  // Checked in order of answer length, so that the rows of a decoding batch end at about the same step.
  const checked = [...valSet].sort((a, b) => a.t.length - b.t.length);
  // The noisy copies stand for the user's rephrasings: of the user's questions when there are any.
  const checkedNoisy = checked.some((e) => !e.builtIn) && checked.some((e) => e.builtIn) ? checked.filter((e) => !e.builtIn) : checked;
  // Model selection also looks at noisy copies of the validation questions (fixed for the whole run): a
  // stand-in for the rephrasings the user will ask, which exact-match on the trained questions cannot see.
  const noiseRng = new Random(o.seed + 2);
  const questionNoise = o.questionNoise ?? 0;
  // Inverse document frequency of each question token over the training questions, for keyword copies.
  const df = new Map<number, number>();
  for (const e of trainSet) for (const id of new Set(e.x)) df.set(id, (df.get(id) ?? 0) + 1);
  const idf = (id: number): number => Math.log(1 + trainSet.length / (df.get(id) ?? 1));
  /** A noisy question: half keyword copies, half word dropout (src/chat/augment.ts). */
  const noisy = (x: readonly number[]): number[] => (noiseRng.uniform() < 0.5 ? keywordQuestion(x, noiseRng, idf) : noisyQuestion(x, noiseRng, NOISE_RATE));
  // Two noisy copies of each checked question, one of each kind; none without question noise (the book's
  // character tasks, CHARACTER_TASK_OPTIONS: a date with a digit dropped has another answer), where they
  // would triple the time of every epoch's check on 45,000 dates and measure nothing.
  const noisyChecked = questionNoise > 0 ? [...checkedNoisy, ...checkedNoisy] : [];
  const characterTask = isCharacterTask(o);
  const noisyVal = questionNoise > 0 ? [...checkedNoisy.map((e) => noisyQuestion(e.x, noiseRng, NOISE_RATE)), ...checkedNoisy.map((e) => keywordQuestion(e.x, noiseRng, idf))] : [];
  const optimizer: Optimizer & { lr: number } = o.optimizer === 'adam' ? new Adam({ lr: o.learningRate }) : new SGD(o.learningRate);
  // The engine's trainer stops on cancel; "every validation question answered exactly" stops it the same
  // way, through this signal, and is reported as early stopping.
  let solved = false;
  const stop: CancellationTokenLike = {
    get isCancellationRequested(): boolean {
      return solved || isCancelled(signal);
    },
  };
  // Batches of similar answer length waste less work on padding (about 25% on the default data). The
  // trainer shuffles "slots" 0..B-1; the batches behind the slots are drawn anew after every epoch.
  const bucketRng = new Random(o.seed + 1);
  let batches = lengthBuckets(fitted, o.batchSize, bucketRng);
  const slots = batches.map((_, i) => i);
  const perBatch = fitted.length / batches.length;
  const onProgress = callbacks.onProgress;
  let bestScore = Number.NEGATIVE_INFINITY;
  let flat = 0;
  let evalSeconds = 0; // time spent in exact-match checks, for the ETA
  let evaluations = 0;
  const parallel = threads > 1 && environment.workerFile !== undefined
    ? new DataParallel(engine, { threads, workerFile: environment.workerFile, onWorkerLost: (m) => callbacks.onWarning?.(m) })
    : null;
  const running = train<number>(
    {
      model: engine,
      samples: slots,
      computeGradients([slot]) {
        const batch = batches[slot];
        const xs = padRows(batch.map((e) => (e.fromAnswer === true ? answerWordsQuestion(e.x, noiseRng, ANSWER_WORDS) : questionNoise > 0 && noiseRng.uniform() < questionNoise ? noisy(e.x) : e.x)));
        const ts = padRows(batch.map((e) => e.t));
        if (parallel !== null) return parallel.computeGradients(xs, ts);
        const loss = engine.forward(xs, ts);
        engine.backward();
        return loss;
      },
      evaluate() {
        const t0 = Date.now();
        batches = lengthBuckets(fitted, o.batchSize, bucketRng);
        // A character task is measured as its replies are given (decodeFor): free greedy, every reply counted.
        const accuracy = characterTask ? freeExactMatch(chat, checked) : exactMatch(chat, checked);
        const noisyScore = noisyChecked.length > 0 ? exactMatch(chat, noisyChecked, noisyVal) : accuracy;
        evalSeconds += (Date.now() - t0) / 1000;
        evaluations++;
        // Free generation (constrained: false) spelling the answers exactly, checked only once every question and
        // noisy copy is answered (small data sets): a free pass runs to the reply limit and costs more than the
        // constrained ones.
        const free = characterTask ? accuracy : accuracy === 1 && noisyScore === 1 ? freeExactMatch(chat, checked) : 0;
        // Stop at once only when nothing is left to learn.
        solved = accuracy === 1 && noisyScore === 1 && free === 1;
        // Lexicographic: the trained questions first (one more right outweighs everything else), then the
        // noisy copies (one more right outweighs any free-generation gain), then free generation.
        const n = checked.length;
        const score = accuracy * n * (2 * n + 2) + noisyScore * (2 * n + 1) + free;
        // Halve the step size after every DECAY_AFTER epochs without a better score (reduce on plateau), down
        // to an eighth: at a fixed 0.02 Adam circles the last few answers instead of settling on them.
        if (score > bestScore) {
          bestScore = score;
          flat = 0;
        } else if (++flat % DECAY_AFTER === 0) optimizer.lr = Math.max(optimizer.lr / 2, o.learningRate / 8);
        return valSet === trainSet ? { accuracy, score } : { accuracy, score, valLoss: meanLoss(engine, valSet) };
      },
    },
    {
      epochs: o.epochs, batchSize: 1, optimizer, rng, clip: o.clip, patience: o.patience, signal: stop, maxLoss: DIVERGED_LOSS,
      callbacks: {
        onEpoch: (r) => {
          callbacks.onEpoch?.call(callbacks, r);
          environment.afterEpoch?.(chat, r);
        },
        // The trainer's ETA counts batches only; add the exact-match check still ahead after this and
        // every later epoch, and the final report's, which decodes with probabilities (counted as two
        // checks), so that the bound holds (TrainProgress.eta).
        onProgress:
          onProgress &&
          ((p) => {
            const checks = evaluations > 0 ? ((p.epochs - p.epoch + 3) * evalSeconds) / evaluations : 0;
            onProgress.call(callbacks, { ...p, samplesPerSecond: p.samplesPerSecond * perBatch, eta: p.eta + checks });
          }),
      },
    },
  );
  let result: Awaited<typeof running>;
  try {
    result = await running;
  } finally {
    await parallel?.close();
  }
  if (result.stoppedBy === 'non-finite' && result.best === undefined) {
    throw new TrainingError(result.message ?? `training diverged; try a lower learning rate (now ${o.learningRate})`);
  }
  const userCancelled = isCancelled(signal);
  const stoppedBy = result.stoppedBy === 'cancelled' && !userCancelled ? 'early-stopping' : result.stoppedBy;
  // Stopped before any epoch ended: untrained, so 0, without answering every question (minutes on 200,000 pairs).
  // The figure reported is what `eval` says of the validation pairs (replies as the chat gives them: sure and
  // exactly right; for a character task every free reply), so that training and evaluation agree; the per-epoch
  // figures use the decoder alone.
  const accuracy = result.epochs === 0 ? 0 : evaluateChatModel(chat, valSet.map((e) => e.pair), decodeFor(o, DEFAULT_DECODE_OPTIONS)).correct / valSet.length;
  const report: TrainingReport = {
    dataHash,
    pairs: userPairs.length,
    ...(pairs.length > userPairs.length ? { defaultPairs: pairs.length - userPairs.length } : {}),
    epochs: result.epochs,
    stoppedBy,
    loss: result.best?.loss ?? Number.NaN,
    accuracy,
    date: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    ...(result.stoppedBy === 'non-finite' && result.message ? { message: result.message } : {}),
  };
  return { model: new ChatModel(engine, vocabulary, o, report, knowledge), report, epochs: result.history };
}
