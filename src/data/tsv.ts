/** Tab-separated pairs (`question<TAB>answer`), and the book's fixed-width format (`16+75  _91  `, ch. 7.2). */
import { forEachLine, type PairSink } from './sink';

/** Blank lines and `#` comments carry no pair. */
export function skippable(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

/**
 * True when a line without a tab has a run of 2+ spaces between two words: an editor that turned the Tab
 * key into spaces (VS Code's default for a plain-text file), not a question without an answer.
 */
export function spacesWhereTabExpected(line: string): boolean {
  return !line.includes('\t') && /\S {2,}\S/.test(line);
}

export const SPACES_FOR_TAB_HINT = 'this line has spaces where a tab is expected';

/** One TSV line (not blank, not a comment) into the sink; the same check for training and live diagnostics. */
export function parseTsvLine(line: string, n: number, sink: PairSink): void {
  const fields = line.split('\t');
  if (fields.length !== 2) {
    sink.fail(n, `expected 2 tab-separated fields, got ${fields.length}${spacesWhereTabExpected(line) ? `: ${SPACES_FOR_TAB_HINT}` : ''}`);
  }
  sink.add(fields[0], fields[1], n);
}

export function parseTsv(text: string, sink: PairSink): void {
  forEachLine(text, (line, n) => {
    if (!skippable(line)) parseTsvLine(line, n, sink);
  });
}

/** The book's toy data sets: question, padding spaces, `_`, answer, padding spaces (the `_` is the decoder's start mark). */
export function parseFixed(text: string, sink: PairSink): void {
  forEachLine(text, (line, n) => {
    if (line.trim() === '') return;
    const at = line.indexOf('_');
    if (at < 0) sink.fail(n, "expected question_answer (the book's fixed-width format), got no '_'");
    sink.add(line.slice(0, at).trimEnd(), line.slice(at + 1).trimEnd(), n);
  });
}
