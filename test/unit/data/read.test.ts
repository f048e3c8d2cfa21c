import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPairs, PairFileError, DEFAULT_PAIR_LIMITS, detectFormat } from '../../../src/data';

// Compiled to out/test/unit/data; fixtures stay in the source tree.
const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'pairs');

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function expectError(run: () => unknown, file: string, line: number, reason: RegExp): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof PairFileError, `expected PairFileError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.equal(e.line, line);
    assert.match(e.reason, reason);
    assert.equal(e.message, line > 0 ? `${file}:${line}: ${e.reason}` : `${file}: ${e.reason}`);
    return true;
  });
}

describe('readPairs formats', () => {
  test('reads TSV, skipping blank and comment lines, with source lines', () => {
    const r = readPairs(fixture('good.tsv'), 'good.tsv');
    assert.equal(r.format, 'tsv');
    assert.deepEqual(r.pairs, [
      { question: 'hello', answer: 'hi there', line: 2 },
      { question: 'How are you?', answer: 'Fine, thanks.', line: 4 },
      { question: '猫は？', answer: 'かわいい😺', line: 5 },
    ]);
    assert.deepEqual(r.warnings, []);
  });

  test('reads CSV with a header, CRLF, embedded newline, quotes and commas', () => {
    const r = readPairs(fixture('good.csv'), 'good.csv');
    assert.equal(r.format, 'csv');
    assert.deepEqual(r.pairs, [
      { question: 'hello', answer: 'hi there', line: 2 },
      { question: 'multi\r\nline, with "quotes"', answer: 'yes', line: 3 },
      { question: 'q3', answer: 'a, b', line: 5 },
    ]);
  });

  test('reads CSV without a header', () => {
    const r = readPairs(fixture('noheader.csv'), 'noheader.csv');
    assert.deepEqual(r.pairs.map((p) => [p.question, p.answer, p.line]), [['hello', 'hi', 1], ['bye', 'see you', 2]]);
  });

  test('reads a CSV header naming columns in another order with extra columns', () => {
    const r = readPairs(bytes('id,Answer,Question\n1,b,a\n'), 'x.csv');
    assert.deepEqual(r.pairs, [{ question: 'a', answer: 'b', line: 2 }]);
  });

  test('reads a JSON array with the line each object starts on', () => {
    const r = readPairs(fixture('good.json'), 'good.json');
    assert.equal(r.format, 'json');
    assert.deepEqual(r.pairs, [
      { question: 'hello', answer: 'hi', line: 2 },
      { question: 'how are you', answer: 'fine', line: 3 },
      { question: '猫', answer: 'ねこ 😺', line: 5 },
    ]);
  });

  test('reads JSONL with prompt/completion fields', () => {
    const r = readPairs(fixture('good.jsonl'), 'good.jsonl');
    assert.equal(r.format, 'jsonl');
    assert.deepEqual(r.pairs.map((p) => [p.question, p.answer, p.line]), [['hello', 'hi', 1], ['bye', 'see you', 3]]);
  });

  test("reads the book's fixed-width format, stripping trailing spaces", () => {
    const r = readPairs(fixture('addition.txt'), 'addition.txt');
    assert.equal(r.format, 'fixed');
    assert.deepEqual(r.pairs[0], { question: '16+75', answer: '91', line: 1 });
    assert.deepEqual(r.pairs[1], { question: '52+607', answer: '659', line: 2 });
  });

  test('reads UTF-8 with a BOM and CRLF line ends', () => {
    const r = readPairs(fixture('bom-crlf.tsv'), 'bom-crlf.tsv');
    assert.deepEqual(r.pairs.map((p) => [p.question, p.answer]), [['hello', 'hi'], ['bye', 'see you']]);
  });

  test('detects the format from content when the extension says nothing', () => {
    assert.equal(detectFormat('x.txt', '[{"q":"a","a":"b"}]'), 'json');
    assert.equal(detectFormat('x.txt', '{"q":"a","a":"b"}'), 'jsonl');
    assert.equal(detectFormat('x.txt', 'a\tb'), 'tsv');
    assert.equal(detectFormat('x.txt', 'a,b'), 'csv');
    assert.equal(detectFormat('x', '1+2 _3 '), 'fixed');
  });

  test("the book's date.txt is fixed-width although its questions hold commas (issue #11)", () => {
    // Its first lines: the first has a comma, the third none, the fifth two; '_' is in column 29 on every line.
    const dates = [
      'september 27, 1994           _1994-09-27',
      'August 19, 2003              _2003-08-19',
      '2/10/93                      _1993-02-10',
      '10/31/90                     _1990-10-31',
      'TUESDAY, SEPTEMBER 25, 1984  _1984-09-25',
    ].join('\n') + '\n';
    assert.equal(detectFormat('date.txt', dates), 'fixed');
    const r = readPairs(bytes(dates), 'date.txt');
    assert.equal(r.format, 'fixed');
    assert.deepEqual(r.pairs[4], { question: 'TUESDAY, SEPTEMBER 25, 1984', answer: '1984-09-25', line: 5 });
    // CSV whose lines hold an underscore stays CSV (ragged lines, '_' in different columns).
    assert.equal(detectFormat('x.txt', 'snake_case name,a\nwhat is foo_bar,b\n'), 'csv');
  });
});

describe('readPairs errors', () => {
  test('wrong field count in TSV', () => {
    expectError(() => readPairs(fixture('three-fields.tsv'), 'pairs.tsv'), 'pairs.tsv', 2, /^expected 2 tab-separated fields, got 3$/);
  });

  test('empty question and empty answer', () => {
    expectError(() => readPairs(fixture('empty-question.tsv'), 'e.tsv'), 'e.tsv', 2, /^empty question$/);
    expectError(() => readPairs(bytes('a\tb\nc\t  \n'), 'e.tsv'), 'e.tsv', 2, /^empty answer$/);
  });

  test('not UTF-8, with the line of the first bad byte', () => {
    expectError(() => readPairs(fixture('latin1.tsv'), 'latin1.tsv'), 'latin1.tsv', 3, /not UTF-8.*0xff/);
  });

  test('invalid JSON Lines, with the line', () => {
    expectError(() => readPairs(fixture('bad.jsonl'), 'bad.jsonl'), 'bad.jsonl', 2, /^invalid JSON/);
  });

  test('invalid JSON, with the line of the error', () => {
    expectError(() => readPairs(fixture('bad.json'), 'bad.json'), 'bad.json', 3, /^invalid JSON/);
  });

  test('missing field in JSON', () => {
    expectError(() => readPairs(fixture('missing-field.json'), 'm.json'), 'm.json', 3, /missing field "a"/);
    expectError(() => readPairs(bytes('{"foo": 1, "bar": 2}\n'), 'm.jsonl'), 'm.jsonl', 1, /expected fields input\/output.*got "foo", "bar"/);
    expectError(() => readPairs(bytes('{"q": "x", "a": true}\n'), 'm.jsonl'), 'm.jsonl', 1, /expected field "a" to be a string, got boolean/);
    expectError(() => readPairs(bytes('{"pairs": []}'), 'm.json'), 'm.json', 1, /expected a JSON array of objects, got an object/);
  });

  test('CSV quoting errors and field counts', () => {
    expectError(() => readPairs(fixture('unterminated.csv'), 'u.csv'), 'u.csv', 2, /unterminated quoted field/);
    expectError(() => readPairs(bytes('a,b\nc,d"e\n'), 'q.csv'), 'q.csv', 2, /unexpected quote/);
    expectError(() => readPairs(bytes('a,b\nc,d,e\n'), 'n.csv'), 'n.csv', 2, /^expected 2 comma-separated fields, got 3$/);
    expectError(() => readPairs(bytes('"a"x,b\n'), 'n.csv'), 'n.csv', 1, /after a closing quote, got "x"/);
  });

  test('fixed-width line without an underscore', () => {
    expectError(() => readPairs(bytes('1+2 _3\n4+5 9\n'), 'add.txt'), 'add.txt', 2, /got no '_'/);
  });

  test('a line over maxLineLength names the limit, the flag and the setting', () => {
    const long = 'a\t' + 'x'.repeat(50) + '\n';
    expectError(() => readPairs(bytes('a\tb\n' + long), 'l.tsv', { maxLineLength: 20 }), 'l.tsv', 2, /over the limit of 20 \(limit maxLineLength; change it with --max-line-length or the setting seq2seqChat\.limits\.maxLineLength\)/);
  });

  test('a field over maxFieldLength counts code points', () => {
    expectError(() => readPairs(bytes('a\t' + '😀'.repeat(6) + '\n'), 'f.tsv', { maxFieldLength: 5 }), 'f.tsv', 1, /answer is 6 characters long.*maxFieldLength/);
    assert.equal(readPairs(bytes('a\t' + '😀'.repeat(5) + '\n'), 'f.tsv', { maxFieldLength: 5 }).pairs.length, 1);
  });

  test('a file over maxFileBytes', () => {
    expectError(() => readPairs(bytes('a\tb\n'.repeat(10)), 'big.tsv', { maxFileBytes: 39 }), 'big.tsv', 0, /40 bytes, over the limit of 39.*--max-file-bytes.*seq2seqChat\.limits\.maxFileBytes/);
  });

  test('too many pairs', () => {
    expectError(() => readPairs(bytes('a\tb\nc\td\ne\tf\n'), 'p.tsv', { maxPairs: 2 }), 'p.tsv', 3, /more than 2 pairs.*--max-pairs/);
  });

  test('no pairs at all', () => {
    expectError(() => readPairs(fixture('empty.tsv'), 'empty.tsv'), 'empty.tsv', 0, /no pairs found/);
    expectError(() => readPairs(bytes('[]'), 'e.json'), 'e.json', 0, /no pairs found/);
  });

  test('limits must be positive integers', () => {
    assert.throws(() => readPairs(bytes('a\tb'), 'x.tsv', { maxPairs: 0 }), /expected maxPairs to be a positive integer, got 0/);
    assert.equal(DEFAULT_PAIR_LIMITS.maxFileBytes, 50 * 1024 * 1024);
  });
});

describe('readPairs warnings', () => {
  test('names exact duplicates and conflicting answers with both lines', () => {
    const r = readPairs(fixture('duplicates.tsv'), 'd.tsv');
    assert.equal(r.pairs.length, 4);
    assert.deepEqual(r.warnings.map((w) => [w.line, w.message.slice(0, 30)]), [
      [3, 'duplicate of line 1'],
      [4, 'same question as line 1 with a'],
    ]);
    assert.match(r.warnings[1].message, /lines 1 and 4 conflict/);
  });

  test('answers that differ only in case conflict, since replies keep the answer case', () => {
    const r = readPairs(bytes('Hello\tHi Bob\nhello?\thi bob\nHELLO\tHi Bob'), 'c.tsv');
    assert.deepEqual(r.warnings.map((w) => w.line), [2]);
    assert.match(r.warnings[0].message, /lines 1 and 2 conflict/);
  });
});

describe('readPairs bounded time', () => {
  test('a long run of quotes and separators parses in linear time', () => {
    const hostile = '"' + '""'.repeat(300_000) + '",x\n';
    const t0 = Date.now();
    const r = readPairs(bytes(hostile), 'h.csv', { maxLineLength: 1_000_000, maxFieldLength: 1_000_000 });
    assert.equal(r.pairs[0].question.length, 300_000);
    assert.ok(Date.now() - t0 < 3000);
  });
});
