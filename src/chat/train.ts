/**
 * trainChatModel: pairs → a ChatModel (book ch. 7.3 `train_seq2seq.py`: Adam, clip_grads, batches, then
 * greedy generation to measure exact-match after every epoch).
 *
 * Differences from the book, for small user data sets: the vocabulary comes from the pairs; batches are
 * PAD-padded per batch (questions in reading order, answers as START … END); after each epoch the
 * validation questions (the training ones when `validation` is 0) are answered greedily and compared
 * exactly; the best epoch's weights are kept and training stops at 100% or after `patience` epochs without
 * improvement. Cancelling returns the best model so far with `stoppedBy: 'cancelled'`.
 */
import type { Matrix } from 'ml-matrix';
import { createModel } from '../models';
import type { Seq2seqModel } from '../models/types';
import { Adam, clipGrads, SGD, type Optimizer } from '../optim';
import { Random } from '../random';
import { createTokenizer, normalizeAnswer, normalizeQuestion, Vocabulary } from '../text';
import { DEFAULT_TRAIN_OPTIONS } from './defaults';
import { TrainingError } from './errors';
import { greedyDecode, padRows } from './greedy';
import { ChatModel } from './model';
import type { CancelSignal, EpochReport, Pair, TrainCallbacks, TrainingReport, TrainOptions } from './types';

interface Example {
  readonly x: number[];
  /** START, answer ids, END. */
  readonly t: number[];
  /** The normalised answer a reply must equal. */
  readonly expected: string;
}

export function isCancelled(signal: CancelSignal | undefined): boolean {
  if (signal === undefined) return false;
  return 'aborted' in signal ? signal.aborted : signal.isCancellationRequested;
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
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new TrainingError(`expected seed to be a non-negative integer, got ${o.seed}`);
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate)) throw new TrainingError(`expected learningRate above 0, got ${o.learningRate}`);
  if (!(o.clip > 0)) throw new TrainingError(`expected clip above 0, got ${o.clip}`);
  if (!(o.validation >= 0 && o.validation < 1)) throw new TrainingError(`expected validation in [0, 1), got ${o.validation}`);
  if (!['simple', 'peeky', 'attention'].includes(o.model)) throw new TrainingError(`expected model simple, peeky or attention, got ${String(o.model)}`);
  if (o.tokenizer !== 'char' && o.tokenizer !== 'word') throw new TrainingError(`expected tokenizer char or word, got ${String(o.tokenizer)}`);
  if (o.optimizer !== 'adam' && o.optimizer !== 'sgd') throw new TrainingError(`expected optimizer adam or sgd, got ${String(o.optimizer)}`);
  return o;
}

function copyParams(params: readonly Matrix[]): Float64Array[][] {
  return params.map((p) => p.to2DArray().map((r) => Float64Array.from(r)));
}

function restoreParams(params: readonly Matrix[], saved: Float64Array[][]): void {
  params.forEach((p, i) => saved[i].forEach((row, r) => row.forEach((v, c) => p.set(r, c, v))));
}

/** Batches of similar answer length (less padding), in random order. */
function makeBatches(n: number, examples: readonly Example[], batchSize: number, rng: Random): number[][] {
  const order = rng.permutation(n);
  const batches: number[][] = [];
  const chunk = batchSize * 8;
  for (let s = 0; s < n; s += chunk) {
    const group = order.slice(s, s + chunk).sort((a, b) => examples[a].t.length - examples[b].t.length);
    for (let b = 0; b < group.length; b += batchSize) batches.push(group.slice(b, b + batchSize));
  }
  return rng.shuffle(batches);
}

/** Exact-match of greedy replies against expected answers, in batches. */
export function exactMatches(engine: Seq2seqModel, model: ChatModel, examples: readonly Example[], batch = 64): boolean[] {
  const out: boolean[] = [];
  for (let s = 0; s < examples.length; s += batch) {
    const part = examples.slice(s, s + batch);
    const maxLength = Math.max(...part.map((e) => e.t.length)) + 2;
    const rows = greedyDecode(engine, part.map((e) => (e.x.length ? e.x : [3])), maxLength);
    rows.forEach((r, i) => out.push(r.finished && model.textOf(r.ids) === part[i].expected));
  }
  return out;
}

function meanLoss(engine: Seq2seqModel, examples: readonly Example[], batch = 64): number {
  let total = 0;
  for (let s = 0; s < examples.length; s += batch) {
    const part = examples.slice(s, s + batch);
    total += engine.forward(padRows(part.map((e) => e.x)), padRows(part.map((e) => e.t))) * part.length;
  }
  return total / examples.length;
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function trainChatModel(
  pairs: readonly Pair[],
  options: Partial<TrainOptions> = {},
  callbacks: TrainCallbacks = {},
  signal?: CancelSignal,
  dataHash = '',
): Promise<{ model: ChatModel; report: TrainingReport; epochs: EpochReport[] }> {
  const o = resolveTrainOptions(options);
  if (pairs.length === 0) throw new TrainingError('expected at least one question/answer pair, got none');
  const started = Date.now();
  const tokenizer = createTokenizer(o.tokenizer);
  const texts = pairs.map((p) => ({ q: tokenizer.tokenize(normalizeQuestion(p.question, o.normalize)), a: tokenizer.tokenize(normalizeAnswer(p.answer, o.normalize)) }));
  const vocabulary = Vocabulary.build(texts.flatMap((t) => [t.q, t.a]));
  const rng = new Random(o.seed);
  const engine = createModel(o.model, { vocabSize: vocabulary.size, wordvec: o.wordvec, hidden: o.hidden, reverse: o.reverse }, rng);
  const chat = new ChatModel(engine, vocabulary, o, undefined);
  const examples: Example[] = pairs.map((p) => ({ x: chat.encodeQuestion(p.question), t: chat.encodeAnswer(p.answer), expected: chat.expectedReply(p.answer) }));
  // Hold out a validation share (at least one pair, at most all but one) when asked.
  let train = examples;
  let val = examples;
  if (o.validation > 0 && examples.length > 1) {
    const order = rng.permutation(examples.length);
    const k = Math.min(examples.length - 1, Math.max(1, Math.round(examples.length * o.validation)));
    val = order.slice(0, k).map((i) => examples[i]);
    train = order.slice(k).map((i) => examples[i]);
  }
  const optimizer: Optimizer = o.optimizer === 'adam' ? new Adam({ lr: o.learningRate }) : new SGD(o.learningRate);
  const epochs: EpochReport[] = [];
  let best: { accuracy: number; loss: number; epoch: number; params: Float64Array[][] } | undefined;
  let stoppedBy: TrainingReport['stoppedBy'] = 'completed';
  let lastProgress = 0;
  const iterations = Math.ceil(train.length / o.batchSize);
  let samples = 0;

  training: for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const epochStart = Date.now();
    let lossSum = 0;
    let lossCount = 0;
    const batches = makeBatches(train.length, train, o.batchSize, rng);
    for (let it = 0; it < batches.length; it++) {
      await nextTick();
      if (isCancelled(signal)) {
        stoppedBy = 'cancelled';
        break training;
      }
      const batch = batches[it].map((i) => train[i]);
      const loss = engine.forward(padRows(batch.map((e) => e.x)), padRows(batch.map((e) => e.t)));
      if (!Number.isFinite(loss)) {
        if (best === undefined) throw new TrainingError(`loss became ${loss} in epoch ${epoch}; try a lower learning rate (now ${o.learningRate}) or a smaller clip (now ${o.clip})`);
        stoppedBy = 'non-finite';
        break training;
      }
      engine.backward();
      const norm = clipGrads(engine.grads, o.clip);
      if (!Number.isFinite(norm)) {
        if (best === undefined) throw new TrainingError(`gradients became ${norm} in epoch ${epoch}; try a lower learning rate (now ${o.learningRate})`);
        stoppedBy = 'non-finite';
        break training;
      }
      optimizer.update(engine.params, engine.grads);
      lossSum += loss * batch.length;
      lossCount += batch.length;
      samples += batch.length;
      const now = Date.now();
      if (callbacks.onProgress && (now - lastProgress >= 100 || it === batches.length - 1)) {
        lastProgress = now;
        const elapsed = (now - started) / 1000;
        const rate = samples / Math.max(elapsed, 1e-3);
        const remaining = (o.epochs - epoch) * train.length + (train.length - lossCount);
        callbacks.onProgress({ epoch, epochs: o.epochs, iteration: it + 1, iterations, loss: lossSum / lossCount, samplesPerSecond: rate, eta: remaining / rate });
      }
    }
    const loss = lossSum / Math.max(lossCount, 1);
    const hits = exactMatches(engine, chat, val);
    const accuracy = hits.filter(Boolean).length / val.length;
    const valLoss = val === train ? undefined : meanLoss(engine, val);
    const report: EpochReport = { epoch, loss, accuracy, seconds: (Date.now() - epochStart) / 1000, ...(valLoss === undefined ? {} : { valLoss }) };
    epochs.push(report);
    callbacks.onEpoch?.(report);
    const key = valLoss ?? loss;
    if (best === undefined || accuracy > best.accuracy || (accuracy === best.accuracy && key < best.loss)) {
      best = { accuracy, loss: key, epoch, params: copyParams(engine.params) };
    }
    if (accuracy === 1 && epoch < o.epochs) {
      stoppedBy = 'early-stopping';
      break;
    }
    if (o.patience > 0 && epoch - best.epoch >= o.patience && epoch < o.epochs) {
      stoppedBy = 'early-stopping';
      break;
    }
  }
  if (best === undefined) {
    // Cancelled before the first epoch ended: keep what the model has learnt so far.
    const hits = exactMatches(engine, chat, val);
    best = { accuracy: hits.filter(Boolean).length / val.length, loss: Number.NaN, epoch: 0, params: copyParams(engine.params) };
  } else restoreParams(engine.params, best.params);
  const bestReport = epochs[best.epoch - 1];
  const report: TrainingReport = {
    dataHash,
    pairs: pairs.length,
    epochs: epochs.length,
    stoppedBy,
    loss: bestReport ? bestReport.loss : best.loss,
    accuracy: best.accuracy,
    date: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
  };
  return { model: new ChatModel(engine, vocabulary, o, report), report, epochs };
}
