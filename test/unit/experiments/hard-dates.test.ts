import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eraYear, HARD_FIRST_YEAR, HARD_LAST_YEAR, makeHardDateLines, ordinal } from '../../../src/experiments/hard-dates';
import { parseBookLines } from '../../../src/experiments/addition';
import { Random } from '../../../src/random';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const JA_WEEKDAYS = '日月火水木金土';

describe('harder date set (issue #11)', () => {
  const lines = makeHardDateLines(20000, new Random(5));

  test("fixed-width lines the book's load_data reads: 29-character questions, '_YYYY-MM-DD' answers, no other '_'", () => {
    const data = parseBookLines(lines.join('\n') + '\n', new Random(0), 'hard', false);
    assert.equal(data.length, 20000);
    for (const { question, answer } of data) {
      assert.equal(Array.from(question).length, 29);
      assert.match(answer, /^_\d{4}-\d{2}-\d{2}$/);
      const year = Number(answer.slice(1, 5));
      assert.ok(year >= HARD_FIRST_YEAR && year <= HARD_LAST_YEAR, answer);
    }
    assert.deepEqual(makeHardDateLines(50, new Random(5)), lines.slice(0, 50), 'the same seed gives the same lines');
  });

  test('every question holds its date: the day, and the year in four digits, two digits or an era', () => {
    for (const line of lines) {
      const q = line.slice(0, 29).normalize('NFKC');
      const [y, m, d] = line.slice(30).split('-').map(Number);
      assert.ok(new RegExp(`(^|\\D)0?${d}(\\D|$)|${d}(st|nd|rd|th)|${String(y)}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`).test(q), `${q} → ${line.slice(29)}: day`);
      assert.ok(q.includes(String(y)) || q.includes(String(y).slice(2)) || /(昭和|平成|令和)/.test(q), `${q}: year`);
      // A weekday, when written, is the date's own.
      const utc = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
      const en = /(sun|mon|tue|wed|thu|fri|sat)/i.exec(q.replace(/(sept?|mar|may|jun|jan|feb|apr|jul|aug|oct|nov|dec)[a-z]*\.?/gi, ''));
      if (en) assert.equal(WEEKDAYS.indexOf(en[1].toLowerCase()), utc, q);
      const ja = /[(（]([日月火水木金土])[)）]|([日月火水木金土])曜日/.exec(q);
      if (ja) assert.equal(JA_WEEKDAYS.indexOf(ja[1] ?? ja[2]), utc, q);
    }
  });

  test('many forms in both languages: month names in three cases, ordinals, Japanese eras, full-width digits', () => {
    const all = lines.join('\n');
    for (const pattern of [/September \d/, /SEPTEMBER/, /september/, /Sept\. /, /\d(st|nd|rd|th) of /i, /年\d+月\d+日/, /令和/, /平成/, /昭和/, /[０-９]/, /\d{8} /, /\d{4}-\d{2}-\d{2}, [A-Za-z]+day/, /'\d\d /, /\d+\.\d+\.\d{2,4}/]) {
      assert.match(all, pattern);
    }
  });

  test('eras and ordinals', () => {
    assert.equal(eraYear(Date.UTC(2019, 4, 1), 2019), '令和元年');
    assert.equal(eraYear(Date.UTC(2019, 3, 30), 2019), '平成31年');
    assert.equal(eraYear(Date.UTC(1989, 0, 8), 1989), '平成元年');
    assert.equal(eraYear(Date.UTC(1989, 0, 7), 1989), '昭和64年');
    assert.equal(eraYear(Date.UTC(1994, 8, 27), 1994), '平成6年');
    assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '31st']);
  });
});
