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
    if (this.pairs.length >= this.limits.maxPairs) {
      this.fail(line, `more than ${this.limits.maxPairs.toLocaleString('en-US')} pairs (${limitHint('maxPairs')})`);
    }
    this.pairs.push({ question, answer, line });
  }
}

/** Splits text into physical lines (LF or CRLF) and enforces maxLineLength. */
export function splitLines(text: string, sink: PairSink): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    if (l.endsWith('\r')) l = lines[i] = l.slice(0, -1);
    if (l.length > sink.limits.maxLineLength) {
      sink.fail(i + 1, `line is ${l.length.toLocaleString('en-US')} characters long, over the limit of ${sink.limits.maxLineLength.toLocaleString('en-US')} (${limitHint('maxLineLength')})`);
    }
  }
  return lines;
}
