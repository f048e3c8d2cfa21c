/**
 * `seq2seq-chat train` on the book's fixed-width format (issue #11): such a file holds the book's character
 * tasks, so the CLI trains it as the book's code does (src/experiments/dates.ts): questions and answers as
 * characters in one table, no question noise, no small talk; the dialog defaults stay for every other format.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deserializeModel } from '../../../src/chat';
import { makeDateData } from '../../../src/experiments/dates';
import { CharVocab } from '../../../src/experiments/addition';
import { Random } from '../../../src/random';

const ROOT = join(__dirname, '..', '..', '..', '..');
const BIN = join(ROOT, 'bin', 'seq2seq-chat.js');

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SMALL = ['--model', 'attention', '--reverse', '--epochs', '1', '--batch', '32', '--hidden', '8', '--wordvec', '4', '--patience', '0', '--deterministic'];

describe('seq2seq-chat train: the book\'s fixed-width format', () => {
  let dir = '';
  const data = makeDateData(96, new Random(7));
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 's2s-fixed-'));
    writeFileSync(join(dir, 'dates.txt'), data.map((d) => `${d.question}${d.answer}\n`).join(''));
    writeFileSync(join(dir, 'dates.tsv'), data.map((d) => `${d.question.trimEnd()}\t${d.answer.slice(1)}\n`).join(''));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('trains as the book\'s character task: the model reads each question character by character, as the experiment does', () => {
    const r = cli(['train', join(dir, 'dates.txt'), '--out', join(dir, 'fixed.s2s'), ...SMALL]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the book's fixed-width format, trained as the book's character tasks/);
    const model = deserializeModel(new Uint8Array(readFileSync(join(dir, 'fixed.s2s'))));
    assert.equal(model.options.tokenizer, 'char');
    assert.notEqual(model.options.questionTokens, 'words');
    assert.equal(model.options.questionNoise ?? 0, 0);
    // No small talk: the answers the model knows are the file's dates only.
    assert.deepEqual([...new Set(model.knowledge?.answers)].sort(), [...new Set(data.map((d) => d.answer.slice(1)))].sort());
    // The encoder's rows are the experiment's: one id per character of the (lower-cased) question padded with
    // spaces to the file's widest question, as the book's fixed-width lines are, in one table with the answers'
    // characters; the same characters get one id each. A question typed without its padding reads the same.
    const width = Math.max(...data.map((d) => d.question.trimEnd().length));
    assert.equal(model.options.normalize.padQuestions, width);
    const vocab = new CharVocab(data.map((d) => d.question.trimEnd().padEnd(width, ' ').toLowerCase()));
    for (const d of data.slice(0, 20)) {
      const q = d.question.trimEnd();
      const ids = model.encodeQuestion(q);
      assert.equal(ids.length, width, q);
      assert.deepEqual(ids.map((id) => model.vocabulary.tokens[id]).join(''), q.padEnd(width, ' ').toLowerCase());
      assert.equal(new Set(ids).size, new Set(vocab.encode(q.padEnd(width, ' ').toLowerCase())).size, q);
      assert.deepEqual(model.encodeQuestion(d.question), ids);
    }
  });

  test('eval and the training report measure a character task as the book does: free greedy replies, every reply counted', () => {
    // A copy task the model learns in seconds; the test questions are new, so their answers were never trained.
    const rng = new Random(11);
    const words = new Set<string>();
    while (words.size < 360) words.add(Array.from({ length: 4 }, () => 'abcdef'[rng.int(6)]).join(''));
    const [trainWords, testWords] = [[...words].slice(0, 300), [...words].slice(300)];
    const copyTrain = join(dir, 'copy.txt');
    const copyTest = join(dir, 'copy-test.txt');
    writeFileSync(copyTrain, trainWords.map((w) => `${w}  _${w}\n`).join(''));
    writeFileSync(copyTest, testWords.map((w) => `${w}  _${w}\n`).join(''));
    const file = join(dir, 'copy.s2s');
    const trained = cli(['train', copyTrain, '--out', file, '--model', 'attention', '--reverse', '--epochs', '4', '--patience', '0', '--batch', '16',
      '--hidden', '32', '--wordvec', '8', '--lr', '0.01', '--threads', '1', '--deterministic', '--json']);
    assert.equal(trained.code, 0, trained.stderr);
    const model = deserializeModel(new Uint8Array(readFileSync(file)));
    // What the book counts, through the unbatched reply path: a free greedy reply equal to the answer, sure or not.
    const freeRight = (ws: string[]): number => model.replies(ws, { strategy: 'greedy', constrained: false }).filter((r, i) => r.finished && r.text === ws[i]).length;
    const testRight = freeRight(testWords);
    assert.ok(testRight > 0, 'the copy task is learnt well enough that some new questions are answered right');
    for (const flags of [[], ['--free']]) {
      const r = cli(['eval', file, copyTest, '--show', '0', ...flags]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`answered: ${testWords.length}/${testWords.length} \\(100\\.0%\\)`), flags.join(' '));
      assert.match(r.stdout, new RegExp(`exact-match: ${testRight}/${testWords.length} `), flags.join(' '));
      assert.match(r.stderr, /character task.*free greedy.*every reply counted/);
    }
    // The saved model's exact-match is the same measure on the training pairs (4 epochs: partly learnt, where
    // replies constrained to the trained answers would score higher on them).
    const summary = JSON.parse(trained.stdout) as { accuracy: number };
    assert.equal(summary.accuracy, Math.round((freeRight(trainWords) / trainWords.length) * 1e4) / 1e4);
    // An explicit threshold still counts only sure replies.
    assert.doesNotMatch(cli(['eval', file, copyTest, '--threshold', '1']).stdout, /answered: 60\/60/);
    // chat replies to a new question with free generation too (constrained replies could only give a trained answer).
    const known = testWords.find((w) => freeRight([w]) === 1) ?? '';
    const reply = cli(['chat', file, known]);
    assert.equal(reply.code, 0, reply.stderr);
    assert.equal(reply.stdout, `${known}\n`);
  });

  test('a dialog model keeps constrained replies and its threshold in eval', () => {
    const dialog = join(dir, 'dialog-eval.s2s');
    assert.equal(cli(['train', join(dir, 'dates.tsv'), '--out', dialog, ...SMALL]).code, 0);
    const r = cli(['eval', dialog, join(dir, 'dates.tsv'), '--show', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /character task/);
  });

  test('a TSV file of the same pairs keeps the dialog defaults (words, noise, small talk)', () => {
    const r = cli(['train', join(dir, 'dates.tsv'), '--out', join(dir, 'tsv.s2s'), ...SMALL]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /fixed-width format/);
    const model = deserializeModel(new Uint8Array(readFileSync(join(dir, 'tsv.s2s'))));
    assert.equal(model.options.questionTokens, 'words');
    assert.ok((model.options.questionNoise ?? 0) > 0);
    assert.ok((model.knowledge?.answers.length ?? 0) > new Set(data.map((d) => d.answer)).size, 'small talk answers are known too');
  });

  test('flags still win over the format\'s defaults; --characters and --no-characters choose for any format', () => {
    const load = (name: string): ReturnType<typeof deserializeModel> => deserializeModel(new Uint8Array(readFileSync(join(dir, name))));
    assert.equal(cli(['train', join(dir, 'dates.txt'), '--out', join(dir, 'word.s2s'), ...SMALL, '--tokenizer', 'word']).code, 0);
    assert.equal(load('word.s2s').options.tokenizer, 'word');
    assert.equal(load('word.s2s').options.questionNoise, 0);
    const tsv = cli(['train', join(dir, 'dates.tsv'), '--out', join(dir, 'chars.s2s'), ...SMALL, '--characters']);
    assert.equal(tsv.code, 0, tsv.stderr);
    assert.match(tsv.stderr, /--characters, trained as the book's character tasks/);
    assert.equal(load('chars.s2s').options.tokenizer, 'char');
    assert.equal(load('chars.s2s').knowledge?.questionVocabulary, undefined);
    assert.equal(cli(['train', join(dir, 'dates.txt'), '--out', join(dir, 'dialog.s2s'), ...SMALL, '--no-characters']).code, 0);
    assert.equal(load('dialog.s2s').options.questionTokens, 'words');
  });
});
