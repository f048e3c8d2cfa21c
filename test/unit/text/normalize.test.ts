import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeQuestion, normalizeAnswer, DEFAULT_NORMALIZE_OPTIONS } from '../../../src/text/normalize';

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

  test('without collapseSpaces an answer is kept as written, apart from NFC', () => {
    const off = { nfkc: false, lowercase: false, collapseSpaces: false, stripTrailingPunctuation: false };
    assert.equal(normalizeAnswer(' A  b? ', off), ' A  b? ');
  });
});
