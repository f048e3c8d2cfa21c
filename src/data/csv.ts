/**
 * CSV after RFC 4180: fields separated by commas, quoted fields may hold commas, line breaks and doubled
 * quotes. One linear state machine (no regex), so a hostile file costs time proportional to its size.
 * An optional header is a first row naming known fields (question,answer …); its columns are then used.
 */
import { pickFields } from './fields';
import type { PairSink } from './sink';

interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

function show(c: string): string {
  return c === '\r' ? 'a carriage return' : JSON.stringify(c);
}

export function parseCsvRecords(text: string, sink: PairSink): CsvRecord[] {
  const records: CsvRecord[] = [];
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
        for (;;) {
          if (i >= n) sink.fail(openLine, 'unterminated quoted field (the quote opened on this line never closes)');
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          value += c;
          i++;
        }
        const after = text[i];
        if (after !== undefined && after !== ',' && after !== '\n' && !(after === '\r' && (text[i + 1] === '\n' || i + 1 === n))) {
          sink.fail(line, `expected a comma or the end of the line after a closing quote, got ${show(after)}`);
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n') {
          if (text[i] === '"') sink.fail(line, 'unexpected quote in an unquoted field (quote the whole field and double inner quotes: "say ""hi""")');
          value += text[i];
          i++;
        }
        if (value.endsWith('\r')) value = value.slice(0, -1);
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
    if (!(fields.length === 1 && fields[0].trim() === '')) records.push({ fields, line: recordLine });
  }
  return records;
}

export function parseCsv(text: string, sink: PairSink): void {
  const records = parseCsvRecords(text, sink);
  let q = 0;
  let a = 1;
  let width = 2;
  let start = 0;
  const first = records[0];
  if (first) {
    const pick = pickFields(first.fields.map((f) => f.trim()));
    if (pick.ok) {
      const names = first.fields.map((f) => f.trim());
      q = names.indexOf(pick.question);
      a = names.indexOf(pick.answer);
      width = names.length;
      start = 1;
    }
  }
  for (let r = start; r < records.length; r++) {
    const { fields, line } = records[r];
    if (fields.length !== width) sink.fail(line, `expected ${width} comma-separated fields, got ${fields.length}`);
    sink.add(fields[q], fields[a], line);
  }
}
