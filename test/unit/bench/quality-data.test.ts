import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPairs, normalizeQuestion, type Pair } from '../../../src/chat';

// Compiled to out/test/unit/bench; the data stays in the source tree.
const ROOT = join(__dirname, '..', '..', '..', '..');
const DATA = join(ROOT, 'bench', 'quality');
const DOMAINS = ['product', 'devtools', 'hotel'];
const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

function read(file: string, dir = DATA): { pairs: Pair[]; warnings: string[] } {
  const r = readPairs(new Uint8Array(readFileSync(join(dir, file))), file);
  return { pairs: r.pairs, warnings: r.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`) };
}

function lines(file: string): string[] {
  return readFileSync(join(DATA, file), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

function byAnswer(pairs: readonly Pair[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of pairs) m.set(p.answer, [...(m.get(p.answer) ?? []), p.question]);
  return m;
}

const domains = DOMAINS.map((name) => ({ name, train: read(`${name}.train.tsv`), test: read(`${name}.test.tsv`) }));
const trainedQuestions = new Set(domains.flatMap((d) => d.train.pairs.map((p) => normalizeQuestion(p.question))));

describe('bench/quality data', () => {
  for (const d of domains) {
    describe(d.name, () => {
      test('train and test files read as TSV without warnings', () => {
        assert.deepEqual(d.train.warnings, []);
        assert.deepEqual(d.test.warnings, []);
        assert.ok(d.train.pairs.length > 0 && d.test.pairs.length > 0, `expected pairs in both files, got ${d.train.pairs.length} and ${d.test.pairs.length}`);
      });

      test('has at least 16 topics, each with at least 5 training and 5 test phrasings', () => {
        const train = byAnswer(d.train.pairs);
        const testPhrasings = byAnswer(d.test.pairs);
        assert.ok(train.size >= 16, `expected at least 16 topics, got ${train.size}`);
        for (const [answer, questions] of train) {
          assert.ok(questions.length >= 5, `expected 5 training phrasings for ${JSON.stringify(answer)}, got ${questions.length}`);
          const tests = testPhrasings.get(answer) ?? [];
          assert.ok(tests.length >= 5, `expected 5 test phrasings for ${JSON.stringify(answer)}, got ${tests.length}`);
        }
      });

      test('every test answer is a training answer', () => {
        const answers = new Set(d.train.pairs.map((p) => p.answer));
        for (const p of d.test.pairs) assert.ok(answers.has(p.answer), `${d.name}.test.tsv:${p.line}: answer not in the training file: ${JSON.stringify(p.answer)}`);
      });

      test('no test question equals a training question after normalisation (in any domain)', () => {
        for (const p of d.test.pairs) {
          assert.ok(!trainedQuestions.has(normalizeQuestion(p.question)), `${d.name}.test.tsv:${p.line}: ${JSON.stringify(p.question)} is also a training question`);
        }
        const tests = d.test.pairs.map((p) => normalizeQuestion(p.question));
        assert.equal(new Set(tests).size, tests.length, 'expected distinct test questions');
      });

      test('has Japanese topics, with Japanese training and test phrasings', () => {
        const japanese = [...byAnswer(d.train.pairs).keys()].filter((a) => JAPANESE.test(a));
        assert.ok(japanese.length >= 3, `expected at least 3 Japanese topics, got ${japanese.length}`);
        assert.ok(d.test.pairs.some((p) => JAPANESE.test(p.question)), 'expected Japanese test phrasings');
      });

      test('has a few long answers (over 100 characters), none over 170', () => {
        const lengths = [...byAnswer(d.train.pairs).keys()].map((a) => Array.from(a).length);
        assert.ok(lengths.filter((n) => n > 100).length >= 2, `expected at least 2 answers over 100 characters, got ${lengths.filter((n) => n > 100).length}`);
        assert.ok(Math.max(...lengths) <= 170, `expected answers of at most 170 characters, got ${Math.max(...lengths)}`);
      });
    });
  }

  test('has at least 48 topics overall', () => {
    const topics = domains.reduce((n, d) => n + byAnswer(d.train.pairs).size, 0);
    assert.ok(topics >= 48, `expected at least 48 topics, got ${topics}`);
  });

  test('offtopic.txt has at least 60 questions, some Japanese, none a trained question', () => {
    const off = lines('offtopic.txt');
    assert.ok(off.length >= 60, `expected at least 60 off-topic questions, got ${off.length}`);
    assert.ok(off.filter((q) => JAPANESE.test(q)).length >= 15, 'expected at least 15 Japanese off-topic questions');
    const defaults = read('pairs.tsv', join(ROOT, 'data', 'default')).pairs.map((p) => normalizeQuestion(p.question));
    for (const q of off) {
      const n = normalizeQuestion(q);
      assert.ok(!trainedQuestions.has(n) && !defaults.includes(n), `off-topic ${JSON.stringify(q)} is a trained question`);
    }
  });

  test('greetings.tsv lines are default pairs, copied exactly', () => {
    const greetings = read('greetings.tsv');
    assert.deepEqual(greetings.warnings, []);
    assert.ok(greetings.pairs.length >= 10, `expected at least 10 greetings, got ${greetings.pairs.length}`);
    const defaults = new Set(read('pairs.tsv', join(ROOT, 'data', 'default')).pairs.map((p) => `${p.question}\t${p.answer}`));
    for (const p of greetings.pairs) assert.ok(defaults.has(`${p.question}\t${p.answer}`), `greetings.tsv:${p.line}: not a default pair`);
  });
});
