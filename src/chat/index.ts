/**
 * The chat facade: what the VS Code extension, the training worker and the CLI call. Nothing here
 * imports vscode or touches the DOM.
 */
export type {
  Pair, PairWarning, PairsReadResult, DecodeOptions, Reply, ReplyToken, TrainOptions, TrainProgress, EpochReport, TrainCallbacks,
  TrainingReport, CancelSignal, CancellationTokenLike, ModelKind, NormalizeOptions,
} from './types';
export { CHARACTER_TASK_OPTIONS, DEFAULT_TRAIN_OPTIONS, DEFAULT_DECODE_OPTIONS, decodeFor, isCharacterTask, optionsForFormat, DEFAULT_MODEL_RELATIVE_PATH, DEFAULT_PAIRS_RELATIVE_PATH, SMALL_TALK_RELATIVE_PATH } from './defaults';
export { ChatModel } from './model';
export { trainChatModel, resolveTrainOptions, MAX_SEED, MAX_THREADS } from './train';
export type { TrainEnvironment } from './train';
export { evaluateChatModel, evaluatePairs, summarizeOutcomes } from './evaluate';
export { checkTrainingMemory, estimateTrainingMemory, TRAINING_MEMORY_LIMIT, type MemoryEstimate, type TrainingShape } from './memory';
export { notSureMessage, CUT_MARK } from './reply';
export type { EvaluationFailure, EvaluationResult, PairOutcome } from './evaluate';
export { serializeModel, deserializeModel } from './serialize';
export { TrainingError } from './errors';
export { readPairs, checkFileSize, PairFileError, DEFAULT_PAIR_LIMITS } from '../data';
export type { PairLimits } from '../data';
export { ModelFileError } from '../io/model-file';
export { sha256Hex } from '../io/hash';
export { DEFAULT_NORMALIZE_OPTIONS, normalizeQuestion, normalizeAnswer } from '../text';
export { readDefaultPairs, withDefaultPairs } from './default-pairs';
export { formatDuration, plural } from './format';
export { fineTuneChatModel, knownPairs, sampleReplay, mergeCorrections, DEFAULT_FINE_TUNE } from './finetune';
export type { FineTuneOptions, FineTuneResult } from './finetune';
export { regressionCheck, describeCheck, checkPairs, DEFAULT_MAX_BROKEN } from './regression';
export type { RegressionCheck, CheckedPair } from './regression';
export { CORRECTIONS_HEADER, correctionRecord, appendRecord, pairLines, tsvField } from './corrections';
