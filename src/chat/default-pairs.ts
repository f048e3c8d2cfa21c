/**
 * The embedded default pairs (data/default/pairs.tsv: greetings, thanks, "what can you do", in English and
 * Japanese), trained together with a user's pairs unless `includeDefaultPairs` is false, so that a model
 * trained on a planets FAQ still answers "hello". On a conflict (the same question after normalisation)
 * the user's pair wins.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPairs } from '../data';
import type { Pair } from './types';
import { normalizeQuestion } from '../text';
import type { NormalizeOptions } from './types';
import { DEFAULT_PAIRS_RELATIVE_PATH } from './defaults';

/** Reads the default pairs from a package root (the folder that holds data/default/). */
export function readDefaultPairs(root: string): Pair[] {
  const bytes = new Uint8Array(readFileSync(join(root, ...DEFAULT_PAIRS_RELATIVE_PATH.split('/'))));
  return readPairs(bytes, DEFAULT_PAIRS_RELATIVE_PATH).pairs;
}

/**
 * The user's pairs followed by the default pairs whose question the user did not ask (compared after
 * normalisation). Default pairs keep their line numbers with `line` negated, so a message about one can
 * never be mistaken for a line of the user's file.
 */
export function withDefaultPairs(user: readonly Pair[], defaults: readonly Pair[], normalize: NormalizeOptions): Pair[] {
  const asked = new Set(user.map((p) => normalizeQuestion(p.question, normalize)));
  const extra = defaults.filter((p) => !asked.has(normalizeQuestion(p.question, normalize))).map((p) => ({ ...p, line: -Math.abs(p.line) }));
  return [...user, ...extra];
}
