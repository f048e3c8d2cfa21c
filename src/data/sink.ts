/** Collects pairs from any format and applies the checks every format shares (empty fields, lengths, count). */
import type { Pair } from '../chat/types';
import { PairFileError } from './errors';
import { limitHint, type PairLimits } from './limits';

export class PairSink {
  readonly pairs: Pair[] = [];

  constructor(
    readonly file: string,
    readonly limits: PairLimits,
  ) {}

  fail(line: number, reason: string): never {
    throw new PairFileError(this.file, line, reason);
  }

  /** The maxPairs error, at the line of the first pair over the limit. */
  failTooMany(line: number): never {
    return this.fail(line, `more than ${this.limits.maxPairs.toLocaleString('en-US')} pairs (${limitHint('maxPairs')})`);
  }

  add(question: string, answer: string, line: number): void {
    if (question.trim() === '') this.fail(line, 'empty question');
    if (answer.trim() === '') this.fail(line, 'empty answer');
    for (const [what, text] of [['question', question], ['answer', answer]] as const) {
      // Count code points only when the UTF-16 length could exceed the limit.
      if (text.length > this.limits.maxFieldLength) {
        const n = Array.from(text).length;
        if (n > this.limits.maxFieldLength) {
          this.fail(line, `${what} is ${n.toLocaleString('en-US')} characters long, over the limit of ${this.limits.maxFieldLength.toLocaleString('en-US')} (${limitHint('maxFieldLength')})`);
        }
      }
    }
    if (this.pairs.length >= this.limits.maxPairs) this.failTooMany(line);
    this.pairs.push({ question, answer, line });
  }
}

/** The maxLineLength message, for training and live diagnostics alike. */
export function lineTooLong(length: number, max: number): string {
  return `line is ${length.toLocaleString('en-US')} characters long, over the limit of ${max.toLocaleString('en-US')} (${limitHint('maxLineLength')})`;
}

/**
 * Checks every physical line (LF or CRLF) against maxLineLength, in file order, before any is parsed, in one
 * scan that keeps nothing: a file is never split into an array of all its lines (13 million short lines cost
 * 700 MB that way).
 */
export function checkLineLengths(text: string, sink: PairSink): void {
  const max = sink.limits.maxLineLength;
  let line = 1;
  for (let start = 0; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const length = end - start - (end > start && text.charCodeAt(end - 1) === 13 ? 1 : 0);
    if (length > max) sink.fail(line, lineTooLong(length, max));
    start = end + 1;
  }
}

/**
 * Calls `each` with every physical line (without its LF or CRLF) and its 1-based number, one at a time,
 * so a parser can stop at the first error (maxPairs …) having built nothing for the rest of the file.
 */
export function forEachLine(text: string, each: (line: string, number: number) => void): void {
  let number = 1;
  for (let start = 0; start <= text.length; number++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    each(text.slice(start, stop), number);
    start = end + 1;
  }
}
