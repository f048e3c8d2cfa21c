/**
 * CSV after RFC 4180: fields separated by commas, quoted fields may hold commas, line breaks and doubled
 * quotes. One linear state machine (no regex), so a hostile file costs time proportional to its size.
 * An optional header is a first row naming known fields (question,answer …); its columns are then used.
 */
import { pickFields } from './fields';
import type { PairSink } from './sink';

function show(c: string): string {
  return c === '\r' ? 'a carriage return' : JSON.stringify(c);
}

/**
 * Calls `each` with every record's fields and the line it starts on, one record at a time, so that the
 * caller's checks (maxPairs, field lengths) stop a bad file at its first bad record, having kept nothing
 * of the records before it. Fields are slices of the text (no character-by-character concatenation).
 */
export function forEachCsvRecord(text: string, sink: PairSink, each: (fields: string[], line: number) => void): void {
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      let value = '';
      if (text[i] === '"') {
        const openLine = line;
        i++;
        let from = i; // start of the part not yet copied into value
        for (;;) {
          if (i >= n) sink.fail(openLine, 'unterminated quoted field (the quote opened on this line never closes)');
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += text.slice(from, i + 1); // up to and with one quote of the pair
              i += 2;
              from = i;
              continue;
            }
            value += text.slice(from, i);
            i++;
            break;
          }
          if (c === '\n') line++;
          i++;
        }
        const after = text[i];
        if (after !== undefined && after !== ',' && after !== '\n' && !(after === '\r' && (text[i + 1] === '\n' || i + 1 === n))) {
          sink.fail(line, `expected a comma or the end of the line after a closing quote, got ${show(after)}`);
        }
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n') {
          if (text[i] === '"') sink.fail(line, 'unexpected quote in an unquoted field (quote the whole field and double inner quotes: "say ""hi""")');
          i++;
        }
        value = text.slice(from, i > from && text[i - 1] === '\r' ? i - 1 : i);
      }
      fields.push(value);
      if (text[i] === '\r') i++;
      if (i >= n) endOfRecord = true;
      else if (text[i] === ',') i++;
      else {
        // '\n'
        i++;
        line++;
        endOfRecord = true;
      }
    }
    if (!(fields.length === 1 && fields[0].trim() === '')) each(fields, recordLine);
  }
}

export function parseCsv(text: string, sink: PairSink): void {
  let q = 0;
  let a = 1;
  let width = 2;
  let first = true;
  forEachCsvRecord(text, sink, (fields, line) => {
    if (first) {
      first = false;
      const names = fields.map((f) => f.trim());
      const pick = pickFields(names);
      if (pick.ok) {
        q = names.indexOf(pick.question);
        a = names.indexOf(pick.answer);
        width = names.length;
        return;
      }
    }
    if (fields.length !== width) sink.fail(line, `expected ${width} comma-separated fields, got ${fields.length}`);
    sink.add(fields[q], fields[a], line);
  });
}
