import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendRecord, correctionRecord, CORRECTIONS_HEADER, pairLines, readPairs, tsvField } from '../../../src/chat';

const DATE = new Date('2026-12-03T14:00:00Z');

describe('the corrections file', () => {
  test('a record is a comment saying what and when, then question<TAB>answer; tabs and line breaks become spaces', () => {
    assert.equal(correctionRecord('how are you', 'great', 'corrected', DATE), '# 👎 corrected 2026-12-03T14:00:00.000Z\nhow are you\tgreat\n');
    assert.equal(correctionRecord(' a\tb ', 'c\r\nd', 'confirmed', DATE), '# 👍 confirmed 2026-12-03T14:00:00.000Z\na b\tc d\n');
    assert.equal(tsvField('x\u2028y\n\n\tz'), 'x y z');
    assert.throws(() => correctionRecord('q', ' \n', 'corrected', DATE), /expected a question and an answer/);
  });

  test('appending starts a new file with the header, and adds a missing last line break to an edited one', () => {
    const first = appendRecord('', correctionRecord('q1', 'a1', 'corrected', DATE));
    assert.ok(first.startsWith(CORRECTIONS_HEADER));
    const edited = appendRecord(first + 'typed\tby hand', correctionRecord('q2', 'a2', 'confirmed', DATE));
    assert.deepEqual(pairLines(edited), ['q1\ta1', 'typed\tby hand', 'q2\ta2']);
  });

  test('the file reads back as a pairs file with the pairs in order', () => {
    let text = '';
    for (const [q, a] of [['how are you', 'great'], ['日本語で', 'はい、どうぞ。'], ['tab\tin question', 'fine']]) text = appendRecord(text, correctionRecord(q, a, 'corrected', DATE));
    const read = readPairs(new TextEncoder().encode(text), 'corrections.tsv');
    assert.deepEqual(read.pairs.map((p) => [p.question, p.answer]), [['how are you', 'great'], ['日本語で', 'はい、どうぞ。'], ['tab in question', 'fine']]);
    assert.deepEqual(read.warnings, []);
  });
});
