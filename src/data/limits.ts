/**
 * Limits on what a pairs file may hold, so a wrong file (a 2 GB log, a minified JSON) fails fast with
 * a message instead of freezing the editor. Each limit error names the limit and both ways to change it.
 */

export interface PairLimits {
  /** Largest file accepted, in bytes. Default 50 MB (50 * 1024 * 1024). */
  readonly maxFileBytes: number;
  /** Longest physical line, in UTF-16 code units. Default 10,000. */
  readonly maxLineLength: number;
  /** Most pairs in one file. Default 200,000. */
  readonly maxPairs: number;
  /** Longest question or answer, in characters (code points). Default 2,000. */
  readonly maxFieldLength: number;
}

export const DEFAULT_PAIR_LIMITS: PairLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxLineLength: 10_000,
  maxPairs: 200_000,
  maxFieldLength: 2_000,
};

/** The CLI flag for each limit (`--max-file-bytes` …); the VS Code setting is `seq2seqChat.limits.<name>`. */
export function limitFlag(name: keyof PairLimits): string {
  return '--' + name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

export function limitHint(name: keyof PairLimits): string {
  return `limit ${name}; change it with ${limitFlag(name)} or the setting seq2seqChat.limits.${name}`;
}

/** Merges user limits over the defaults, rejecting values that are not positive integers. */
export function resolveLimits(limits: Partial<PairLimits> = {}): PairLimits {
  const merged = { ...DEFAULT_PAIR_LIMITS, ...limits };
  for (const key of Object.keys(DEFAULT_PAIR_LIMITS) as (keyof PairLimits)[]) {
    const v = merged[key];
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`expected ${key} to be a positive integer, got ${String(v)}`);
  }
  return merged;
}
