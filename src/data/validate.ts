/**
 * Live checks of a TSV pairs file for an editor (VS Code's Problems panel): every bad line, not only the
 * first, in line order, with the very messages training gives (the same `parseTsvLine`, line-length and
 * duplicate checks).
 *
 * The work is bounded and resumable: `step(maxLines)` checks at most that many more lines and says whether
 * the text is done, so a caller on a UI thread can check a big file in slices and drop a stale run when the
 * text changes. At most MAX_PROBLEMS problems are kept.
 */
import type { NormalizeOptions } from '../chat/types';
import { PairFileError } from './errors';
import { limitHint, resolveLimits, type PairLimits } from './limits';
import { DuplicateFinder } from './read';
import { lineTooLong, PairSink } from './sink';
import { parseTsvLine, skippable, spacesWhereTabExpected } from './tsv';

/** Most problems one file reports (a file of 200,000 bad lines would otherwise flood the Problems panel). */
export const MAX_PROBLEMS = 1000;

export interface PairProblem {
  /** 1-based line. */
  readonly line: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** `spaces-for-tab`: the line can be fixed by turning its first run of 2+ spaces into a tab. */
  readonly code?: 'spaces-for-tab';
}

export class PairsValidator {
  private readonly limits: PairLimits;
  /** Collects the good pairs for the duplicate check; its own maxPairs is lifted, the real one is checked here. */
  private readonly sink: PairSink;
  private readonly found: PairProblem[] = [];
  private readonly duplicates: DuplicateFinder;
  private offset = 0;
  private lineNumber = 1;
  private finished = false;

  constructor(
    private readonly text: string,
    file: string,
    limits?: Partial<PairLimits>,
    normalize?: NormalizeOptions,
  ) {
    this.limits = resolveLimits(limits);
    this.sink = new PairSink(file, { ...this.limits, maxPairs: Number.MAX_SAFE_INTEGER });
    this.duplicates = new DuplicateFinder(file, normalize);
  }

  get problems(): readonly PairProblem[] {
    return this.found;
  }

  get done(): boolean {
    return this.finished;
  }

  /**
   * Checks up to `maxLines` more lines, stopping early once `maxChars` characters have been read; true when
   * the whole text has been checked (duplicates included).
   */
  step(maxLines: number, maxChars = Number.MAX_SAFE_INTEGER): boolean {
    if (this.finished) return true;
    const text = this.text;
    const until = this.offset + maxChars;
    for (let k = 0; k < maxLines && this.offset <= text.length && (k === 0 || this.offset < until); k++, this.lineNumber++) {
      let end = text.indexOf('\n', this.offset);
      if (end < 0) end = text.length;
      const stop = end > this.offset && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      this.checkLine(text.slice(this.offset, stop), this.lineNumber);
      this.offset = end + 1;
    }
    if (this.offset <= text.length) return false;
    this.finish();
    return true;
  }

  private add(problem: PairProblem): void {
    if (this.found.length < MAX_PROBLEMS) this.found.push(problem);
  }

  private checkLine(line: string, n: number): void {
    if (line.length > this.limits.maxLineLength) {
      this.add({ line: n, message: lineTooLong(line.length, this.limits.maxLineLength), severity: 'error' });
      return;
    }
    if (skippable(line)) return;
    const before = this.sink.pairs.length;
    try {
      parseTsvLine(line, n, this.sink);
    } catch (e) {
      if (!(e instanceof PairFileError)) throw e;
      this.add({ line: n, message: e.reason, severity: 'error', ...(spacesWhereTabExpected(line) ? { code: 'spaces-for-tab' as const } : {}) });
      return;
    }
    if (before === this.limits.maxPairs) {
      // Training stops at this line; say it once.
      this.add({ line: n, message: `more than ${this.limits.maxPairs.toLocaleString('en-US')} pairs (${limitHint('maxPairs')})`, severity: 'error' });
    }
    const duplicate = this.duplicates.check(this.sink.pairs[before]);
    if (duplicate !== undefined) this.add({ line: n, message: duplicate.message, severity: 'warning' });
  }

  private finish(): void {
    this.finished = true;
    const errors = this.found.length;
    if (errors === 0 && this.sink.pairs.length === 0) {
      this.add({ line: 1, message: 'no pairs found (expected TSV question/answer pairs)', severity: 'error' });
    }
  }
}
