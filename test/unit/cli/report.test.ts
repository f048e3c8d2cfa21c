/**
 * `seq2seq-chat eval … --report report.html [--compare other.s2s]` (issue #13) and the run that `train`
 * stores in the model's history, through the real bin/seq2seq-chat.js.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserializeModel } from '../../../src/chat';

const ROOT = join(__dirname, '..', '..', '..', '..');
const BIN = join(ROOT, 'bin', 'seq2seq-chat.js');

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('eval --report', () => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-report-'));
  const pairs = join(dir, 'faq.tsv');
  writeFileSync(pairs, 'hello\tHi there.\nwhere is my order\tTrack it under My orders.\nhow do i pay\tBy card or <b>invoice</b>.\n');
  // The same questions with one answer changed: the model's reply is then a miss with a diff.
  const changed = join(dir, 'changed.tsv');
  writeFileSync(changed, 'hello\tHi there.\nwhere is my order\tTrack it under Orders.\nhow do i pay\tBy card or <b>cheque</b>.\n');
  const good = join(dir, 'good.s2s');
  const weak = join(dir, 'weak.s2s');

  test('train stores its run in the model\'s history: file, options, curves, final figures', () => {
    const t = cli(['train', pairs, '--out', good, '--epochs', '200', '--no-default-pairs']);
    assert.equal(t.code, 0, t.stderr);
    const w = cli(['train', pairs, '--out', weak, '--epochs', '1', '--hidden', '4', '--wordvec', '2', '--no-default-pairs', '--patience', '0']);
    assert.equal(w.code, 0, w.stderr);
    const model = deserializeModel(new Uint8Array(readFileSync(good)), good);
    assert.equal(model.history.length, 1);
    const run = model.history[0];
    assert.equal(run.file, 'faq.tsv');
    assert.equal(run.options.epochs, 200);
    assert.equal(run.report.dataHash, model.report?.dataHash);
    assert.equal(run.curves.epochs.length, run.report.epochs);
    assert.ok(run.curves.bestEpoch >= 1 && run.curves.bestEpoch <= run.report.epochs);
    assert.equal(run.curves.stop?.reason, run.report.stoppedBy);
  });

  test('writes a self-contained report with the misses diffed, and keeps the last two lines', () => {
    const out = join(dir, 'report.html');
    const r = cli(['eval', good, changed, '--report', out]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[lines.length - 2], /^answered: 3\/3 \(100\.0%\)$/);
    assert.match(lines[lines.length - 1], /^exact-match: 1\/3 \(33\.3%\)$/);
    assert.ok(lines.includes(`report: ${out}`));
    const html = readFileSync(out, 'utf8');
    assert.match(html, /changed\.tsv:2/);
    assert.match(html, /Track it under <del>O<\/del><ins>My o<\/ins>rders\./, 'the miss as a character diff');
    assert.match(html, /By card or &lt;b&gt;<del>chequ<\/del><ins>invoic<\/ins>e&lt;\/b&gt;\./, 'answers are escaped, not markup');
    assert.ok(!html.includes('<b>'));
    assert.ok(!/<script|<link|<img|<iframe|https?:/i.test(html), 'nothing external, no script');
    assert.match(html, /<th>kind<\/th><td>peeky/, 'the model card');
  });

  test('--compare adds which pairs changed from the other model', () => {
    const out = join(dir, 'compare.html');
    const r = cli(['eval', good, pairs, '--report', out, '--compare', weak]);
    assert.equal(r.code, 0, r.stderr);
    const weakRight = Number(/exact-match: (\d)\/3/.exec(cli(['eval', weak, pairs]).stdout)?.[1]);
    assert.match(r.stdout, new RegExp(`compared with .*weak\\.s2s: ${3 - weakRight} fixed, 0 broken`));
    const html = readFileSync(out, 'utf8');
    assert.match(html, /<h2>Comparison<\/h2>/);
    assert.match(html, new RegExp(`weak\\.s2s: ${weakRight}/3 .*→ good\\.s2s: 3/3`));
  });

  test('refuses --compare without --report, --report with --unknown, and --report naming the pairs file, before any work', () => {
    const cases: [string[], RegExp][] = [
      [['eval', good, pairs, '--compare', weak], /--compare needs --report/],
      [['eval', good, '--unknown', pairs, '--report', join(dir, 'x.html')], /--report and --compare need a pairs file/],
      [['eval', good, pairs, '--report', pairs], /--report .* is the pairs file .*; the report would replace it/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(existsSync(join(dir, 'x.html')), false);
    assert.match(readFileSync(pairs, 'utf8'), /^hello\tHi there\./);
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
