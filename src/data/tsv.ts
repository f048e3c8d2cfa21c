/** Tab-separated pairs (`question<TAB>answer`), and the book's fixed-width format (`16+75  _91  `, ch. 7.2). */
import { forEachLine, type PairSink } from './sink';

function skippable(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

export function parseTsv(text: string, sink: PairSink): void {
  forEachLine(text, (line, n) => {
    if (skippable(line)) return;
    const fields = line.split('\t');
    if (fields.length !== 2) sink.fail(n, `expected 2 tab-separated fields, got ${fields.length}`);
    sink.add(fields[0], fields[1], n);
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
