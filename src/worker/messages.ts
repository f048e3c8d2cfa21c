/**
 * Messages between the extension host and the worker (src/worker/trainWorker.ts). Pure Node types: the
 * worker runs the engine's `trainChatModel` off the extension host's event loop so that chat keeps
 * answering while a model trains, and the one-off tasks (reading and checking a pairs file, evaluating,
 * decoding a model file) so that the editor never freezes on a large file (STYLE habit 17).
 */
import type { RegressionCheck } from '../chat/regression';
import type { EvaluationFailure } from '../chat/evaluate';
import type { DecodeOptions, EpochReport, Pair, PairsReadResult, PairWarning, Reply, TrainOptions, TrainProgress, TrainingReport } from '../chat/types';
import type { PairLimits } from '../data/limits';
import type { EvaluationReport } from '../insight/evaluation';
import type { Explanation } from '../insight/types';
import type { ModelKind } from '../chat/types';
import type { PackedModel } from '../io/packed-model';
import type { TrainingRun } from '../train/curves';

/** A pairs file's bytes as read, parsed where they are used (in the worker), not on the host. */
export interface PairsFileSource {
  readonly bytes: Uint8Array;
  /** The file's name: errors and warnings say "name:line". */
  readonly name: string;
  readonly limits: Partial<PairLimits>;
}

/** `workerData` of a training worker. */
export interface TrainRequest {
  /** The pairs, or the file to read them from (in the worker). */
  readonly pairs: readonly Pair[] | PairsFileSource;
  readonly options: Partial<TrainOptions>;
  readonly dataHash: string;
  /**
   * Int32Array(1) view target: the host stores 1 to cancel. Shared memory, so cancelling works even
   * while the trainer runs a long synchronous stretch and never lets the worker read messages. Absent
   * where there is no shared memory (a browser page that is not cross-origin isolated): the host then
   * posts a CancelMessage, read when the trainer yields to the event loop (at least every 50 ms).
   */
  readonly cancel?: SharedArrayBuffer;
  /** This worker's own script: data-parallel training (options.threads > 1) starts it again as helper threads. */
  readonly workerFile?: string;
  /**
   * The package root holding data/default/smalltalk.tsv (the extension's install folder): the worker reads the
   * embedded small talk from it and trains it with the user's pairs, unless options.includeDefaultPairs is
   * false. Absent: no default pairs.
   */
  readonly defaultPairsRoot?: string;
  /** The small talk file's bytes instead of a root, where the worker cannot read files (the browser build). */
  readonly defaultPairsBytes?: Uint8Array;
  /**
   * Fine-tune this model (serializeModel bytes) on `pairs`, the corrections (src/chat/finetune.ts), instead of
   * training a new one; `options` is then ignored.
   */
  readonly fineTune?: FineTuneRequest;
  /**
   * Record this run in the trained model's history (after `previous`, the runs of the model it replaces) before
   * the model is serialised, so the host saves the worker's bytes as they are instead of serialising again.
   */
  readonly history?: RunHistoryRequest;
}

export interface RunHistoryRequest {
  /** The pairs file's name as the run shows it. */
  readonly file: string;
  readonly previous: readonly TrainingRun[];
}

/** Host → training worker, after the TrainRequest: stop at the next check (when `cancel` is absent). */
export interface CancelMessage {
  readonly type: 'cancel';
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

/** At most this many warnings cross back to the host (the count says how many there were). */
export const MAX_WARNINGS_SENT = 200;
/** At most this many evaluation failures cross back to the host. */
export const MAX_FAILURES_SENT = 50;

/** `workerData` of a one-off task (role 'task'). */
export type TaskRequest =
  | { readonly kind: 'readPairs'; readonly file: PairsFileSource }
  | {
      readonly kind: 'evaluate';
      readonly model: Uint8Array;
      readonly modelName: string;
      readonly file: PairsFileSource;
      readonly decode: DecodeOptions;
      /** Also build the evaluation report view's data (src/insight/evaluation.ts) for this file and model. */
      readonly report?: { readonly file: string; readonly label: string; readonly kind: ModelKind };
    }
  | {
      readonly kind: 'decodeModel';
      readonly bytes: Uint8Array;
      readonly name: string;
      /**
       * 'unlessLarge': a model over the size rule (src/chat/replyCost.ts `isLargeModel`) comes back without its
       * weights (it answers in the reply worker, which decodes its own copy; the host needs only its header).
       * Default 'always'.
       */
      readonly weights?: 'always' | 'unlessLarge';
      /**
       * Hand the bytes back in shared memory (a SharedArrayBuffer, copied in the worker): Evaluate, the reply
       * worker and a fine-tune then get them without a copy on the host. Only where shared memory exists
       * (SHARED_MEMORY in thread.ts: Node; a browser page only when cross-origin isolated).
       */
      readonly share?: boolean;
    };

/** What the host learns of a pairs file before training: enough to show its warnings and name its size. */
export interface PairsSummary {
  readonly format: PairsReadResult['format'];
  readonly pairs: number;
  /** The first MAX_WARNINGS_SENT warnings. */
  readonly warnings: PairWarning[];
  readonly warningCount: number;
  /** SHA-256 of the file's bytes (the model's training report names its data by it). */
  readonly dataHash: string;
}

export interface EvaluationSummary {
  readonly correct: number;
  readonly answered: number;
  readonly total: number;
  /** The first MAX_FAILURES_SENT failures. */
  readonly failures: EvaluationFailure[];
}

/**
 * A task's result. `bytes`: the file's bytes the request handed over (transferred to the worker, so the
 * host copies nothing when it starts), transferred back unchanged for the host to keep.
 */
export type TaskResult =
  | { readonly kind: 'readPairs'; readonly summary: PairsSummary; readonly bytes: Uint8Array }
  | { readonly kind: 'evaluate'; readonly evaluation: EvaluationSummary; readonly report?: EvaluationReport }
  | { readonly kind: 'decodeModel'; readonly model: PackedModel; readonly bytes: Uint8Array };

export type TaskMessage =
  | { readonly type: 'result'; readonly result: TaskResult }
  | {
      readonly type: 'error';
      readonly name: string;
      readonly message: string;
      /** A PairFileError's or ModelFileError's parts, so the host rebuilds the same error (file and line for "Open File at Line"). */
      readonly file?: string;
      readonly line?: number;
      readonly reason?: string;
      readonly source?: string;
    };

/**
 * Host → reply worker (`workerData.role === 'replies'`, src/worker/replies.ts), a long-lived worker that holds
 * the answering model when it is too large to answer on the host's thread (src/worker/replyClient.ts).
 * `model`: the model file's bytes (transferred), sent once per model; `generation` numbers the models sent.
 * `reply`: a question for the model of `generation`, which the worker holds by then (messages keep their order);
 * `explain`: the same, answered with the reply explained ("Why?", src/insight/explain.ts).
 */
export type ReplyRequest =
  | { readonly type: 'model'; readonly generation: number; readonly bytes: Uint8Array; readonly name: string }
  | { readonly type: 'reply' | 'explain'; readonly id: number; readonly generation: number; readonly question: string; readonly decode: DecodeOptions };

/** Reply worker → host. `error` without `id`: loading the model of `generation` failed. */
export type ReplyWorkerMessage =
  | { readonly type: 'loaded'; readonly generation: number }
  | { readonly type: 'reply'; readonly id: number; readonly generation: number; readonly reply: Reply }
  | { readonly type: 'explanation'; readonly id: number; readonly generation: number; readonly explanation: Explanation }
  | { readonly type: 'error'; readonly id?: number; readonly generation: number; readonly name: string; readonly message: string };
