/** Field names accepted in JSON, JSONL and CSV headers, as (question, answer) pairs; matched case-insensitively. */

export const FIELD_NAMES: readonly (readonly [string, string])[] = [
  ['input', 'output'],
  ['prompt', 'completion'],
  ['question', 'answer'],
  ['q', 'a'],
];

export const FIELD_NAMES_TEXT = 'input/output, prompt/completion, question/answer or q/a';

export type FieldPick = { ok: true; question: string; answer: string } | { ok: false; reason: string };

/** Picks the question and answer keys from a list of keys. */
export function pickFields(keys: readonly string[]): FieldPick {
  const lower = new Map(keys.map((k) => [k.toLowerCase(), k]));
  for (const [q, a] of FIELD_NAMES) {
    const qk = lower.get(q);
    const ak = lower.get(a);
    if (qk !== undefined && ak !== undefined) return { ok: true, question: qk, answer: ak };
  }
  for (const [q, a] of FIELD_NAMES) {
    if (lower.has(q)) return { ok: false, reason: `missing field "${a}" (the answer for "${q}")` };
    if (lower.has(a)) return { ok: false, reason: `missing field "${q}" (the question for "${a}")` };
  }
  const shown = keys.length ? keys.slice(0, 6).map((k) => JSON.stringify(k)).join(', ') : 'none';
  return { ok: false, reason: `expected fields ${FIELD_NAMES_TEXT}, got ${shown}` };
}
