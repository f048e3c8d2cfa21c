/**
 * User settings (`seq2seqChat.*`, declared in package.json `contributes.configuration`) turned into the
 * engine's option objects. The only place that reads settings: src/ takes plain option objects.
 */
import * as vscode from 'vscode';
import { DEFAULT_PAIR_LIMITS, type PairFormat, type PairLimits } from '../src/data';
import type { DecodeOptions, ModelKind, NormalizeOptions, TrainOptions } from '../src/chat/types';
import { optionsForFormat } from '../src/chat/defaults';

export type StorageScope = 'global' | 'workspace';

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('seq2seqChat');
}

/**
 * The range of every numeric setting, as package.json declares it. VS Code does not enforce a schema's
 * bounds, and a cloned repository's .vscode/settings.json can set anything (beamWidth 100000, limits raised
 * past memory), so every number read is clamped here (a unit test checks this table against the manifest).
 * `integer` numbers are rounded; a value that is not a finite number gives the default.
 */
export const SETTING_RANGES: Readonly<Record<string, { readonly min: number; readonly max: number; readonly integer: boolean }>> = {
  'model.hiddenSize': { min: 4, max: 1024, integer: true },
  'model.embeddingSize': { min: 2, max: 512, integer: true },
  'training.epochs': { min: 1, max: 100_000, integer: true },
  'training.batchSize': { min: 1, max: 4096, integer: true },
  'training.learningRate': { min: 1e-9, max: 10, integer: false },
  'training.validationSplit': { min: 0, max: 0.9, integer: false },
  'training.patience': { min: 0, max: 100_000, integer: true },
  'training.seed': { min: 0, max: 4_294_967_295, integer: true },
  'training.threads': { min: 1, max: 64, integer: true },
  'decoding.beamWidth': { min: 1, max: 32, integer: true },
  'decoding.temperature': { min: 1e-9, max: 10, integer: false },
  'decoding.maxReplyLength': { min: 1, max: 1000, integer: true },
  'decoding.confidenceThreshold': { min: 0, max: 1, integer: false },
  'limits.maxFileBytes': { min: 1, max: 1_073_741_824, integer: true },
  'limits.maxLineLength': { min: 1, max: 1_000_000, integer: true },
  'limits.maxPairs': { min: 1, max: 2_000_000, integer: true },
  'limits.maxFieldLength': { min: 1, max: 100_000, integer: true },
  'limits.maxVocabulary': { min: 5, max: 200_000, integer: true },
};

/**
 * `value` for setting `key` within its declared range (SETTING_RANGES): above the maximum it is the maximum;
 * a value that is not a finite number, not an integer where one is declared, or below the minimum is not a
 * setting anyone meant, and gives `fallback` (the default).
 */
export function clampSetting(key: string, value: unknown, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  const range = SETTING_RANGES[key];
  if (range === undefined) return value;
  if ((range.integer && !Number.isInteger(value)) || value < range.min) return fallback;
  return Math.min(range.max, value);
}

function pick<T>(c: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  const v = c.get<T>(key);
  if (v === undefined || v === null) return fallback;
  // Numbers are clamped to their declared range (null-able numbers fall back to null when not a number).
  if (SETTING_RANGES[key] !== undefined) {
    const n = clampSetting(key, v, Number.NaN);
    return (Number.isNaN(n) ? fallback : n) as T;
  }
  return v;
}

/** Training options from settings; each falls back to the engine's documented default. */
export function readTrainOptions(defaults: TrainOptions): TrainOptions {
  const c = cfg();
  const normalize: NormalizeOptions = {
    nfkc: pick(c, 'normalize.nfkc', defaults.normalize.nfkc),
    lowercase: pick(c, 'normalize.lowercase', defaults.normalize.lowercase),
    collapseSpaces: pick(c, 'normalize.collapseSpaces', defaults.normalize.collapseSpaces),
    stripTrailingPunctuation: pick(c, 'normalize.stripTrailingPunctuation', defaults.normalize.stripTrailingPunctuation),
  };
  return {
    ...defaults,
    model: pick<ModelKind>(c, 'model.kind', defaults.model),
    reverse: pick(c, 'model.reverseInput', defaults.reverse),
    tokenizer: pick<'char' | 'word'>(c, 'model.tokenizer', defaults.tokenizer),
    hidden: pick(c, 'model.hiddenSize', defaults.hidden),
    wordvec: pick(c, 'model.embeddingSize', defaults.wordvec),
    epochs: pick(c, 'training.epochs', defaults.epochs),
    batchSize: pick(c, 'training.batchSize', defaults.batchSize),
    learningRate: pick(c, 'training.learningRate', defaults.learningRate),
    validation: pick(c, 'training.validationSplit', defaults.validation),
    patience: pick(c, 'training.patience', defaults.patience),
    seed: pick(c, 'training.seed', defaults.seed),
    threads: pick<number | undefined>(c, 'training.threads', defaults.threads), // undefined: automatic (autoThreads)
    maxVocabulary: pick(c, 'limits.maxVocabulary', defaults.maxVocabulary ?? 30_000),
    includeDefaultPairs: pick(c, 'training.includeDefaultPairs', defaults.includeDefaultPairs ?? true) !== false,
    normalize,
  };
}

/**
 * Whether the user set `key` anywhere (user, workspace, folder, language), as against the default the manifest
 * contributes, which `get` also returns.
 */
function userSet(c: vscode.WorkspaceConfiguration, key: string): boolean {
  const i = c.inspect(key);
  return i !== undefined && [i.globalValue, i.workspaceValue, i.workspaceFolderValue, i.globalLanguageValue, i.workspaceLanguageValue, i.workspaceFolderLanguageValue].some((v) => v !== undefined);
}

/**
 * Training options for a pairs file of `format`, chosen as `seq2seq-chat train` chooses them (optionsForFormat):
 * a fixed-width file (the book's character tasks) trains with CHARACTER_TASK_OPTIONS, except for what the user
 * set (model.tokenizer, training.includeDefaultPairs), as a CLI flag wins; every other format with the
 * settings as they read.
 */
export function readTrainOptionsFor(format: PairFormat, defaults: TrainOptions): TrainOptions {
  const options = readTrainOptions(defaults);
  const c = cfg();
  const chosen: Partial<TrainOptions> = {
    ...(userSet(c, 'model.tokenizer') ? { tokenizer: options.tokenizer } : {}),
    ...(userSet(c, 'training.includeDefaultPairs') ? { includeDefaultPairs: options.includeDefaultPairs } : {}),
  };
  return { ...options, ...optionsForFormat(format, chosen) };
}

/** Decoding options from settings. */
export function readDecodeOptions(): DecodeOptions {
  const c = cfg();
  // null or absent: the model's own limit (its longest trained answer plus a margin)
  const limit = pick<number | null>(c, 'decoding.maxReplyLength', null);
  const shared = {
    ...(typeof limit === 'number' && Number.isFinite(limit) ? { maxLength: Math.min(1000, Math.max(1, Math.round(limit))) } : {}),
    constrained: pick<boolean>(c, 'decoding.constrained', true) !== false,
  };
  const strategy = pick<'greedy' | 'beam' | 'sample'>(c, 'decoding.strategy', 'greedy');
  switch (strategy) {
    case 'beam':
      return { strategy, beamWidth: pick(c, 'decoding.beamWidth', 3), ...shared };
    case 'sample':
      return { strategy, temperature: pick(c, 'decoding.temperature', 1), ...shared };
    case 'greedy':
      return { strategy, ...shared };
    default: {
      const never: never = strategy;
      throw new Error(`seq2seqChat.decoding.strategy: expected greedy, beam or sample, got ${String(never)}`);
    }
  }
}

/**
 * `decoding.confidenceThreshold`: null when unset (the model's own threshold decides, `Reply.sure`);
 * otherwise the number clamped to [0, 1], and a reply is sure when `confidence >= threshold`.
 */
export function readConfidenceThreshold(): number | null {
  const v = cfg().get<unknown>('decoding.confidenceThreshold');
  if (typeof v !== 'number' || Number.isNaN(v)) return null;
  return Math.min(1, Math.max(0, v));
}

/** `corrections.applyAutomatically`: fine-tune on each correction as soon as it is saved. */
export function readApplyCorrectionsAutomatically(): boolean {
  return pick<boolean>(cfg(), 'corrections.applyAutomatically', false) === true;
}

export function readStorageScope(): StorageScope {
  return pick<StorageScope>(cfg(), 'storage.scope', 'global') === 'workspace' ? 'workspace' : 'global';
}

/** Pairs-file limits (`seq2seqChat.limits.*`); the limit errors of src/data name these settings. */
export function readPairLimits(): PairLimits {
  const c = cfg();
  const d = DEFAULT_PAIR_LIMITS;
  const positive = (key: string, fallback: number): number => {
    const v = pick(c, key, fallback);
    return Number.isInteger(v) && v > 0 ? v : fallback;
  };
  return {
    maxFileBytes: positive('limits.maxFileBytes', d.maxFileBytes),
    maxLineLength: positive('limits.maxLineLength', d.maxLineLength),
    maxPairs: positive('limits.maxPairs', d.maxPairs),
    maxFieldLength: positive('limits.maxFieldLength', d.maxFieldLength),
  };
}
