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
import { Adam, SGD, type Optimizer } from '../optim';
import { isCancelled, train } from '../train';
import { DataParallel } from '../train/parallel';
import { Random } from '../random';
import { createTokenizer, normalizeAnswer, normalizeQuestion, Vocabulary } from '../text';
import { DEFAULT_TRAIN_OPTIONS } from './defaults';
import { TrainingError } from './errors';
import { greedyReplies } from './evaluate';
import { longestRow, padRows } from './greedy';
import { ChatModel } from './model';
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
  /** The embedded default pairs (readDefaultPairs), trained with the user's unless `includeDefaultPairs` is false. */
  readonly defaultPairs?: readonly Pair[];
}

interface Example {
  readonly x: number[];
  /** START, answer ids, END. */
  readonly t: number[];
  /** The normalised answer a reply must equal. */
  readonly expected: string;
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
  if (o.tokenizer !== 'char' && o.tokenizer !== 'word') throw new TrainingError(`expected tokenizer char or word, got ${String(o.tokenizer)}`);
  if (o.optimizer !== 'adam' && o.optimizer !== 'sgd') throw new TrainingError(`expected optimizer adam or sgd, got ${String(o.optimizer)}`);
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 1 && o.threads <= MAX_THREADS)) {
    throw new TrainingError(`expected threads to be an integer from 1 to ${MAX_THREADS}, got ${o.threads}`);
  }
  if (o.maxVocabulary !== undefined && !(Number.isInteger(o.maxVocabulary) && o.maxVocabulary > 4)) {
    throw new TrainingError(`expected maxVocabulary to be an integer above 4, got ${o.maxVocabulary}`);
  }
  return o;
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

/** Share of examples whose greedy reply ends with END and equals the expected answer exactly. */
function exactMatch(model: ChatModel, examples: readonly Example[]): number {
  const maxLength = longestRow(examples.map((e) => e.t)) + 2;
  const replies = greedyReplies(model, examples.map((e) => e.x), maxLength);
  return replies.filter((r, i) => r.finished && r.text === examples[i].expected).length / examples.length;
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
  pairs: readonly Pair[],
  options: Partial<TrainOptions> = {},
  callbacks: TrainCallbacks = {},
  signal?: CancelSignal,
  dataHash = '',
  environment: TrainEnvironment = {},
): Promise<{ model: ChatModel; report: TrainingReport; epochs: EpochReport[] }> {
  const o = resolveTrainOptions(options);
  if (pairs.length === 0) throw new TrainingError('expected at least one question/answer pair, got none');
  const started = Date.now();
  const tokenizer = createTokenizer(o.tokenizer);
  const texts = pairs.map((p) => ({ q: tokenizer.tokenize(normalizeQuestion(p.question, o.normalize)), a: tokenizer.tokenize(normalizeAnswer(p.answer, o.normalize)) }));
  const vocabulary = Vocabulary.build(texts.flatMap((t) => [t.q, t.a]));
  const maxVocabulary = o.maxVocabulary ?? DEFAULT_TRAIN_OPTIONS.maxVocabulary ?? Number.POSITIVE_INFINITY;
  if (vocabulary.size > maxVocabulary) {
    throw new TrainingError(
      `the pairs give a vocabulary of ${vocabulary.size.toLocaleString('en-US')} tokens (distinct ${o.tokenizer === 'word' ? 'words' : 'characters'}), ` +
        `over the limit of ${maxVocabulary.toLocaleString('en-US')} (limit maxVocabulary; change it with --max-vocabulary or the setting seq2seqChat.limits.maxVocabulary` +
        `${o.tokenizer === 'word' ? ', or train with the character tokenizer' : ''})`,
    );
  }
  const rng = new Random(o.seed);
  const engine = createModel(o.model, { vocabSize: vocabulary.size, wordvec: o.wordvec, hidden: o.hidden, reverse: o.reverse }, rng);
  const chat = new ChatModel(engine, vocabulary, o, undefined);
  const examples: Example[] = pairs.map((p) => ({ x: chat.encodeQuestion(p.question), t: chat.encodeAnswer(p.answer), expected: chat.expectedReply(p.answer) }));
  // Hold out a validation share (at least one pair, at most all but one) when asked.
  let trainSet = examples;
  let valSet = examples;
  if (o.validation > 0 && examples.length > 1) {
    const order = rng.permutation(examples.length);
    const k = Math.min(examples.length - 1, Math.max(1, Math.round(examples.length * o.validation)));
    valSet = order.slice(0, k).map((i) => examples[i]);
    trainSet = order.slice(k).map((i) => examples[i]);
  }
  const optimizer: Optimizer = o.optimizer === 'adam' ? new Adam({ lr: o.learningRate }) : new SGD(o.learningRate);
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
  let batches = lengthBuckets(trainSet, o.batchSize, bucketRng);
  const slots = batches.map((_, i) => i);
  const perBatch = trainSet.length / batches.length;
  const onProgress = callbacks.onProgress;
  let evalSeconds = 0; // time spent in exact-match checks, for the ETA
  let evaluations = 0;
  const threads = o.threads ?? 1;
  const parallel = threads > 1 && environment.workerFile !== undefined
    ? new DataParallel(engine, { threads, workerFile: environment.workerFile, onWorkerLost: (m) => callbacks.onWarning?.(m) })
    : null;
  const running = train<number>(
    {
      model: engine,
      samples: slots,
      computeGradients([slot]) {
        const batch = batches[slot];
        const xs = padRows(batch.map((e) => e.x));
        const ts = padRows(batch.map((e) => e.t));
        if (parallel !== null) return parallel.computeGradients(xs, ts);
        const loss = engine.forward(xs, ts);
        engine.backward();
        return loss;
      },
      evaluate() {
        const t0 = Date.now();
        batches = lengthBuckets(trainSet, o.batchSize, bucketRng);
        const accuracy = exactMatch(chat, valSet);
        evalSeconds += (Date.now() - t0) / 1000;
        evaluations++;
        solved = accuracy === 1;
        return valSet === trainSet ? { accuracy } : { accuracy, valLoss: meanLoss(engine, valSet) };
      },
    },
    {
      epochs: o.epochs, batchSize: 1, optimizer, rng, clip: o.clip, patience: o.patience, signal: stop, maxLoss: DIVERGED_LOSS,
      callbacks: {
        onEpoch: callbacks.onEpoch?.bind(callbacks),
        // The trainer's ETA counts batches only; add the exact-match check still ahead after this and
        // every later epoch, so that the bound holds (TrainProgress.eta).
        onProgress:
          onProgress &&
          ((p) => {
            const checks = evaluations > 0 ? ((p.epochs - p.epoch + 1) * evalSeconds) / evaluations : 0;
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
  const accuracy = result.best?.accuracy ?? (result.epochs === 0 ? 0 : exactMatch(chat, valSet));
  const report: TrainingReport = {
    dataHash,
    pairs: pairs.length,
    epochs: result.epochs,
    stoppedBy,
    loss: result.best?.loss ?? Number.NaN,
    accuracy,
    date: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    ...(result.stoppedBy === 'non-finite' && result.message ? { message: result.message } : {}),
  };
  return { model: new ChatModel(engine, vocabulary, o, report), report, epochs: result.history };
}
