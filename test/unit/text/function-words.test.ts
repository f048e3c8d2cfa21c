import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { questionWords } from '../../../src/text/analyze';
import { isFunctionWord } from '../../../src/text/function-words';
import { DEFAULT_NORMALIZE_OPTIONS, normalizeQuestion } from '../../../src/text';

const read = (q: string): string[] => questionWords(normalizeQuestion(q, DEFAULT_NORMALIZE_OPTIONS));

describe('function words', () => {
  test('the frame of an English question is function words, its topic is not', () => {
    const words = read("How many players does a soccer team have? Please tell me what's the rule");
    assert.deepEqual(
      words.filter((w) => !isFunctionWord(w)),
      ['player', 'soccer', 'team', 'rul'],
    );
  });

  test('read as questions are read: stemmed forms and contractions are recognised', () => {
    for (const w of ['does', 'doing', 'having', "can't", "what's", 'wanna']) {
      for (const piece of read(w)) assert.ok(isFunctionWord(piece), `${w} → ${piece}`);
    }
  });

  test('Japanese particles, auxiliaries, question words and framing are function words; the topic is not', () => {
    assert.deepEqual(read('カレーの作り方を教えてください').filter((w) => !isFunctionWord(w)), ['カレー', '作り方']);
    assert.deepEqual(read('日本の首都はどこですか').filter((w) => !isFunctionWord(w)), ['日本', '首都']);
    assert.deepEqual(read('支払い方法を知りたい').filter((w) => !isFunctionWord(w)), ['支払い', '方法']);
    assert.deepEqual(read('いつ届きますか').filter((w) => !isFunctionWord(w)), ['届']);
  });

  test('content words of any domain are not function words', () => {
    for (const w of ['refund', 'password', 'branch', 'install', 'order', 'pet', 'pool', 'cancel', 'warranty', '返品', '配送', 'ブランチ', '予約', '料金']) {
      for (const piece of read(w)) assert.equal(isFunctionWord(piece), false, `${w} → ${piece}`);
    }
  });
});
