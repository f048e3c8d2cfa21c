/**
 * Live diagnostics of a pairs file (issue #12 item 2): every bad line with the message training gives, the
 * "spaces where a tab is expected" hint (shared by the CLI and the extension through readPairs), and checks
 * that run in bounded slices.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PROBLEMS, PairFileError, PairsValidator, readPairs, type PairProblem } from '../../../src/data';

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The reason readPairs gives for `text`, or null when it reads. */
function trainingReason(text: string, limits = {}): string | null {
  try {
    readPairs(bytes(text), 'p.tsv', limits);
    return null;
  } catch (e) {
    assert.ok(e instanceof PairFileError);
    return e.reason;
  }
}

function validate(text: string, sliceLines = Number.MAX_SAFE_INTEGER, limits = {}): readonly PairProblem[] {
  const v = new PairsValidator(text, 'p.tsv', limits);
  while (!v.step(sliceLines));
  return v.problems;
}

const SPACES = 'expected 2 tab-separated fields, got 1: this line has spaces where a tab is expected';

describe('the spaces-for-tab error (readPairs, so the CLI and training say it)', () => {
  test('a line typed with spaces instead of a tab says so', () => {
    assert.equal(trainingReason('hello\thi\nhow are you    fine thanks\n'), SPACES);
    assert.equal(trainingReason('hello\thi\nhow are you  fine\n'), SPACES);
  });

  test('a line without a run of spaces, or with tabs, keeps the plain message', () => {
    assert.equal(trainingReason('hello\thi\nhello there\n'), 'expected 2 tab-separated fields, got 1');
    assert.equal(trainingReason('a\tb\tc\n'), 'expected 2 tab-separated fields, got 3');
    assert.equal(trainingReason('a\tb  c\td\n'), 'expected 2 tab-separated fields, got 3');
  });
});

describe('PairsValidator', () => {
  const FILE = [
    '# comment', // 1
    'hello\thi', // 2
    'how are you    fine', // 3 spaces for tab
    'a\tb\tc', // 4 three fields
    '\tno question', // 5
    'hello\thi', // 6 duplicate of 2
    'no answer at all', // 7
    'cat\tねこ', // 8
    'x'.repeat(50), // 9 too long with maxLineLength 40
  ].join('\n');

  test('reports every bad line, each with the message training gives for it alone', () => {
    const problems = validate(FILE, undefined, { maxLineLength: 40 });
    assert.deepEqual(problems.map((p) => [p.line, p.severity, p.code]), [
      [3, 'error', 'spaces-for-tab'],
      [4, 'error', undefined],
      [5, 'error', undefined],
      [6, 'warning', undefined],
      [7, 'error', undefined],
      [9, 'error', undefined],
    ]);
    const lines = FILE.split('\n');
    for (const p of problems.filter((x) => x.severity === 'error')) {
      assert.equal(p.message, trainingReason(lines[p.line - 1], { maxLineLength: 40 }), `line ${p.line}`);
    }
    assert.equal(problems[3].message, 'duplicate of line 2');
  });

  test('gives the same problems whatever the slice size, and says when it is done', () => {
    const whole = validate(FILE);
    for (const slice of [1, 2, 3, 7]) assert.deepEqual(validate(FILE, slice), whole, `slice ${slice}`);
    let steps = 0;
    const byChars = new PairsValidator(FILE, 'p.tsv');
    while (!byChars.step(1000, 1)) steps++;
    assert.deepEqual(byChars.problems, whole, 'slices of 1 character');
    assert.equal(steps + 1, FILE.split('\n').length, 'a slice of 1 character still reads one whole line');
    const v = new PairsValidator(FILE, 'p.tsv');
    assert.equal(v.step(4), false);
    assert.equal(v.done, false);
    assert.equal(v.step(100), true);
    assert.equal(v.done, true);
  });

  test('a good file has no problem; an empty one has "no pairs found"', () => {
    assert.deepEqual(validate('hello\thi\r\n# c\r\n\r\ncat\tねこ\r\n'), []);
    assert.deepEqual(validate('# only a comment\n'), [{ line: 1, message: 'no pairs found (expected TSV question/answer pairs)', severity: 'error' }]);
  });

  test('the pair over maxPairs is reported once, at its line', () => {
    const problems = validate('a\t1\nb\t2\nc\t3\nd\t4\n', undefined, { maxPairs: 2 });
    assert.deepEqual(problems.map((p) => p.line), [3]);
    assert.match(problems[0].message, /^more than 2 pairs \(limit maxPairs/);
    assert.match(trainingReason('a\t1\nb\t2\nc\t3\n', { maxPairs: 2 }) ?? '', /^more than 2 pairs \(limit maxPairs/);
  });

  test(`keeps at most ${MAX_PROBLEMS} problems`, () => {
    const problems = validate('bad line\n'.repeat(MAX_PROBLEMS + 50));
    assert.equal(problems.length, MAX_PROBLEMS);
  });
});
