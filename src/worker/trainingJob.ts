/**
 * Host side of the training worker: starts dist/worker.js (or out/src/worker/trainWorker.js in tests),
 * forwards progress, and resolves with the trained model's bytes. Pure Node (no vscode), so it is
 * unit-tested in plain Node and used by the extension alike.
 */
import { Worker } from 'node:worker_threads';
import type { EpochReport, Pair, TrainOptions, TrainProgress, TrainingReport } from '../chat/types';
import type { RegressionCheck } from '../chat/regression';
import type { FineTuneRequest, PairsFileSource, RunHistoryRequest, TrainRequest, WorkerMessage } from './messages';

export interface TrainingJobCallbacks {
  onProgress?(p: TrainProgress): void;
  onEpoch?(r: EpochReport): void;
  /** Training recovered from something (a helper thread lost); worth a log line. */
  onWarning?(message: string): void;
}

export type TrainingOutcome =
  | { readonly status: 'completed'; readonly model: Uint8Array; readonly report: TrainingReport; readonly epochs: readonly EpochReport[]; readonly check?: RegressionCheck }
  | { readonly status: 'cancelled'; readonly report?: TrainingReport; readonly epochs: readonly EpochReport[] };

/** The worker reported an exception (e.g. the engine's TrainingError); name and message are kept. */
export class WorkerTrainingError extends Error {
  constructor(readonly errorName: string, message: string, readonly workerStack?: string) {
    super(message);
    this.name = 'WorkerTrainingError';
  }
}

/** Where the job runs: what only the caller knows (see TrainRequest). */
export interface TrainingJobEnvironment {
  /** The package root holding data/default/smalltalk.tsv; the worker reads the small talk from it. */
  readonly defaultPairsRoot?: string;
  /** Fine-tune this model on the pairs (the corrections) instead of training a new one (TrainRequest.fineTune). */
  readonly fineTune?: FineTuneRequest;
  /** Add the run to the model's history in the worker (TrainRequest.history). */
  readonly history?: RunHistoryRequest;
}

export interface TrainingJob {
  readonly result: Promise<TrainingOutcome>;
  /** Asks the trainer to stop at its next check; `result` then resolves with status 'cancelled'. */
  cancel(): void;
  readonly cancelled: boolean;
}

/**
 * Starts a training in a new worker. `pairs`: the pairs, or a pairs file's bytes, read in the worker (the
 * extension passes the bytes, so a 50 MB file is parsed off the host's thread); `dataHash` '' has the
 * worker hash the bytes itself.
 */
export function startTrainingJob(
  workerFile: string,
  pairs: readonly Pair[] | PairsFileSource,
  options: Partial<TrainOptions>,
  dataHash: string,
  callbacks: TrainingJobCallbacks = {},
  environment: TrainingJobEnvironment = {},
): TrainingJob {
  const cancel = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  const request: TrainRequest = {
    pairs, options, dataHash, cancel, workerFile,
    ...(environment.defaultPairsRoot !== undefined ? { defaultPairsRoot: environment.defaultPairsRoot } : {}),
    ...(environment.fineTune !== undefined ? { fineTune: environment.fineTune } : {}),
    ...(environment.history !== undefined ? { history: environment.history } : {}),
  };
  const worker = new Worker(workerFile, { workerData: request });
  const epochs: EpochReport[] = [];
  let settled = false;
  const result = new Promise<TrainingOutcome>((resolve, reject) => {
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'progress':
          callbacks.onProgress?.(m.progress);
          return;
        case 'epoch':
          epochs.push(m.report);
          callbacks.onEpoch?.(m.report);
          return;
        case 'warning':
          callbacks.onWarning?.(m.message);
          return;
        case 'done':
          finish(() =>
            resolve(
              Atomics.load(flag, 0) !== 0 || m.report.stoppedBy === 'cancelled'
                ? { status: 'cancelled', report: m.report, epochs: m.epochs }
                : { status: 'completed', model: m.model, report: m.report, epochs: m.epochs, ...(m.check ? { check: m.check } : {}) },
            ),
          );
          return;
        case 'error':
          finish(() =>
            Atomics.load(flag, 0) !== 0 && /cancel/i.test(m.name + m.message)
              ? resolve({ status: 'cancelled', epochs })
              : reject(new WorkerTrainingError(m.name, m.message, m.stack)),
          );
          return;
        default: {
          const never: never = m;
          finish(() => reject(new Error(`training worker: unknown message ${JSON.stringify(never)}`)));
        }
      }
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() =>
        Atomics.load(flag, 0) !== 0
          ? resolve({ status: 'cancelled', epochs })
          : reject(new Error(`training worker exited with code ${code} before reporting a result`)),
      ),
    );
  });
  return {
    result,
    cancel(): void {
      Atomics.store(flag, 0, 1);
    },
    get cancelled(): boolean {
      return Atomics.load(flag, 0) !== 0;
    },
  };
}
