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
    // The encoder's rows are the experiment's: one id per character of the (lower-cased, trimmed) question,
    // in one table with the answers' characters; the same characters get one id each.
    const vocab = new CharVocab(data.map((d) => d.question.trimEnd().toLowerCase()));
    for (const d of data.slice(0, 20)) {
      const q = d.question.trimEnd();
      const ids = model.encodeQuestion(q);
      assert.equal(ids.length, Array.from(q).length, q);
      assert.deepEqual(ids.map((id) => model.vocabulary.tokens[id]).join(''), q.toLowerCase());
      assert.equal(new Set(ids).size, new Set(vocab.encode(q.toLowerCase())).size, q);
    }
  });

  test('eval says when expected answers were never trained (constrained replies cannot give them) and points to --free', () => {
    const model = join(dir, 'eval.s2s');
    assert.equal(cli(['train', join(dir, 'dates.txt'), '--out', model, ...SMALL]).code, 0);
    const trained = new Set(data.map((d) => d.answer));
    const unseen = makeDateData(400, new Random(8)).filter((d) => !trained.has(d.answer)).slice(0, 10);
    const test = join(dir, 'test.txt');
    writeFileSync(test, [...data.slice(0, 10), ...unseen].map((d) => `${d.question}${d.answer}\n`).join(''));
    const constrained = cli(['eval', model, test]);
    assert.match(constrained.stderr, /note: 10\/20 \(50\.0%\) of the expected answers were never trained.*--free/);
    const free = cli(['eval', model, test, '--free']);
    assert.doesNotMatch(free.stderr, /never trained/);
    assert.doesNotMatch(cli(['eval', model, join(dir, 'dates.txt')]).stderr, /never trained/);
    // A dialog model: an untrained answer is a plain failure, no note.
    const dialog = join(dir, 'dialog-eval.s2s');
    assert.equal(cli(['train', join(dir, 'dates.tsv'), '--out', dialog, ...SMALL]).code, 0);
    assert.doesNotMatch(cli(['eval', dialog, test]).stderr, /never trained/);
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
