/**
 * Question analysis: the words a question is read as, so that rephrasings of one question meet.
 *
 * Not in the book (its toy tasks are character level). For dialog pairs a character encoder learns each
 * trained question's surface form and misreads most rephrasings; words shared across phrasings are what
 * carry over. So a question is normalised (src/text/normalize.ts), cut into words with `Intl.Segmenter`
 * (dictionary-based for Japanese, which has no spaces: 教えてください → 教え|て|くだ|さい, so it shares
 * 教え|て with 教えて), punctuation dropped, and English words are reduced by a light suffix stemmer
 * (shipping, shipped, ships → ship; deliveries, delivery → deliveri; creating, created, create → creat),
 * with contractions split ("what's" → what, "can't" → can not).
 */

const SEGMENTER = new Intl.Segmenter('ja', { granularity: 'word' });
/** A word of lower-case Latin letters only (what the stemmer and the derived-word rule read). */
export const LATIN_WORD = /^[a-z]+$/;
const VOWEL = /[aeiouy]/;

/** Contractions that are words of their own; "'s" (is / possessive) is dropped. */
const CONTRACTIONS: Readonly<Record<string, readonly string[]>> = {
  "can't": ['can', 'not'],
  "won't": ['will', 'not'],
  "n't": ['not'],
  "'re": ['are'],
  "'m": ['am'],
  "'ll": ['will'],
  "'ve": ['have'],
  "'d": ['would'],
};

/**
 * A light English stemmer (suffixes only, in the spirit of Porter's step 1 and Lovins' longest-match):
 * plural and verb endings, -ly, and a final -e, with doubled final consonants undone. Words of up to three
 * letters are kept as they are ("is", "was", "bus"). Pure and idempotent on its own output.
 */
export function stemEnglish(word: string): string {
  let w = word;
  if (w.length <= 3 || !LATIN_WORD.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'i';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:[sxz]|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  for (const suffix of ['ingly', 'edly', 'ing', 'ed', 'ly']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3 && VOWEL.test(w.slice(0, -suffix.length))) {
      w = w.slice(0, -suffix.length);
      // shipping → shipp → ship; but keep "ll", "ss", "zz" (install, pass, buzz)
      if (/([b-df-hj-kmnp-rtv-xz])\1$/.test(w) && !/(?:ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
      break;
    }
  }
  if (w.endsWith('y') && w.length > 3 && !VOWEL.test(w[w.length - 2])) w = w.slice(0, -1) + 'i';
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** Splits a contraction off an English word: "what's" → ["what"], "don't" → ["do", "not"]. */
function expandContraction(word: string): string[] {
  const w = word.replace(/[’‘`]/g, "'");
  const whole = CONTRACTIONS[w];
  if (whole) return [...whole];
  const apostrophe = w.indexOf("'");
  if (apostrophe < 0) return [w];
  if (w.endsWith("n't")) return [w.slice(0, -3), 'not'];
  const tail = w.slice(apostrophe);
  const head = w.slice(0, apostrophe);
  if (tail === "'s" || tail === "'") return head ? [head] : [];
  return [head, ...(CONTRACTIONS[tail] ?? [])].filter((t) => t.length > 0);
}

/**
 * The words of an already normalised question (normalizeQuestion), in reading order: Intl.Segmenter's
 * word-like segments, English ones stemmed. A question with no word at all (only punctuation or emoji)
 * gives its non-space characters instead, so it is never read as nothing.
 */
export function questionWords(normalized: string): string[] {
  const words: string[] = [];
  const segments = Array.from(SEGMENTER.segment(normalized));
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (!s.isWordLike) continue;
    let word = s.segment;
    // The segmenter splits "what's" into what | ' | s; glue the apostrophe parts back for expandContraction.
    const next = segments[i + 1];
    const after = segments[i + 2];
    if (next && /^['’]$/.test(next.segment) && after?.isWordLike && /^[a-z]+$/.test(after.segment)) {
      word += "'" + after.segment;
      i += 2;
    }
    for (const part of LATIN_WORD.test(word.replace(/['’]/g, '')) ? expandContraction(word) : [word]) {
      words.push(LATIN_WORD.test(part) ? stemEnglish(part) : part);
    }
  }
  if (words.length === 0) return Array.from(normalized).filter((ch) => ch.trim() !== '');
  return words;
}

/** Character trigrams of a word with boundary marks, for matching unknown words to known ones (typos). */
export function trigrams(word: string): Set<string> {
  const chars = Array.from(`^${word}$`);
  const out = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(''));
  return out;
}

/** Dice coefficient of two trigram sets, in [0, 1]. */
export function trigramSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return (2 * shared) / (a.size + b.size);
}
