import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CharTokenizer, WordTokenizer, createTokenizer } from '../../../src/text/tokenizer';

describe('CharTokenizer', () => {
  const tok = new CharTokenizer();

  test('keeps emoji and surrogate pairs whole and round-trips them', () => {
    const text = 'hi 😀👍🏽 𠮷野家';
    const tokens = tok.tokenize(text);
    assert.ok(tokens.includes('😀'));
    assert.ok(tokens.includes('𠮷'));
    assert.equal(tokens.every((t) => !/^[\ud800-\udfff]$/.test(t)), true);
    assert.equal(tok.detokenize(tokens), text);
  });

  test('round-trips Japanese one character per token', () => {
    const text = 'こんにちは、世界！';
    const tokens = tok.tokenize(text);
    assert.equal(tokens.length, 9);
    assert.equal(tok.detokenize(tokens), text);
  });
});

describe('WordTokenizer', () => {
  const tok = new WordTokenizer();

  test('splits words, spaces and punctuation', () => {
    assert.deepEqual(tok.tokenize("hello, world! it's 42"), ['hello', ',', ' ', 'world', '!', ' ', 'it', "'", 's', ' ', '42']);
  });

  test('falls back to characters in CJK runs', () => {
    assert.deepEqual(tok.tokenize('今日はgood天気'), ['今', '日', 'は', 'good', '天', '気']);
  });

  test('round-trips mixed text with emoji', () => {
    for (const text of ['How do I train?  Run  "train" 🚀', 'モデルを学習する方法は？', 'é café naïve']) {
      assert.equal(tok.detokenize(tok.tokenize(text)), text);
    }
  });

  test('createTokenizer picks the kind asked for', () => {
    assert.equal(createTokenizer('word').kind, 'word');
    assert.equal(createTokenizer('char').kind, 'char');
  });
});
