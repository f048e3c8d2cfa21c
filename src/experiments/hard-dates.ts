/**
 * A harder date-conversion set than the book's `date.txt` (issue #11): dates written in 40 human forms,
 * English and Japanese, → "_YYYY-MM-DD", in the same fixed-width layout and size (50,000 lines, questions
 * padded to 29 characters), so that the book's `sequence.load_data` reads it unchanged. Generated with a
 * seeded Random; no corpus.
 *
 * English: month names in full, abbreviated ("Sep", "Sept.") and in three cases; day first or month first;
 * ordinals ("the 3rd of March, 2004"); weekdays in front; US numeric M/D/Y with "/", European D.M.Y with
 * "." , ISO Y-M-D with "-" or "/", compact YYYYMMDD; two-digit years ("Mar. 3 '04", 3/3/04), read as
 * 1950–2049. Japanese: 2004年3月3日 with or without zero-padding and the weekday (水) / 水曜日, two-digit
 * years (04年3月3日), full-width digits, the era forms 昭和 / 平成 / 令和 (元年 for an era's first year),
 * and month-day-first "3月3日 2004年".
 *
 * Usage: node out/src/experiments/hard-dates.js --out FILE [--seed S] [--count N]
 */
import { writeFileSync } from 'node:fs';
import { Random } from '../random';
import { type Case, cased, DATE_ANSWER_WIDTH, DATE_QUESTION_WIDTH, MONTHS, two, WEEKDAYS } from './dates';

const JA_WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];
/** Years drawn; two-digit years in this range are unambiguous (50–99 → 19xx, 00–49 → 20xx). */
export const HARD_FIRST_YEAR = 1950;
export const HARD_LAST_YEAR = 2049;

/** Japanese eras from their first day (UTC date), newest first. */
const ERAS: readonly { name: string; start: number; offset: number }[] = [
  { name: '令和', start: Date.UTC(2019, 4, 1), offset: 2018 },
  { name: '平成', start: Date.UTC(1989, 0, 8), offset: 1988 },
  { name: '昭和', start: Date.UTC(1926, 11, 25), offset: 1925 },
];

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Digits 0–9 as full-width ０–９ (U+FF10…). */
function fullWidth(s: string): string {
  return s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
}

/** "平成6年" for 1994-09-27; "令和元年" for 2019-05-01. */
export function eraYear(utc: number, year: number): string {
  const era = ERAS.find((e) => utc >= e.start) ?? ERAS[ERAS.length - 1];
  const n = year - era.offset;
  return `${era.name}${n === 1 ? '元' : String(n)}年`;
}

/** A date in one of the forms listed in the file header; `rng` picks the form, the case and the date's spelling. */
export function formatHardDate(year: number, month: number, day: number, rng: Random): string {
  const utc = Date.UTC(year, month - 1, day);
  const wd = new Date(utc).getUTCDay();
  const c: Case = (['lower', 'title', 'upper'] as const)[rng.int(3)];
  const name = cased(MONTHS[month - 1], c);
  const abbr = cased(MONTHS[month - 1].slice(0, 3), c);
  // "Sept." and "Sep." both occur; May has no abbreviation point.
  const dotted = month === 5 ? name : `${cased(month === 9 ? 'sept' : MONTHS[month - 1].slice(0, 3), c)}.`;
  const weekday = cased(WEEKDAYS[wd], c);
  const wdAbbr = cased(WEEKDAYS[wd].slice(0, 3), c);
  const the = cased('the', c);
  const of = cased('of', c);
  const yy = two(year % 100);
  const m2 = two(month);
  const d2 = two(day);
  const jaWd = JA_WEEKDAYS[wd];
  const forms: (() => string)[] = [
    // English, month first
    () => `${name} ${day}, ${year}`, // September 27, 1994
    () => `${abbr} ${day}, ${year}`, // Sep 27, 1994
    () => `${dotted} ${day}, ${year}`, // Sept. 27, 1994
    () => `${name} ${ordinal(day)}, ${year}`, // September 27th, 1994
    () => `${weekday}, ${name} ${day}, ${year}`, // Tuesday, September 27, 1994
    () => `${wdAbbr}, ${abbr} ${day}, ${year}`, // Tue, Sep 27, 1994
    () => `${dotted} ${day} '${yy}`, // Sept. 27 '94
    () => `${abbr} ${day} ${year}`, // Sep 27 1994
    // English, day first
    () => `${day} ${name} ${year}`, // 27 September 1994
    () => `${day} ${abbr} ${year}`, // 27 Sep 1994
    () => `${wdAbbr}, ${day} ${abbr} ${year}`, // Tue, 27 Sep 1994 (RFC 2822)
    () => `${weekday} ${day} ${name} ${year}`, // Tuesday 27 September 1994
    () => `${the} ${ordinal(day)} ${of} ${name}, ${year}`, // the 27th of September, 1994
    () => `${ordinal(day)} ${of} ${abbr} ${year}`, // 27th of Sep 1994
    () => `${day}-${abbr}-${yy}`, // 27-Sep-94
    () => `${d2}-${abbr}-${year}`, // 27-Sep-1994
    // Numeric: "/" month first (US), "." day first (European), "-" year first (ISO)
    () => `${month}/${day}/${yy}`, // 9/27/94
    () => `${m2}/${d2}/${year}`, // 09/27/1994
    () => `${day}.${month}.${year}`, // 27.9.1994
    () => `${d2}.${m2}.${yy}`, // 27.09.94
    () => `${year}-${m2}-${d2}`, // 1994-09-27
    () => `${year}/${month}/${day}`, // 1994/9/27
    () => `${year}${m2}${d2}`, // 19940927
    () => `${wdAbbr} ${year}-${m2}-${d2}`, // Tue 1994-09-27 (ISO with the weekday)
    () => `${year}-${m2}-${d2}, ${weekday}`, // 1994-09-27, Tuesday
    () => `${year} ${abbr} ${d2}`, // 1994 Sep 27
    // Japanese
    () => `${year}年${month}月${day}日`, // 1994年9月27日
    () => `${year}年${m2}月${d2}日`, // 1994年09月27日
    () => `${year}年${month}月${day}日(${jaWd})`, // 1994年9月27日(火)
    () => `${year}年${month}月${day}日 ${jaWd}曜日`, // 1994年9月27日 火曜日
    () => `${yy}年${month}月${day}日`, // 94年9月27日
    () => fullWidth(`${year}年${month}月${day}日`), // １９９４年９月２７日
    () => `${eraYear(utc, year)}${month}月${day}日`, // 平成6年9月27日
    () => `${eraYear(utc, year)}${month}月${day}日(${jaWd})`, // 平成6年9月27日(火)
    () => `${month}月${day}日 ${year}年`, // 9月27日 1994年
    () => `${month}月${day}日(${jaWd}) ${year}年`, // 9月27日(火) 1994年
    () => `${year}/${m2}/${d2}(${jaWd})`, // 1994/09/27(火)
    () => `${year}.${month}.${day}`, // 1994.9.27
    () => `${jaWd}曜日, ${year}年${month}月${day}日`, // 火曜日, 1994年9月27日
    () => `${year}年${month}月${day}日（${jaWd}）`, // full-width parentheses
  ];
  return forms[rng.int(forms.length)]();
}

/** Number of forms formatHardDate draws from (for tests and the file header). */
export const HARD_DATE_FORMS = 40;

/** `count` fixed-width lines "question…_YYYY-MM-DD" (questions padded with spaces to 29 characters). */
export function makeHardDateLines(count: number, rng: Random): string[] {
  const first = Date.UTC(HARD_FIRST_YEAR, 0, 1);
  const days = Math.round((Date.UTC(HARD_LAST_YEAR, 11, 31) - first) / 86_400_000) + 1;
  const lines: string[] = [];
  for (let k = 0; k < count; k++) {
    const d = new Date(first + rng.int(days) * 86_400_000);
    const [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    const question = formatHardDate(year, month, day, rng);
    if (question.length > DATE_QUESTION_WIDTH || question.includes('_')) throw new RangeError(`hard-dates: form too wide for ${DATE_QUESTION_WIDTH} columns: ${question}`);
    const answer = `_${year}-${two(month)}-${two(day)}`;
    lines.push(question.padEnd(DATE_QUESTION_WIDTH, ' ') + answer.padEnd(DATE_ANSWER_WIDTH, ' '));
  }
  return lines;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : argv[i + 1];
  };
  const out = value('--out');
  const seed = Number(value('--seed') ?? '2026');
  const count = Number(value('--count') ?? '50000');
  if (out === undefined || !Number.isInteger(seed) || !Number.isInteger(count) || count < 1) {
    console.error('usage: node out/src/experiments/hard-dates.js --out FILE [--seed S] [--count N]');
    process.exitCode = 2;
  } else {
    writeFileSync(out, makeHardDateLines(count, new Random(seed)).join('\n') + '\n');
  }
}
