/**
 * The book's date-format experiment (ch. 8.3, `ch08/train.py`, dataset `dataset/date.txt`): translate
 * dates written by people ("september 27, 1994", "2/10/93", "TUESDAY, SEPTEMBER 25, 1984") into ISO form
 * ("_1994-09-27") with an AttentionSeq2seq. As in the book, questions are padded with spaces to 29
 * characters, answers are "_" + YYYY-MM-DD (11 characters), so every row has the same width, the input
 * is reversed (the book's `is_reverse = True`), and 45,000 / 5,000 examples train / test. The data are
 * generated with a seeded Random in the forms date.txt holds, instead of read from the book's file.
 *
 * Usage: node out/src/experiments/dates.js [--model attention|peeky|simple] [--epochs N] [--limit M]
 *        [--test-limit K] [--seed S] [--batch B] [--lr LR] [--hidden H] [--wordvec D]
 *        [--file path/to/dataset/date.txt]   (the book's own file instead of generated data)
 *        [--book-order]   (the file is already in the book's shuffled order: split it as it comes)
 * Book settings: wordvec 16, hidden 256, batch 128, Adam lr 0.001, clip 5, 10 epochs; the book reports
 * ≈ 100 % test accuracy from the second epoch on (attention), peeky ≈ 99 %, simple ≈ 1 % after 10.
 */
import { Random } from '../random';
import { readFileSync } from 'node:fs';
import { type AdditionExample, type AdditionOptions, parseArgs, parseBookLines, runCharTask } from './addition';

export const DATE_QUESTION_WIDTH = 29; // "WEDNESDAY, SEPTEMBER 27, 1995"
export const DATE_ANSWER_WIDTH = 11; // "_1994-09-27"

export const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** Years the generator draws; with two-digit years (2/10/93) this range keeps them unambiguous. */
const FIRST_YEAR = 1970;
const LAST_YEAR = 2029;

export type Case = 'lower' | 'title' | 'upper';

export function cased(word: string, c: Case): string {
  if (c === 'upper') return word.toUpperCase();
  if (c === 'title') return word[0].toUpperCase() + word.slice(1);
  return word;
}

export const two = (n: number): string => String(n).padStart(2, '0');

/** A date in one of date.txt's human forms; `rng` picks the form, the case and the date. */
export function formatHumanDate(year: number, month: number, day: number, rng: Random): string {
  const c: Case = (['lower', 'title', 'upper'] as const)[rng.int(3)];
  const monthName = cased(MONTHS[month - 1], c);
  const monthAbbr = cased(MONTHS[month - 1].slice(0, 3), c);
  const weekday = cased(WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()], c);
  const yy = two(year % 100);
  switch (rng.int(6)) {
    case 0: return `${monthName} ${day}, ${year}`; // september 27, 1994 · August 19, 2003
    case 1: return `${month}/${day}/${yy}`; // 2/10/93 · 10/31/90
    case 2: return `${weekday}, ${monthName} ${day}, ${year}`; // TUESDAY, SEPTEMBER 25, 1984
    case 3: return `${monthAbbr} ${day}, ${year}`; // JUN 17, 2013 · Sep 13, 1976
    case 4: return `${month}/${day}/${yy}`; // the numeric form is common in date.txt: drawn twice as often
    default: return `${monthName} ${day}, ${year}`;
  }
}

/** `count` dates in the book's fixed-width form: question padded to 29, answer "_YYYY-MM-DD". */
export function makeDateData(count: number, rng: Random): AdditionExample[] {
  const out: AdditionExample[] = [];
  const first = Date.UTC(FIRST_YEAR, 0, 1);
  const days = Math.round((Date.UTC(LAST_YEAR, 11, 31) - first) / 86_400_000) + 1;
  for (let k = 0; k < count; k++) {
    const d = new Date(first + rng.int(days) * 86_400_000);
    const [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    out.push({
      question: formatHumanDate(year, month, day, rng).padEnd(DATE_QUESTION_WIDTH, ' '),
      answer: `_${year}-${two(month)}-${two(day)}`,
    });
  }
  return out;
}

export const BOOK_DATE_OPTIONS: AdditionOptions = {
  model: 'attention', reverse: true, epochs: 10, limit: 45000, testLimit: 5000, seed: 1984,
  batchSize: 128, lr: 0.001, hidden: 256, wordvec: 16,
};

export async function runDates(o: AdditionOptions, log: (line: string) => void): Promise<number[]> {
  const rng = new Random(o.seed);
  const data = o.file === undefined ? makeDateData(50000, rng) : parseBookLines(readFileSync(o.file, 'utf8'), rng, o.file, o.bookOrder !== true);
  return runCharTask('dates', data, rng, o, log);
}

if (require.main === module) {
  try {
    const options = parseArgs(process.argv.slice(2), BOOK_DATE_OPTIONS, 'src/experiments/dates.ts');
    runDates(options, (line) => console.log(line)).catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    });
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
