/**
 * Training curves: what the trainer's callbacks report (src/train/trainer.ts `onProgress`, `onEpoch`), kept
 * as the series a dashboard draws — training loss, validation loss and exact-match per epoch, the loss of
 * each reported iteration with an exponential moving average, the best epoch (the trainer's own rule,
 * `better`), and where and why training stopped (early stopping, divergence, cancel). Not in the book,
 * which plots `trainer.plot()` after the fact; this keeps the same figures while the run goes.
 *
 * Pure: a recorder fed by callbacks, no clock, no I/O. A run of the model's history (`TrainingRun`) is these
 * curves with the options, the data file and the final report, stored in the model file's header
 * (src/io/model-file.ts, `history`).
 */
import type { EpochReport, TrainProgress, TrainingReport, TrainOptions } from '../chat/types';

export type StopReason = 'completed' | 'early-stopping' | 'cancelled' | 'non-finite';

/**
 * The trainer's rule for the best epoch (src/train/trainer.ts keeps its weights): a is better than b when its
 * selection score is higher, then its accuracy, then its validation loss is lower, then its training loss.
 */
export function better(a: EpochReport, b: EpochReport | undefined): boolean {
  if (b === undefined) return true;
  if (a.score !== undefined && b.score !== undefined && a.score !== b.score) return a.score > b.score;
  if (a.accuracy !== b.accuracy) return a.accuracy > b.accuracy;
  if (a.valLoss !== undefined && b.valLoss !== undefined && a.valLoss !== b.valLoss) return a.valLoss < b.valLoss;
  return a.loss < b.loss;
}

/** One finished epoch. */
export interface EpochPoint {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss?: number;
  /** Exact-match on the validation pairs, 0..1. */
  readonly accuracy: number;
  readonly seconds: number;
}

/** One reported iteration: x is in epochs (epoch − 1 + iteration / iterations), so it shares the epoch axis. */
export interface IterationPoint {
  readonly x: number;
  readonly loss: number;
  /** Debiased exponential moving average of `loss` up to here (SMOOTHING). */
  readonly smoothed: number;
}

/** Where training stopped, on the epoch axis. */
export interface StopMark {
  readonly reason: StopReason;
  /** The epoch during (divergence, cancel) or after (early stopping, completed) which it stopped. */
  readonly epoch: number;
  readonly message?: string;
}

export interface TrainingCurves {
  /** Epochs asked for (the x axis's extent while training runs). */
  readonly epochsPlanned: number;
  readonly epochs: readonly EpochPoint[];
  readonly iterations: readonly IterationPoint[];
  /** The epoch whose weights the model keeps (0: none finished). */
  readonly bestEpoch: number;
  readonly samplesPerSecond?: number;
  /** Seconds left, an upper bound (TrainProgress.eta); absent once stopped. */
  readonly eta?: number;
  readonly stop?: StopMark;
}

/** One training of a model: what it was given, what it drew, how it ended. */
export interface TrainingRun {
  /** The pairs file's name (not its path: the model file may travel). */
  readonly file: string;
  /** Options as resolved for the run (TrainOptions), so two runs can be compared field by field. */
  readonly options: Partial<TrainOptions>;
  /** The final figures: data hash, pairs, epochs, stoppedBy, loss, exact-match, date, seconds. */
  readonly report: TrainingReport;
  readonly curves: TrainingCurves;
}

/** Weight of the past in the moving average of iteration losses (TensorBoard's default smoothing). */
export const SMOOTHING = 0.9;
/** Iteration points a recorder keeps; past it, every other point is dropped (the curve keeps its shape). */
export const MAX_ITERATION_POINTS = 2000;
/** Iteration points a stored run keeps (the model file's header stays small). */
export const STORED_ITERATION_POINTS = 200;
/** Runs a model's history keeps, newest last. */
export const MAX_RUNS = 20;

/** Keeps every other point (and always the last) until at most `max` remain. */
export function thinPoints<T>(points: readonly T[], max: number): T[] {
  let out = points.slice();
  while (out.length > max && max >= 2) {
    const last = out[out.length - 1];
    out = out.filter((_, i) => i % 2 === 0);
    if (out[out.length - 1] !== last) out.push(last);
  }
  return out;
}

/** Records the callbacks of one training; `curves()` is a snapshot at any moment. */
export class CurveRecorder {
  private readonly epochPoints: EpochPoint[] = [];
  private iterationPoints: IterationPoint[] = [];
  private best: EpochReport | undefined;
  private ema = 0;
  private emaSteps = 0;
  private samplesPerSecond: number | undefined;
  private eta: number | undefined;
  private stopMark: StopMark | undefined;

  constructor(private readonly epochsPlanned: number) {}

  onProgress(p: TrainProgress): void {
    if (!Number.isFinite(p.loss)) return;
    this.ema = SMOOTHING * this.ema + (1 - SMOOTHING) * p.loss;
    this.emaSteps++;
    // Bias correction: the average starts at 0, so divide by the weight it has gathered (1 − β^t).
    const smoothed = this.ema / (1 - SMOOTHING ** this.emaSteps);
    this.iterationPoints.push({ x: p.epoch - 1 + p.iteration / Math.max(1, p.iterations), loss: p.loss, smoothed });
    if (this.iterationPoints.length > MAX_ITERATION_POINTS) this.iterationPoints = thinPoints(this.iterationPoints, MAX_ITERATION_POINTS / 2);
    this.samplesPerSecond = p.samplesPerSecond;
    this.eta = p.eta;
  }

  onEpoch(r: EpochReport): void {
    this.epochPoints.push({ epoch: r.epoch, loss: r.loss, ...(r.valLoss !== undefined ? { valLoss: r.valLoss } : {}), accuracy: r.accuracy, seconds: r.seconds });
    if (better(r, this.best)) this.best = r;
  }

  /** The run ended: where and why (a divergence or a cancel happens during the epoch after the last finished one). */
  finish(stoppedBy: StopReason, message?: string): void {
    const finished = this.epochPoints.length;
    const during = stoppedBy === 'non-finite' || (stoppedBy === 'cancelled' && this.lastX() > finished);
    this.stopMark = { reason: stoppedBy, epoch: during ? finished + 1 : finished, ...(message !== undefined ? { message } : {}) };
    this.eta = undefined;
  }

  private lastX(): number {
    return this.iterationPoints.length > 0 ? this.iterationPoints[this.iterationPoints.length - 1].x : 0;
  }

  curves(): TrainingCurves {
    return {
      epochsPlanned: this.epochsPlanned,
      epochs: this.epochPoints.slice(),
      iterations: this.iterationPoints.slice(),
      bestEpoch: this.best?.epoch ?? 0,
      ...(this.samplesPerSecond !== undefined ? { samplesPerSecond: this.samplesPerSecond } : {}),
      ...(this.eta !== undefined ? { eta: this.eta } : {}),
      ...(this.stopMark ? { stop: this.stopMark } : {}),
    };
  }
}

/** A run as stored: iteration points thinned to STORED_ITERATION_POINTS. */
export function storedRun(run: TrainingRun): TrainingRun {
  return { ...run, curves: { ...run.curves, iterations: thinPoints(run.curves.iterations, STORED_ITERATION_POINTS) } };
}

/** Curves without what depends on the clock (epoch seconds, speed, ETA, and the iterations, reported by time): reproducible files. */
export function withoutTimes(curves: TrainingCurves): TrainingCurves {
  const { samplesPerSecond: _speed, eta: _eta, ...rest } = curves;
  return { ...rest, epochs: curves.epochs.map((p) => ({ ...p, seconds: 0 })), iterations: [] };
}

/** A history with `run` appended, thinned, at most MAX_RUNS long (oldest dropped). */
export function appendRun(history: readonly TrainingRun[], run: TrainingRun): TrainingRun[] {
  return [...history, storedRun(run)].slice(-MAX_RUNS);
}

// ---- validation of a stored history (a model file's header is untrusted input) ----------------------

const REASONS: readonly StopReason[] = ['completed', 'early-stopping', 'cancelled', 'non-finite'];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A JSON number, or null where the value was NaN or ±Infinity (JSON.stringify writes them as null). */
function isNum(x: unknown): boolean {
  return x === null || (typeof x === 'number' && !Number.isNaN(x));
}

function curvesProblem(c: unknown, at: string): string | undefined {
  if (!isRecord(c)) return `expected ${at}.curves to be an object`;
  if (!Number.isInteger(c.epochsPlanned) || (c.epochsPlanned as number) < 0) return `expected ${at}.curves.epochsPlanned to be an integer ≥ 0, got ${JSON.stringify(c.epochsPlanned)}`;
  if (!Number.isInteger(c.bestEpoch) || (c.bestEpoch as number) < 0) return `expected ${at}.curves.bestEpoch to be an integer ≥ 0, got ${JSON.stringify(c.bestEpoch)}`;
  if (!Array.isArray(c.epochs) || !c.epochs.every((p: unknown) => isRecord(p) && Number.isInteger(p.epoch) && isNum(p.loss) && isNum(p.accuracy) && isNum(p.seconds) && (p.valLoss === undefined || isNum(p.valLoss)))) {
    return `expected ${at}.curves.epochs to be a list of {epoch, loss, accuracy, seconds}`;
  }
  if (!Array.isArray(c.iterations) || !c.iterations.every((p: unknown) => isRecord(p) && isNum(p.x) && isNum(p.loss) && isNum(p.smoothed))) {
    return `expected ${at}.curves.iterations to be a list of {x, loss, smoothed}`;
  }
  if (c.stop !== undefined && !(isRecord(c.stop) && REASONS.includes(c.stop.reason as StopReason) && Number.isInteger(c.stop.epoch))) {
    return `expected ${at}.curves.stop to be {reason, epoch}`;
  }
  return undefined;
}

/** What is wrong with a stored history, or undefined when every run has the fields the views read. */
export function historyProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'expected "history" to be an array of runs';
  for (let i = 0; i < value.length; i++) {
    const run: unknown = value[i];
    const at = `history[${i}]`;
    if (!isRecord(run)) return `expected ${at} to be an object`;
    if (typeof run.file !== 'string') return `expected ${at}.file to be a string`;
    if (!isRecord(run.options)) return `expected ${at}.options to be an object`;
    const r = run.report;
    if (!isRecord(r) || typeof r.dataHash !== 'string' || typeof r.date !== 'string' || !REASONS.includes(r.stoppedBy as StopReason) || !Number.isInteger(r.epochs) || !isNum(r.accuracy) || !isNum(r.loss) || !isNum(r.seconds) || !isNum(r.pairs)) {
      return `expected ${at}.report to be a training report (dataHash, pairs, epochs, stoppedBy, loss, accuracy, date, seconds)`;
    }
    const problem = curvesProblem(run.curves, at);
    if (problem) return problem;
  }
  return undefined;
}
