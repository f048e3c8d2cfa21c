import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { questionWords, stemEnglish, trigramSimilarity, trigrams } from '../../../src/text/analyze';
import { normalizeQuestion } from '../../../src/text';

const words = (q: string): string[] => questionWords(normalizeQuestion(q));

describe('questionWords', () => {
  test('inflections of one English word meet', () => {
    for (const group of [['ship', 'ships', 'shipped', 'shipping'], ['create', 'creates', 'created', 'creating'], ['delivery', 'deliveries'], ['run', 'running'], ['test', 'tests', 'testing']]) {
      const stems = new Set(group.map(stemEnglish));
      assert.equal(stems.size, 1, `${group.join(', ')} → ${[...stems].join(', ')}`);
    }
    // Short words and double letters that belong to the word are kept.
    assert.equal(stemEnglish('is'), 'is');
    assert.equal(stemEnglish('install'), 'install');
    assert.equal(stemEnglish('installing'), 'install');
    assert.equal(stemEnglish('pass'), 'pass');
  });

  test('stemming is idempotent', () => {
    for (const w of ['shipping', 'deliveries', 'created', 'happily', 'classes', 'buses', 'running', 'install']) assert.equal(stemEnglish(stemEnglish(w)), stemEnglish(w));
  });

  test('punctuation goes, contractions are split, case and width are folded', () => {
    assert.deepEqual(words("What's the status of my ORDER?"), ['what', 'the', 'status', 'of', 'my', 'order']);
    assert.deepEqual(words("I can't log in!"), ['i', 'can', 'not', 'log', 'in']);
    assert.deepEqual(words("don't"), ['do', 'not']);
    assert.deepEqual(words('ＨＥＬＬＯ'), ['hello']);
  });

  test('Japanese is cut into words, so polite and plain forms share their stem', () => {
    const plain = words('教えて');
    const polite = words('教えてください');
    assert.ok(plain.length >= 1 && polite.length > plain.length, `${plain} / ${polite}`);
    assert.deepEqual(polite.slice(0, plain.length), plain);
    const q = words('テストはどうやって実行しますか');
    assert.ok(q.includes('テスト') && q.includes('実行'), q.join('|'));
  });

  test('a question with no word is read as its characters, never as nothing', () => {
    assert.deepEqual(words('😀 😀'), ['😀', '😀']);
    assert.deepEqual(words('?!'), []);
  });
});

describe('trigram similarity', () => {
  test('a typo is close to its word, other words are not', () => {
    assert.ok(trigramSimilarity(trigrams('pasword'), trigrams('password')) >= 0.6);
    assert.ok(trigramSimilarity(trigrams('refund'), trigrams('return')) < 0.6);
    assert.equal(trigramSimilarity(trigrams('same'), trigrams('same')), 1);
  });
});
