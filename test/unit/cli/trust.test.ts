/**
 * The trust contract of the CLI (issue #9): `chat --json`, the not-sure message with suggestions, eval's
 * last lines (answered, exact-match), `eval --unknown` (abstained), and the default small talk kept after
 * training on a file without it (`--no-default-pairs` turns that off).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..', '..');
const BIN = join(ROOT, 'bin', 'seq2seq-chat.js');

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PLANETS = [
  ['how many planets are there', 'There are eight planets in the solar system.'],
  ['how many planets does the solar system have', 'There are eight planets in the solar system.'],
  ['what is the biggest planet', 'Jupiter is the largest planet.'],
  ['which planet is the largest', 'Jupiter is the largest planet.'],
  ['how long is a day on venus', 'About 243 Earth days.'],
  ['venus day length', 'About 243 Earth days.'],
  ['what planet has rings', 'Saturn has the most visible rings.'],
  ['which planet has big rings', 'Saturn has the most visible rings.'],
];

describe('seq2seq-chat: answers users can trust', () => {
  let dir = '';
  let model = '';
  let bare = '';
  let pairs = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 's2s-trust-'));
    pairs = join(dir, 'planets.tsv');
    writeFileSync(pairs, PLANETS.map(([q, a]) => `${q}\t${a}\n`).join(''));
    model = join(dir, 'planets.s2s');
    bare = join(dir, 'bare.s2s');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('default training keeps the embedded small talk; --no-default-pairs leaves it out', { timeout: 600_000 }, () => {
    const r = cli(['train', pairs, '--out', model]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /exact-match 100\.0%/);
    const hello = cli(['chat', model, 'hello', '--json']);
    assert.equal(hello.code, 0, hello.stderr);
    assert.equal(JSON.parse(hello.stdout).reply, 'Hello! Ask me anything.');
    assert.equal(cli(['chat', model, 'こんにちは']).stdout, 'こんにちは！\n');
    const noDefaults = cli(['train', pairs, '--out', bare, '--no-default-pairs']);
    assert.equal(noDefaults.code, 0, noDefaults.stderr);
    const bareHello = JSON.parse(cli(['chat', bare, 'hello', '--json']).stdout) as { reply: string };
    assert.notEqual(bareHello.reply, 'Hello! Ask me anything.');
  });

  test('chat --json prints one object with reply, confidence, sure, suggestions and cut', () => {
    const r = cli(['chat', model, 'how many planets are in the solar system?', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['reply', 'confidence', 'sure', 'suggestions', 'cut']);
    assert.equal(out.reply, 'There are eight planets in the solar system.');
    assert.equal(out.sure, true);
    assert.equal(out.cut, false);
    assert.ok(typeof out.confidence === 'number' && out.confidence >= 0 && out.confidence <= 1);
    assert.ok(Array.isArray(out.suggestions) && out.suggestions.every((s) => typeof s === 'string'));
  });

  test('an off-topic question gets the not-sure message and "Did you mean" suggestions, never a guess', () => {
    const json = JSON.parse(cli(['chat', model, 'qwzx vbnm plokij', '--json']).stdout) as { sure: boolean; suggestions: string[]; confidence: number };
    assert.equal(json.sure, false);
    const text = cli(['chat', model, 'qwzx vbnm plokij']).stdout;
    assert.match(text, /^Sorry, I'm not sure I understood that\.\n/);
    for (const s of json.suggestions) assert.ok(text.includes(`  ${s}\n`), `${s} in ${text}`);
    assert.match(cli(['chat', model, 'ふじこlpあいう']).stdout, /^すみません、よくわかりません。/);
  });

  test('eval ends with "answered: A/N (P%)" then "exact-match: K/N (P%)"; --unknown ends with "abstained: K/N (P%)"', () => {
    const ev = cli(['eval', model, pairs]);
    assert.equal(ev.code, 0, ev.stderr);
    const lines = ev.stdout.trimEnd().split('\n');
    assert.equal(lines[lines.length - 2], 'answered: 8/8 (100.0%)');
    assert.equal(lines[lines.length - 1], 'exact-match: 8/8 (100.0%)');
    const unknown = join(dir, 'unknown.txt');
    writeFileSync(unknown, '# questions the model must not know\nwhat is the capital of peru\nasdfgh\nhow do i bake bread\n');
    const ab = cli(['eval', model, '--unknown', unknown]);
    assert.equal(ab.code, 0, ab.stderr);
    assert.match(ab.stdout.trimEnd().split('\n').pop() ?? '', /^abstained: \d\/3 \(\d+\.\d%\)$/);
    assert.equal(cli(['eval', model, pairs, '--unknown', unknown]).code, 2);
  });
});
