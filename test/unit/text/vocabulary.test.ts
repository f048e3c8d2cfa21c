import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocabulary, UNK_ID, END_ID, SPECIAL_TOKENS } from '../../../src/text/vocabulary';
import { CharTokenizer } from '../../../src/text/tokenizer';

describe('Vocabulary', () => {
  const tok = new CharTokenizer();
  const vocab = Vocabulary.build(['ねこ😺', 'cat'].map((s) => tok.tokenize(s)));

  test('puts the special tokens first and others by first appearance', () => {
    assert.deepEqual(vocab.tokens.slice(0, 4), SPECIAL_TOKENS);
    assert.deepEqual(vocab.tokens.slice(4), ['ね', 'こ', '😺', 'c', 'a', 't']);
  });

  test('encodes and decodes Japanese and emoji back to the input', () => {
    const ids = vocab.encode(tok.tokenize('こねこ😺'));
    assert.equal(tok.detokenize(vocab.decode(ids)), 'こねこ😺');
  });

  test('maps unknown characters to UNK without throwing', () => {
    const ids = vocab.encode(tok.tokenize('dog'));
    assert.deepEqual(ids, [UNK_ID, UNK_ID, UNK_ID]);
    assert.deepEqual(vocab.encode(tok.tokenize('cat🐶')), [vocab.id('c'), vocab.id('a'), vocab.id('t'), UNK_ID]);
  });

  test('decode stops at END', () => {
    assert.deepEqual(vocab.decode([vocab.id('c'), END_ID, vocab.id('a')]), ['c']);
  });

  test('fromTokens rejects a table without the special tokens first', () => {
    assert.throws(() => Vocabulary.fromTokens(['a', '<s>', '</s>', '<unk>']), /expected "<pad>" at id 0, got "a"/);
    assert.equal(Vocabulary.fromTokens(vocab.tokens).size, vocab.size);
  });

  test('fromTokensInSteps builds the same table, at most perStep tokens a step, with the same checks', () => {
    const tokens = [...SPECIAL_TOKENS, ...Array.from({ length: 10 }, (_, i) => `t${i}`)];
    const steps = Vocabulary.fromTokensInSteps(tokens, 4);
    const counts: number[] = [];
    let r = steps.next();
    for (; !r.done; r = steps.next()) counts.push(r.value);
    assert.deepEqual(counts, [4, 4, 4, 2]);
    assert.deepEqual(r.value.tokens, tokens);
    assert.equal(r.value.id('t9'), 13);
    assert.equal(r.value.id('never'), UNK_ID);
    const drain = (t: string[]): void => {
      for (const _ of Vocabulary.fromTokensInSteps(t, 4)) void _;
    };
    assert.throws(() => drain(['a', '<s>', '</s>', '<unk>']), /expected "<pad>" at id 0, got "a"/);
    assert.throws(() => drain([...SPECIAL_TOKENS, 'x', 'y', 'z', 'w', 'x']), /token "x" appears twice \(ids 4 and 8\)/);
  });
});
