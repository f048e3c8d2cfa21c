/**
 * The embedded small talk (data/default/smalltalk.tsv: greetings, thanks, goodbyes, "who are you", "what can
 * you do", in English and Japanese; 52 of the default model's 156 pairs, answered the same), trained together
 * with a user's pairs unless `includeDefaultPairs` is false, so that a model trained on a planets FAQ still
 * answers "hello". On a conflict (the same question after normalisation) the user's pair wins. The rest of
 * the default dialog (how to train, file formats, the book's terms) is left out: in a hotel's FAQ bot it
 * would only be wrong answers to compete with, and at three times the size it would triple training's cost
 * on a 50-pair file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPairs } from '../data';
import type { Pair } from './types';
import { normalizeQuestion } from '../text';
import type { NormalizeOptions } from './types';
import { SMALL_TALK_RELATIVE_PATH } from './defaults';

/** Reads the small talk trained with a user's pairs from a package root (the folder that holds data/default/). */
export function readDefaultPairs(root: string): Pair[] {
  const bytes = new Uint8Array(readFileSync(join(root, ...SMALL_TALK_RELATIVE_PATH.split('/'))));
  return readPairs(bytes, SMALL_TALK_RELATIVE_PATH).pairs;
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

