/**
 * `readPairs`: bytes of a pairs file → question/answer pairs, each with its line, plus warnings.
 *
 * The format comes from the extension (.tsv .csv .json .jsonl/.ndjson), else from the content
 * (`[` → JSON, `{` → JSONL, a tab → TSV, `_` → the book's fixed-width format, a comma → CSV).
 * UTF-8 with or without a BOM, LF or CRLF. Everything is bounded: size is checked before decoding,
 * every line against maxLineLength (except one JSON document, which may be minified on one line),
 * and no parser uses a backtracking regex or recursion.
 */
import type { NormalizeOptions, Pair, PairWarning, PairsReadResult } from '../chat/types';
import { DEFAULT_NORMALIZE_OPTIONS, normalizeAnswer, normalizeQuestion } from '../text/normalize';
import { parseCsv } from './csv';
import { PairFileError } from './errors';
import { parseJson, parseJsonl } from './json';
import { limitHint, resolveLimits, type PairLimits } from './limits';
import { checkLineLengths, PairSink } from './sink';
import { parseFixed, parseTsv } from './tsv';
import { decodeUtf8, utf16Endianness } from './utf8';

export type PairFormat = PairsReadResult['format'];

/** The format by extension, else by the first non-blank, non-comment content. */
export function detectFormat(fileName: string, text: string): PairFormat {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  switch (ext) {
    case 'tsv':
    case 'tab':
      return 'tsv';
    case 'csv':
      return 'csv';
    case 'json':
      return 'json';
    case 'jsonl':
    case 'ndjson':
      return 'jsonl';
  }
  const firstChar = text.trimStart()[0];
  if (firstChar === '[') return 'json';
  if (firstChar === '{') return 'jsonl';
  // Look at the first few content lines only.
  const sample = text.slice(0, 64 * 1024).split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#')).slice(0, 20);
  if (sample.some((l) => l.includes('\t'))) return 'tsv';
  // The book's layout: every line as wide as the others, '_' in the same column (date.txt's questions hold commas).
  if (sample.length > 1 && sample.every((l) => l.trimEnd().length > 0 && l.replace(/\r$/, '').length === sample[0].replace(/\r$/, '').length && l.indexOf('_') > 0 && l.indexOf('_') === sample[0].indexOf('_'))) {
    return 'fixed';
  }
  if (sample.length > 0 && sample[0].includes('_') && !sample[0].includes(',')) return 'fixed';
  if (sample.some((l) => l.includes(','))) return 'csv';
  if (sample.some((l) => l.includes('_'))) return 'fixed';
  return 'tsv';
}

/**
 * Exact duplicates, and the same question (after normalisation) with a different answer, one pair at a
 * time in file order (so a caller can check a big file in slices).
 */
export class DuplicateFinder {
  private readonly exact = new Map<string, number>();
  private readonly byQuestion = new Map<string, { answer: string; line: number }>();

  constructor(
    private readonly file: string,
    private readonly normalize: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS,
  ) {}

  check(p: Pair): PairWarning | undefined {
    const { file } = this;
    const key = JSON.stringify([p.question, p.answer]);
    const before = this.exact.get(key);
    if (before !== undefined) return { file, line: p.line, message: `duplicate of line ${before}` };
    this.exact.set(key, p.line);
    const q = normalizeQuestion(p.question, this.normalize);
    const a = normalizeAnswer(p.answer, this.normalize);
    const seen = this.byQuestion.get(q);
    if (seen === undefined) this.byQuestion.set(q, { answer: a, line: p.line });
    else if (seen.answer !== a) {
      return {
        file,
        line: p.line,
        message: `same question as line ${seen.line} with a different answer (lines ${seen.line} and ${p.line} conflict; the model can learn only one)`,
      };
    }
    return undefined;
  }
}

/** Exact duplicates, and the same question (after normalisation) with a different answer. */
export function findDuplicates(file: string, pairs: readonly Pair[], normalize: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS): PairWarning[] {
  const finder = new DuplicateFinder(file, normalize);
  const warnings: PairWarning[] = [];
  for (const p of pairs) {
    const w = finder.check(p);
    if (w !== undefined) warnings.push(w);
  }
  return warnings;
}

/** Throws the maxFileBytes error for a file of `size` bytes over the limit; callers that can `stat` call it before reading. */
export function checkFileSize(file: string, size: number, limits?: Partial<PairLimits>): void {
  const { maxFileBytes } = resolveLimits(limits);
  if (size > maxFileBytes) {
    throw new PairFileError(file, 0, `file is ${size.toLocaleString('en-US')} bytes, over the limit of ${maxFileBytes.toLocaleString('en-US')} (${limitHint('maxFileBytes')})`);
  }
}

export function readPairs(bytes: Uint8Array, fileName: string, limits?: Partial<PairLimits>, normalize?: NormalizeOptions): PairsReadResult {
  const file = fileName;
  const resolved = resolveLimits(limits);
  checkFileSize(file, bytes.length, resolved);
  const utf16 = utf16Endianness(bytes);
  if (utf16 !== undefined) {
    throw new PairFileError(file, 0, `the file looks like UTF-16${utf16 === 'le' ? 'LE' : 'BE'} (NUL bytes between the characters), not UTF-8; save it as UTF-8`);
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) throw new PairFileError(file, decoded.line, `not UTF-8 text (invalid byte 0x${bytes[decoded.offset].toString(16).padStart(2, '0')} at byte ${decoded.offset}); save the file as UTF-8`);
  const text = decoded.text;
  const format = detectFormat(fileName, text);
  const sink = new PairSink(file, resolved);
  switch (format) {
    case 'json':
      parseJson(text, sink);
      break;
    case 'jsonl':
      checkLineLengths(text, sink);
      parseJsonl(text, sink);
      break;
    case 'csv':
      checkLineLengths(text, sink);
      parseCsv(text, sink);
      break;
    case 'tsv':
      checkLineLengths(text, sink);
      parseTsv(text, sink);
      break;
    case 'fixed':
      checkLineLengths(text, sink);
      parseFixed(text, sink);
      break;
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
  if (sink.pairs.length === 0) throw new PairFileError(file, 0, `no pairs found (expected ${format.toUpperCase()} question/answer pairs)`);
  return { format, pairs: sink.pairs, warnings: findDuplicates(file, sink.pairs, normalize) };
}
