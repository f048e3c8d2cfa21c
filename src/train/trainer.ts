/**
 * A model-agnostic trainer (book `common/trainer.py`, with micrograd/minGPT's habit of reporting through
 * callbacks): it shuffles samples with a seeded Random, runs the caller's forward+backward on each
 * mini-batch, clips gradients by global norm, lets the optimizer update, and after every epoch asks the
 * caller's `evaluate` for a validation score. It knows nothing of seq2seq and never prints.
 *
 * It keeps the best epoch's weights (highest accuracy, then lowest validation loss, then lowest training
 * loss) and puts them back when it stops — by early stopping, cancellation, a non-finite loss, or at the
 * end. `train` is async and yields to the event loop (a macrotask) at least every `yieldEveryMs`, so a
 * cancel message can reach a worker thread while it trains.
 */
import type { Matrix } from 'ml-matrix';
import type { CancelSignal, EpochReport, TrainCallbacks } from '../chat/types';
import { Random } from '../random';
import { clipGrads, globalNorm } from '../optim/clip';
import type { Optimizer } from '../optim/optimizer';
import { cloneMatrix, copyInto } from '../layers/util';
import { better, type StopReason } from './curves';
import { yieldToEventLoop } from './macrotask';

/** Anything with the book's params/grads pair (same order, same shapes). */
export interface Trainable {
  readonly params: Matrix[];
  readonly grads: Matrix[];
}

export interface Evaluation {
  /** Exact-match accuracy, 0..1. Higher is better. */
  readonly accuracy: number;
  /** Mean loss on the validation samples, if the caller computes it (tie-breaker, lower is better). */
  readonly valLoss?: number;
  /** Model-selection score, higher is better; when given, it ranks epochs before `accuracy` does. */
  readonly score?: number;
}

export interface TrainTask<S> {
  readonly model: Trainable;
  readonly samples: readonly S[];
  /** Forward + backward on one mini-batch: fills model.grads and returns the batch's mean loss. */
  computeGradients(batch: S[]): number;
  /** Called after every epoch; without it the best epoch is the one with the lowest training loss. */
  evaluate?(): Evaluation | Promise<Evaluation>;
}

export interface TrainerOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: Optimizer;
  /** Shuffles samples every epoch. */
  readonly rng: Random;
  /** Global-norm gradient clipping threshold; 0 turns clipping off. Default 5 (the book's). */
  readonly clip?: number;
  /** Stop after this many epochs without improvement; 0 = never. Default 0. */
  readonly patience?: number;
  readonly signal?: CancelSignal;
  readonly callbacks?: TrainCallbacks;
  /** Longest stretch of work between yields to the event loop, in ms. Default 50. */
  readonly yieldEveryMs?: number;
  /** Least time between two onProgress calls, in ms (the last batch of an epoch always reports). Default 100. */
  readonly progressEveryMs?: number;
  /**
   * A finite loss above this also counts as divergence (with a learning rate far too high, e.g. 1e6, the
   * weights blow up but the cross-entropy can stay finite, around 1e6 nats). Default Infinity: only NaN/±Infinity.
   */
  readonly maxLoss?: number;
  /** Clock in ms; default performance.now (tests inject their own). */
  readonly now?: () => number;
}

export type { StopReason } from './curves';

export interface TrainResult {
  readonly stoppedBy: StopReason;
  /** Epochs fully completed. */
  readonly epochs: number;
  /** Epoch whose weights the model now holds (0: none completed, weights as they were left). */
  readonly bestEpoch: number;
  /** The best epoch's report, if any epoch completed. */
  readonly best?: EpochReport;
  readonly history: EpochReport[];
  readonly seconds: number;
  /** Why training stopped, in words, for 'non-finite' (and 'cancelled'). */
  readonly message?: string;
}

export function isCancelled(signal: CancelSignal | undefined): boolean {
  if (signal === undefined) return false;
  return 'aborted' in signal ? signal.aborted : signal.isCancellationRequested;
}



function checkOptions(o: TrainerOptions, samples: number): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 0) throw new RangeError(`train: epochs must be an integer ≥ 0, got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new RangeError(`train: batchSize must be an integer ≥ 1, got ${o.batchSize}`);
  if (o.clip !== undefined && !(o.clip >= 0)) throw new RangeError(`train: clip must be ≥ 0 (0 = off), got ${o.clip}`);
  if (o.patience !== undefined && !(Number.isInteger(o.patience) && o.patience >= 0)) {
    throw new RangeError(`train: patience must be an integer ≥ 0 (0 = never stop early), got ${o.patience}`);
  }
  if (samples === 0) throw new RangeError('train: no training samples');
}

export async function train<S>(task: TrainTask<S>, options: TrainerOptions): Promise<TrainResult> {
  const { model, samples } = task;
  checkOptions(options, samples.length);
  const { epochs, batchSize, optimizer, rng, signal, callbacks } = options;
  const clip = options.clip ?? 5;
  const patience = options.patience ?? 0;
  const yieldEveryMs = options.yieldEveryMs ?? 50;
  const progressEveryMs = options.progressEveryMs ?? 100;
  const now = options.now ?? (() => performance.now());
  const maxLoss = options.maxLoss ?? Number.POSITIVE_INFINITY;

  const start = now();
  const iterations = Math.ceil(samples.length / batchSize);
  const history: EpochReport[] = [];
  let best: EpochReport | undefined;
  let bestParams: Matrix[] | null = null;
  const initial = model.params.map(cloneMatrix);
  let sinceBest = 0;
  let lastYield = now();
  let lastProgress = -Infinity;
  let trainingMs = 0; // time spent in batches, for samples/s and ETA
  let samplesSeen = 0;

  const result = (stoppedBy: StopReason, message?: string): TrainResult => {
    const restore = bestParams ?? (stoppedBy === 'non-finite' ? initial : null);
    if (restore !== null) model.params.forEach((p, i) => copyInto(p, restore[i]));
    return { stoppedBy, epochs: history.length, bestEpoch: best?.epoch ?? 0, best, history, seconds: (now() - start) / 1000, message };
  };
  const cancelled = (): TrainResult =>
    result('cancelled', `Training was cancelled after ${history.length} epoch(s)${best ? `; the weights of epoch ${best.epoch} were kept` : ''}.`);

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const epochStart = now();
    const order = rng.permutation(samples.length);
    let lossSum = 0;
    for (let it = 0; it < iterations; it++) {
      if (isCancelled(signal)) return cancelled();
      const t0 = now();
      const batch = order.slice(it * batchSize, (it + 1) * batchSize).map((i) => samples[i]);
      const loss = task.computeGradients(batch);
      const norm = clip > 0 ? clipGrads(model.grads, clip) : globalNorm(model.grads);
      if (!Number.isFinite(loss) || loss > maxLoss || !Number.isFinite(norm)) {
        const what = !Number.isFinite(loss)
          ? `the loss became ${loss}`
          : loss > maxLoss
            ? `the loss reached ${loss.toPrecision(3)}, above ${maxLoss}`
            : `the gradient norm became ${norm}`;
        const kept = best ? `the weights of epoch ${best.epoch} were restored` : 'the initial weights were restored';
        return result(
          'non-finite',
          `Training diverged at epoch ${epoch}, iteration ${it + 1}: ${what}. The learning rate (${optimizer.lr}) is probably too high; ` +
            `lower it${clip > 0 ? '' : ' or turn on gradient clipping'}. ${kept[0].toUpperCase()}${kept.slice(1)}.`,
        );
      }
      optimizer.update(model.params, model.grads);
      lossSum += loss * batch.length;
      samplesSeen += batch.length;
      const t1 = now();
      trainingMs += t1 - t0;
      const last = it === iterations - 1;
      if (callbacks?.onProgress && (last || t1 - lastProgress >= progressEveryMs)) {
        lastProgress = t1;
        const perSample = trainingMs / samplesSeen; // ms
        const remaining = (epochs - epoch) * samples.length + (samples.length - Math.min(samples.length, (it + 1) * batchSize));
        callbacks.onProgress({
          epoch, epochs, iteration: it + 1, iterations, loss,
          samplesPerSecond: perSample > 0 ? 1000 / perSample : 0,
          eta: (remaining * perSample) / 1000,
        });
      }
      if (t1 - lastYield >= yieldEveryMs) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    const evaluation = task.evaluate ? await task.evaluate() : undefined;
    const report: EpochReport = {
      epoch,
      loss: lossSum / samples.length,
      ...(evaluation?.valLoss !== undefined ? { valLoss: evaluation.valLoss } : {}),
      accuracy: evaluation?.accuracy ?? 0,
      ...(evaluation?.score !== undefined ? { score: evaluation.score } : {}),
      seconds: (now() - epochStart) / 1000,
    };
    history.push(report);
    callbacks?.onEpoch?.(report);
    if (better(report, best)) {
      best = report;
      bestParams = model.params.map(cloneMatrix);
      sinceBest = 0;
    } else {
      sinceBest++;
    }
    if (patience > 0 && sinceBest >= patience) {
      return result('early-stopping', `No improvement for ${patience} epoch(s); the weights of epoch ${best?.epoch ?? epoch} were restored.`);
    }
    await yieldToEventLoop();
    lastYield = now();
  }
  return result('completed');
}
