/**
 * The corrections file (issue #14; docs/corrections.md): a pairs file the user owns, written when a reply is
 * corrected (👎 and the answer it should have given) or confirmed (👍), read by *Apply Corrections*. Plain
 * TSV so that it can be reviewed, edited and appended to a training file; each pair follows a comment line
 * that says which it was and when.
 */

/** The first lines of a new corrections file. */
export const CORRECTIONS_HEADER =
  '# Seq2Seq Chat corrections: question<TAB>answer, one pair per line (lines starting with # are comments).\n' +
  '# Written when you correct (👎) or confirm (👍) a reply; "Seq2Seq Chat: Apply Corrections" teaches them to the model.\n';

/** A field as one TSV cell: tabs and line breaks (which would split the pair) become spaces; trimmed. */
export function tsvField(text: string): string {
  return text.replace(/[\t\r\n\u2028\u2029]+/g, ' ').trim();
}

/** The lines that record one pair: a comment saying what it was and when, then question<TAB>answer. */
export function correctionRecord(question: string, answer: string, verdict: 'confirmed' | 'corrected', date: Date): string {
  const q = tsvField(question);
  const a = tsvField(answer);
  if (q === '' || a === '') throw new RangeError(`correctionRecord: expected a question and an answer, got ${JSON.stringify(q)} and ${JSON.stringify(a)}`);
  return `# ${verdict === 'corrected' ? '👎 corrected' : '👍 confirmed'} ${date.toISOString()}\n${q}\t${a}\n`;
}

/** `text` with `record` appended (the header first when the file is new; a line break added when the file lacks its last one). */
export function appendRecord(text: string, record: string): string {
  if (text === '') return CORRECTIONS_HEADER + record;
  return text + (text.endsWith('\n') ? '' : '\n') + record;
}

/** The pair lines of a pairs text (no comments, no blank lines): what *Add Corrections to Pairs File…* appends. */
export function pairLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
}
