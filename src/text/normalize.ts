/**
 * Text normalisation, applied identically when training and when replying (the options are stored in
 * the model file, so a saved model normalises a question exactly as its training questions were).
 *
 * Questions are folded so that different spellings of one question meet: NFKC, lowercase, collapsed
 * spaces, trailing punctuation dropped ("How are you?" and "how are you" ask the same thing).
 * Answers are what the model says back, so they get only what cannot change their meaning: NFC
 * (canonically equivalent sequences, e.g. "e" + U+0301 and "é", become one form, so the model sees one
 * token) and, with `collapseSpaces`, trimming and collapsing runs of white space. Their case, full-width
 * characters and final punctuation are kept. Exact-match compares a reply with the answer normalised so.
 * `foldAnswers` (model files written before it existed) also applies NFKC and lowercase to answers.
 */
import type { NormalizeOptions } from '../chat/types';

/** Questions: NFKC, lowercase, collapsed spaces, trailing punctuation stripped. Answers: NFC and collapsed spaces. */
export const DEFAULT_NORMALIZE_OPTIONS: NormalizeOptions = {
  nfkc: true,
  lowercase: true,
  collapseSpaces: true,
  stripTrailingPunctuation: true,
  foldAnswers: false,
};

/** Widest question padding a model file may ask for (a reply reads at most 1,000 question tokens). */
export const MAX_PAD = 1000;

/** Characters dropped from the end of a question (ASCII and CJK full stops, question and exclamation marks, ellipses). */
const TRAILING_PUNCTUATION = new Set(Array.from('?!.,;:。？！、，；：…‥・~〜'));

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\u3000' || ch === '\u00a0';
}

/** Collapses every run of white space into one ASCII space and trims both ends (one linear pass, no regex). */
export function collapseSpaces(text: string): string {
  let out = '';
  let pendingSpace = false;
  for (const ch of text) {
    if (isSpace(ch)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    out += ch;
  }
  return out;
}

/** Drops trailing punctuation and the spaces between it (a loop from the end: linear, unlike a `[…]+$` regex). */
export function stripTrailingPunctuation(text: string): string {
  const chars = Array.from(text);
  let end = chars.length;
  while (end > 0 && (TRAILING_PUNCTUATION.has(chars[end - 1]) || isSpace(chars[end - 1]))) end--;
  return chars.slice(0, end).join('');
}

/** A question as the model sees it, at training and at reply time. */
export function normalizeQuestion(text: string, options: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS): string {
  let s = text;
  if (options.nfkc) s = s.normalize('NFKC');
  if (options.lowercase) s = s.toLowerCase();
  if (options.collapseSpaces) s = collapseSpaces(s);
  if (options.stripTrailingPunctuation) s = stripTrailingPunctuation(s);
  const width = options.padQuestions ?? 0;
  const length = width > 0 ? Array.from(s).length : 0;
  return length < width ? s + ' '.repeat(width - length) : s;
}

/** An answer as the model learns to say it: case, characters and trailing punctuation kept (see the file header). */
export function normalizeAnswer(text: string, options: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS): string {
  const fold = options.foldAnswers === true;
  let s = text.normalize(fold && options.nfkc ? 'NFKC' : 'NFC');
  if (fold && options.lowercase) s = s.toLowerCase();
  if (options.collapseSpaces) s = collapseSpaces(s);
  return s;
}

/** Checks that a value read from a file is a complete NormalizeOptions; returns a message naming what is wrong, or undefined. */
export function normalizeOptionsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `expected an object of normalisation options, got ${value === null ? 'null' : typeof value}`;
  const record = value as Record<string, unknown>;
  for (const key of ['nfkc', 'lowercase', 'collapseSpaces', 'stripTrailingPunctuation'] as const) {
    if (typeof record[key] !== 'boolean') return `expected normalize.${key} to be a boolean, got ${typeof record[key]}`;
  }
  if (record.foldAnswers !== undefined && typeof record.foldAnswers !== 'boolean') return `expected normalize.foldAnswers to be a boolean, got ${typeof record.foldAnswers}`;
  const pad = record.padQuestions;
  if (pad !== undefined && !(typeof pad === 'number' && Number.isInteger(pad) && pad >= 1 && pad <= MAX_PAD)) {
    return `expected normalize.padQuestions to be an integer from 1 to ${MAX_PAD}, got ${String(pad)}`;
  }
  return undefined;
}
