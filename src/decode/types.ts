/** What every decoder returns, and the options they share. */

export interface DecodeResult {
  /** The reply's token ids: no START, no END. */
  readonly ids: number[];
  /** The probability the model gave each id in `ids` when it was chosen. */
  readonly probs: number[];
  /** True when the model produced END (its probability is in `score`, not in `probs`); false: cut at maxLength. */
  readonly finished: boolean;
  /** Length-normalised log-probability: Σ log p / number of tokens scored (END included when finished). */
  readonly score: number;
  /** Attention models: attention[step][questionPosition], one row per scored token (END's row included). */
  readonly attention?: number[][];
}

export interface DecodeOptions {
  /** Most tokens to produce (END not counted). Default 50. */
  readonly maxLength?: number;
  /** Default START (1). */
  readonly startId?: number;
  /** Default END (2). */
  readonly endId?: number;
}

export const DEFAULT_MAX_LENGTH = 50;
