import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserializeModel } from '../../../src/chat';

const ROOT = join(__dirname, '..', '..', '..', '..');
const BIN = join(ROOT, 'bin', 'seq2seq-chat.js');

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PAIRS = 'hello\tHi!\ncats\tねこ\nwhere is the dog\tIn the garden.\nwho are you\tA small model.\n';
const TINY_FLAGS = ['--no-default-pairs', '--hidden', '32', '--wordvec', '16', '--batch', '4', '--epochs', '200', '--patience', '0'];

describe('seq2seq-chat train --from', () => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-ft-'));
  const pairs = join(dir, 'pairs.tsv');
  const model = join(dir, 'base.s2s');
  writeFileSync(pairs, PAIRS);
  const trained = cli(['train', pairs, '--out', model, ...TINY_FLAGS]);

  test('fine-tunes a model on corrections with new words and characters, prints epochs and the check, and saves it', () => {
    assert.equal(trained.code, 0, trained.stderr);
    const corrections = join(dir, 'corrections.tsv');
    writeFileSync(corrections, 'who are you\tあなたの先生です。\nis the shop open\tYes, until nine.\n');
    const out = join(dir, 'tuned.s2s');
    const r = cli(['train', corrections, '--from', model, '--out', out, '--replay', pairs]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /corrections\.tsv: 2 pairs; fine-tuning .*base\.s2s \(peeky\), replaying 4 pairs of .*pairs\.tsv\n/);
    assert.match(r.stderr, /^epoch 1\/60 loss /m);
    assert.match(r.stdout, /^regression check: 3\/3 previously right answers still right \(0 broken, limit 1%\); corrections learned 2\/2; accepted$/m);
    assert.match(r.stdout, /saved .*tuned\.s2s: fine-tuned on 2 pairs in \d+ epochs .*vocabulary \+\d+ answer tokens, \+\d+ question words/);
    assert.equal(cli(['chat', out, 'who are you']).stdout, 'あなたの先生です。\n');
    assert.equal(cli(['chat', out, 'is the shop open']).stdout, 'Yes, until nine.\n');
    assert.equal(cli(['chat', out, 'cats']).stdout, 'ねこ\n');
    // The model keeps its options.
    const [a, b] = [model, out].map((f) => deserializeModel(new Uint8Array(readFileSync(f))));
    assert.deepEqual([b.options.hidden, b.options.wordvec, b.kind], [a.options.hidden, a.options.wordvec, a.kind]);
  });

  test('when the check rejects the new model, nothing is saved, the broken answers are listed and the exit code is 1', () => {
    assert.equal(trained.code, 0, trained.stderr);
    const corrections = join(dir, 'cat.tsv');
    // "cat" is read as the question word of "cats" (stemming): its new answer must change the answer to "cats".
    writeFileSync(corrections, 'cat\tMeow.\n');
    const out = join(dir, 'rejected.s2s');
    const r = cli(['train', corrections, '--from', model, '--out', out, '--max-broken', '0']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^regression check: 3\/4 previously right answers still right \(1 broken, limit 0%\); corrections learned 1\/1; rejected: the previous model is kept$/m);
    assert.match(r.stdout, /^ {2}broken: "cats" → "Meow\.", expected "ねこ"$/m);
    assert.match(r.stderr, /nothing was saved; allow more with --max-broken/);
    assert.equal(existsSync(out), false);
  });

  test('refuses flags that would change the model, and fine-tuning flags without --from (usage, exit 2)', () => {
    const cases: [string[], RegExp][] = [
      [['train', pairs, '--from', model, '--out', join(dir, 'x.s2s'), '--hidden', '8'], /--hidden cannot be used with --from/],
      [['train', pairs, '--from', model, '--out', join(dir, 'x.s2s'), '--characters'], /--characters cannot be used with --from/],
      [['train', pairs, '--out', join(dir, 'x.s2s'), '--replay', pairs], /--replay needs --from <model-file>/],
      [['train', pairs, '--from', model, '--out', join(dir, 'x.s2s'), '--max-broken', '2'], /--max-broken: expected at most 1, got 2/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    }
  });

  test('a missing model file is bad input (exit 1) naming it', () => {
    const r = cli(['train', pairs, '--from', join(dir, 'none.s2s'), '--out', join(dir, 'x.s2s')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /none\.s2s: cannot read \(no such file\)/);
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
