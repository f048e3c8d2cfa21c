import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BOOK_DATE_OPTIONS, DATE_ANSWER_WIDTH, DATE_QUESTION_WIDTH, formatHumanDate, makeDateData, runDates } from '../../../src/experiments/dates';
import { parseArgs, parseBookLines } from '../../../src/experiments/addition';
import { Random } from '../../../src/random';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Reads a generated question back into [year, month, day], independently of the generator. */
function parseHuman(q: string): [number, number, number] {
  const text = q.trim().toLowerCase();
  const numeric = /^(\d{1,2})\/(\d{1,2})\/(\d{2})$/.exec(text);
  if (numeric) {
    const yy = Number(numeric[3]);
    return [yy >= 70 ? 1900 + yy : 2000 + yy, Number(numeric[1]), Number(numeric[2])];
  }
  const named = /^(?:[a-z]+, )?([a-z]+) (\d{1,2}), (\d{4})$/.exec(text);
  assert.ok(named, `unexpected form ${JSON.stringify(q)}`);
  return [Number(named[3]), MONTHS.indexOf(named[1].slice(0, 3)) + 1, Number(named[2])];
}

describe('dates experiment (book ch. 8)', () => {
  test('questions are human dates padded to 29 characters and answers their ISO form after "_"', () => {
    const data = makeDateData(2000, new Random(3));
    const forms = new Set<string>();
    for (const { question, answer } of data) {
      assert.equal(question.length, DATE_QUESTION_WIDTH);
      assert.equal(answer.length, DATE_ANSWER_WIDTH);
      const [y, m, d] = parseHuman(question);
      assert.equal(answer, `_${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
      forms.add(question.trim().replace(/\d+/g, '9').replace(/[a-z]/g, 'a').replace(/[A-Z]/g, 'A'));
    }
    // numeric, full month in three cases, abbreviated month, weekday forms: many distinct shapes
    assert.ok(forms.size > 20, `only ${forms.size} forms`);
    assert.deepEqual(makeDateData(5, new Random(7)), makeDateData(5, new Random(7)));
  });

  test('a weekday form names the right day of the week', () => {
    const rng = new Random(5);
    for (let k = 0; k < 200; k++) {
      const s = formatHumanDate(1984, 9, 25, rng);
      if (s.includes(',') && s.split(',').length === 3) assert.equal(s.split(',')[0].toLowerCase(), 'tuesday');
    }
  });

  test('arguments default to the book\'s ch. 8 settings', () => {
    const o = parseArgs(['--epochs', '1', '--limit', '300'], BOOK_DATE_OPTIONS, 'dates.ts');
    assert.deepEqual([o.model, o.reverse, o.epochs, o.limit, o.batchSize, o.lr, o.hidden, o.wordvec], ['attention', true, 1, 300, 128, 0.001, 256, 16]);
    assert.throws(() => parseArgs(['--fast'], BOOK_DATE_OPTIONS, 'src/experiments/dates.ts'), /unknown argument --fast; see the usage at the top of src\/experiments\/dates.ts/);
  });

  test('the book\'s fixed-width lines split at the first "_", padding kept, shuffled by the seed', () => {
    const text = 'september 27, 1994           _1994-09-27\n2/10/93                      _1993-02-10\n';
    const rows = parseBookLines(text, new Random(1));
    assert.deepEqual(rows.map((r) => r.answer).sort(), ['_1993-02-10', '_1994-09-27']);
    assert.ok(rows.every((r) => r.question.length === DATE_QUESTION_WIDTH && r.answer.length === DATE_ANSWER_WIDTH));
    assert.throws(() => parseBookLines('2/10/93 1993-02-10\n', new Random(1), 'date.txt'), /date\.txt:1: expected question_answer/);
    assert.throws(() => parseBookLines('ab_1\nabc_1\n', new Random(1), 'x.txt'), /x\.txt: expected fixed-width lines, got 2 question\/answer widths/);
    assert.equal(parseArgs(['--file', '/data/date.txt'], BOOK_DATE_OPTIONS).file, '/data/date.txt');
  });

  test('a tiny run trains and reports an accuracy per epoch', async () => {
    const lines: string[] = [];
    const acc = await runDates({ ...BOOK_DATE_OPTIONS, epochs: 1, limit: 64, testLimit: 16, hidden: 8, wordvec: 4, batchSize: 32 }, (l) => lines.push(l));
    assert.equal(acc.length, 1);
    assert.ok(acc[0] >= 0 && acc[0] <= 1);
    assert.match(lines[0], /^dates: model attention \(reversed input\), V=\d+ D=4 H=8/);
    assert.ok(lines.some((l) => /^epoch 1\/1 /.test(l)));
  });
});
