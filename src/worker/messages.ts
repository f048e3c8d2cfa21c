/**
 * Messages between the extension host and the training worker (src/worker/trainWorker.ts).
 * Pure Node types: the worker runs the engine's `trainChatModel` off the extension host's event loop
 * so that chat keeps answering while a model trains.
 */
import type { RegressionCheck } from '../chat/regression';
import type { EpochReport, Pair, TrainOptions, TrainProgress, TrainingReport } from '../chat/types';

/** `workerData` of a training worker. */
export interface TrainRequest {
  readonly pairs: readonly Pair[];
  readonly options: Partial<TrainOptions>;
  readonly dataHash: string;
  /**
   * Int32Array(1) view target: the host stores 1 to cancel. Shared memory, so cancelling works even
   * while the trainer runs a long synchronous stretch and never lets the worker read messages.
   */
  readonly cancel: SharedArrayBuffer;
  /** This worker's own script: data-parallel training (options.threads > 1) starts it again as helper threads. */
  readonly workerFile?: string;
  /**
   * The package root holding data/default/smalltalk.tsv (the extension's install folder): the worker reads the
   * embedded small talk from it and trains it with the user's pairs, unless options.includeDefaultPairs is
   * false. Absent: no default pairs.
   */
  readonly defaultPairsRoot?: string;
  /**
   * Fine-tune this model (serializeModel bytes) on `pairs`, the corrections (src/chat/finetune.ts), instead of
   * training a new one; `options` is then ignored.
   */
  readonly fineTune?: FineTuneRequest;
}

export interface FineTuneRequest {
  readonly model: Uint8Array;
  /** The regression guard's limit (FineTuneOptions.maxBroken). */
  readonly maxBroken?: number;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: TrainProgress }
  | { readonly type: 'epoch'; readonly report: EpochReport }
  | { readonly type: 'warning'; readonly message: string }
  | {
      readonly type: 'done';
      /** serializeModel(model), transferred; absent when the run stopped with no usable model. */
      readonly model: Uint8Array;
      readonly report: TrainingReport;
      readonly epochs: readonly EpochReport[];
      /** Fine-tuning: the regression check; `model` is the fine-tuned model whether or not the check accepted it. */
      readonly check?: RegressionCheck;
    }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly stack?: string };
