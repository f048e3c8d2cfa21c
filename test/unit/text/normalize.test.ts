import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeQuestion, normalizeAnswer, normalizeOptionsProblem, DEFAULT_NORMALIZE_OPTIONS, MAX_PAD } from '../../../src/text/normalize';

describe('normalizeQuestion', () => {
  test('applies NFKC, case folding and space collapsing', () => {
    assert.equal(normalizeQuestion('  ＨＥＬＬＯ\t  Ｗｏｒｌｄ  '), 'hello world');
  });

  test('drops trailing punctuation from questions but not from answers', () => {
    assert.equal(normalizeQuestion('How are you ?!'), 'how are you');
    assert.equal(normalizeQuestion('元気ですか？'), '元気ですか');
  });

  test('each option can be turned off', () => {
    const off = { nfkc: false, lowercase: false, collapseSpaces: false, stripTrailingPunctuation: false };
    assert.equal(normalizeQuestion(' Ａ  b? ', off), ' Ａ  b? ');
    assert.equal(normalizeQuestion('Ａ', { ...DEFAULT_NORMALIZE_OPTIONS, nfkc: false }), 'ａ');
  });

  test('stays linear on long runs of punctuation', () => {
    const text = '?'.repeat(200_000) + 'a' + '?'.repeat(200_000);
    const t0 = Date.now();
    assert.equal(normalizeQuestion(text).length, 200_001);
    assert.ok(Date.now() - t0 < 2000);
  });
});

describe('normalizeAnswer', () => {
  test("keeps the answer's case, punctuation and characters; only trims and collapses spaces", () => {
    assert.equal(normalizeAnswer("  Hi,\t I'm   Bob.  "), "Hi, I'm Bob.");
    assert.equal(normalizeAnswer('ＡＢＣ　です！'), 'ＡＢＣ です！');
  });

  test('composes canonically equivalent sequences (NFC), so é is one token however it was typed', () => {
    assert.equal(normalizeAnswer('Cafe\u0301'), 'Caf\u00e9');
  });

  test('foldAnswers applies NFKC and case folding to answers as well (model files written before the option)', () => {
    assert.equal(normalizeAnswer('Ｆine, Thanks.', { ...DEFAULT_NORMALIZE_OPTIONS, foldAnswers: true }), 'fine, thanks.');
    assert.equal(normalizeAnswer('Fine  Thanks', { ...DEFAULT_NORMALIZE_OPTIONS, foldAnswers: false }), 'Fine Thanks');
  });

  test('padQuestions pads a question with spaces to that many characters after the other steps, never cuts it, and leaves answers alone', () => {
    const pad = { ...DEFAULT_NORMALIZE_OPTIONS, padQuestions: 12 };
    assert.equal(normalizeQuestion('  Mar 25,  2003?', pad), 'mar 25, 2003');
    assert.equal(normalizeQuestion('2/10/93', pad), '2/10/93     ');
    assert.equal(normalizeQuestion('平成6年9月', pad), '平成6年9月      '); // characters, not UTF-16 units
    assert.equal(normalizeQuestion('september 27, 1994', pad), 'september 27, 1994');
    assert.equal(normalizeAnswer('1993-02-10', pad), '1993-02-10');
  });

  test('a model file\'s padQuestions must be a whole number from 1 to MAX_PAD', () => {
    assert.equal(normalizeOptionsProblem({ ...DEFAULT_NORMALIZE_OPTIONS, padQuestions: 29 }), undefined);
    for (const bad of [0, 2.5, MAX_PAD + 1, '29']) assert.match(normalizeOptionsProblem({ ...DEFAULT_NORMALIZE_OPTIONS, padQuestions: bad }) ?? '', /padQuestions/);
  });

  test('without collapseSpaces an answer is kept as written, apart from NFC', () => {
    const off = { nfkc: false, lowercase: false, collapseSpaces: false, stripTrailingPunctuation: false };
    assert.equal(normalizeAnswer(' A  b? ', off), ' A  b? ');
  });
});
