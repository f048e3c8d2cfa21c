/**
 * The terminal items of issue #12 (item 10), through the real `bin/seq2seq-chat.js` in a child process:
 * --version, help per command, `-` for standard input, --json for train and eval, one error prefix,
 * eval --min-accuracy, plurals, and no escape sequences for TERM=dumb / NO_COLOR (on a real pseudo-terminal,
 * through util-linux `script`). Trainings are tiny (a few pairs, H = 8, D = 4, 1–2 epochs).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePrerequisite, skipWithout } from '../helpers/prerequisites';

const ROOT = join(__dirname, '..', '..', '..', '..');
const BIN = join(ROOT, 'bin', 'seq2seq-chat.js');
const DEFAULT_MODEL = join(ROOT, 'data', 'default', 'model.s2s');
const DEFAULT_PAIRS = join(ROOT, 'data', 'default', 'pairs.tsv');
const TINY_PAIRS = 'hello\thi!\ncat\tねこ\ndog\tいぬ\n';
const TINY = ['--no-default-pairs', '--hidden', '8', '--wordvec', '4', '--batch', '2', '--epochs', '1'];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], input?: string): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function inTemp(body: (dir: string) => void): () => void {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-term-'));
    try {
      body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function lastLines(text: string, n: number): string[] {
  return text.trimEnd().split('\n').slice(-n);
}

describe('seq2seq-chat --version and help', () => {
  test('--version prints the package version and exits 0', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = run([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `seq2seq-chat ${version}\n`);
    }
  });

  test('-h and --help after a command print that command\'s help only, and exit 0', () => {
    const lines: Record<string, RegExp> = { train: /seq2seq-chat train </, chat: /seq2seq-chat chat \[/, eval: /seq2seq-chat eval </ };
    for (const command of Object.keys(lines)) {
      for (const flag of ['-h', '--help']) {
        const r = run([command, flag]);
        assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
        assert.match(r.stdout, /^Usage:\n/);
        for (const [other, line] of Object.entries(lines)) {
          if (other === command) assert.match(r.stdout, line, `${command} ${flag}`);
          else assert.doesNotMatch(r.stdout, line, `${command} ${flag} shows ${other}`);
        }
      }
    }
    assert.match(run(['help', 'eval']).stdout, /--min-accuracy P/);
    assert.match(run(['train', 'pairs.tsv', '--out', 'x.s2s', '-h']).stdout, /--no-default-pairs/);
  });

  test('after -- a -h is a question for the model, not a request for help', () => {
    const r = run(['chat', '--json', '--', '-h']);
    assert.equal(r.code, 0, r.stderr);
    const reply = JSON.parse(r.stdout) as { reply: string; sure: boolean };
    assert.equal(typeof reply.sure, 'boolean');
  });
});

describe('seq2seq-chat errors', () => {
  test('usage errors and bad input share one prefix, and usage errors name the command\'s help', inTemp((dir) => {
    const usage = run(['eval', 'only-one.s2s']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr, 'seq2seq-chat: error: eval: expected <model-file> <pairs-file>, got 1 argument (or <model-file> --unknown <questions-file>)\nRun seq2seq-chat eval --help for usage.\n');
    const bad = run(['chat', join(dir, 'none.s2s'), 'hi']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^seq2seq-chat: error: .*none\.s2s: cannot read \(no such file\)\n$/);
    const noCommand = run([]);
    assert.match(noCommand.stderr, /^seq2seq-chat: error: expected a command: train, chat or eval\nRun seq2seq-chat --help for usage\.\n$/);
  }));
});

describe('seq2seq-chat - (standard input)', () => {
  test('train - reads the pairs from standard input and names it <stdin> in messages', inTemp((dir) => {
    const out = join(dir, 'm.s2s');
    const r = run(['train', '-', '--out', out, ...TINY], TINY_PAIRS);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^<stdin>: 3 pairs \(tsv\)/m);
    assert.ok(existsSync(out));
    const bad = run(['train', '-', '--out', join(dir, 'bad.s2s'), ...TINY], 'hello\thi\nwhat is this    an answer with spaces\n');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^seq2seq-chat: error: <stdin>:2: /);
  }));

  test('eval - and eval --unknown - read standard input, with the same last lines as a file', () => {
    const fromFile = run(['eval', DEFAULT_MODEL, DEFAULT_PAIRS]);
    const fromStdin = run(['eval', DEFAULT_MODEL, '-'], readFileSync(DEFAULT_PAIRS, 'utf8'));
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.deepEqual(lastLines(fromStdin.stdout, 2), lastLines(fromFile.stdout, 2));
    const unknown = run(['eval', DEFAULT_MODEL, '--unknown', '-'], 'what is the capital of mongolia\nhow many moons has saturn\n');
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.match(lastLines(unknown.stdout, 1)[0], /^abstained: \d\/2 \(\d+\.\d%\)$/);
  });

  test('a stream over --max-file-bytes is refused without reading it all', () => {
    const r = run(['eval', DEFAULT_MODEL, '-', '--max-file-bytes', '100'], 'hello\thi\n'.repeat(100));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^seq2seq-chat: error: <stdin>: more than 100 bytes, over the limit \(limit maxFileBytes; change it with --max-file-bytes/);
  });
});

describe('seq2seq-chat --json and --min-accuracy', () => {
  test('train --json prints one summary object on stdout, progress stays on stderr', inTemp((dir) => {
    const out = join(dir, 'm.s2s');
    const pairs = join(dir, 'p.tsv');
    writeFileSync(pairs, TINY_PAIRS + 'hello\thi!\n');
    const r = run(['train', pairs, '--out', out, '--json', ...TINY]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(summary), ['model', 'pairs', 'format', 'epochs', 'loss', 'accuracy', 'stoppedBy', 'seconds', 'warnings']);
    assert.equal(summary.model, out);
    assert.equal(summary.pairs, 4);
    assert.equal(summary.format, 'tsv');
    assert.equal(summary.epochs, 1);
    assert.equal(summary.stoppedBy, 'completed');
    assert.deepEqual(summary.warnings, [{ file: pairs, line: 4, message: 'duplicate of line 1' }]);
    assert.match(r.stderr, /^epoch 1\/1 loss/m);
  }));

  test('eval --json gives the counts and every failure; the text output keeps its last two lines', inTemp((dir) => {
    const pairs = join(dir, 'p.tsv');
    // The default model answers "hello" and "thanks" from its own pairs; 11 wrong expectations fail.
    writeFileSync(pairs, ['hello\tHello! Ask me anything.', ...Array.from({ length: 11 }, (_, i) => `thanks\twrong ${i}`)].join('\n') + '\n');
    const json = run(['eval', DEFAULT_MODEL, pairs, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as { total: number; answered: number; correct: number; failures: { line: number; expected: string }[] };
    assert.equal(result.total, 12);
    assert.equal(result.correct, 1);
    assert.equal(result.failures.length, 11, 'every failure, not only the first --show');
    assert.deepEqual(result.failures[0], { ...result.failures[0], line: 2, expected: 'wrong 0' });
    const text = run(['eval', DEFAULT_MODEL, pairs]);
    assert.match(text.stdout, /^… and 1 more failure$/m);
    assert.deepEqual(lastLines(text.stdout, 2), [`answered: ${result.answered}/12 (${((100 * result.answered) / 12).toFixed(1)}%)`, 'exact-match: 1/12 (8.3%)']);
  }));

  test('eval --min-accuracy P exits 1 below P and 0 at or above it; P outside 0–100 is a usage error', inTemp((dir) => {
    const pairs = join(dir, 'p.tsv');
    writeFileSync(pairs, 'hello\tHello! Ask me anything.\nthanks\twrong\n');
    const below = run(['eval', DEFAULT_MODEL, pairs, '--min-accuracy', '50.1']);
    assert.equal(below.code, 1);
    assert.equal(lastLines(below.stdout, 1)[0], 'exact-match: 1/2 (50.0%)', 'the report is printed before the verdict');
    assert.equal(below.stderr, 'seq2seq-chat: error: exact-match 50.0% is below --min-accuracy 50.1%\n');
    assert.equal(run(['eval', DEFAULT_MODEL, pairs, '--min-accuracy', '50']).code, 0);
    assert.equal(run(['eval', DEFAULT_MODEL, pairs, '--min-accuracy', '50', '--json']).code, 0);
    assert.equal(run(['eval', DEFAULT_MODEL, pairs, '--min-accuracy', '60', '--json']).code, 1);
    assert.equal(run(['eval', DEFAULT_MODEL, DEFAULT_PAIRS, '--min-accuracy', '100']).code, 0);
    const unknown = run(['eval', DEFAULT_MODEL, '--unknown', '-', '--min-accuracy', '100'], 'hello\n');
    assert.equal(unknown.code, 1, 'the default model answers "hello": 0% abstained');
    assert.match(unknown.stderr, /abstained 0\.0% is below --min-accuracy 100%/);
    const usage = run(['eval', DEFAULT_MODEL, pairs, '--min-accuracy', '101']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--min-accuracy: expected at most 100, got 101/);
  }));

  test('one epoch is "1 epoch", one thread "1 thread"', inTemp((dir) => {
    const r = run(['train', '-', '--out', join(dir, 'm.s2s'), ...TINY], TINY_PAIRS);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^saved .*m\.s2s: 1 epoch, loss/);
    assert.match(r.stderr, /kernel \w+, 1 thread\n/);
  }));
});

/** Runs a tiny training on a pseudo-terminal (util-linux `script`) with `env`; returns what the terminal got. */
function trainOnTerminal(dir: string, env: NodeJS.ProcessEnv): string {
  const pairs = join(dir, 'p.tsv');
  writeFileSync(pairs, TINY_PAIRS);
  const command = [process.execPath, BIN, 'train', pairs, '--out', join(dir, 'm.s2s'), ...TINY.slice(0, -1), '2'].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const noScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0 ? undefined : 'util-linux `script` (a pseudo-terminal for the progress bar)';

describe('seq2seq-chat on a terminal', { skip: skipWithout(noScript) }, () => {
  test('a terminal gets a redrawn progress bar; TERM=dumb gets epoch lines and no escape sequence', inTemp((dir) => {
    requirePrerequisite(noScript);
    const xterm = trainOnTerminal(dir, { TERM: 'xterm', NO_COLOR: undefined });
    assert.match(xterm, /\x1b\[K/, 'control: the erase-line sequence on a capable terminal');
    assert.match(xterm, /ETA ≤ \d+s/);
    const dumb = trainOnTerminal(dir, { TERM: 'dumb', NO_COLOR: undefined });
    assert.doesNotMatch(dumb, /\x1b/);
    assert.doesNotMatch(dumb, /\[#*-*\]/, 'no progress bar');
    assert.match(dumb, /epoch 2\/2 loss/);
  }));

  test('NO_COLOR redraws the bar with carriage returns and spaces only', inTemp((dir) => {
    requirePrerequisite(noScript);
    const plain = trainOnTerminal(dir, { TERM: 'xterm', NO_COLOR: '1' });
    assert.doesNotMatch(plain, /\x1b/);
    assert.match(plain, /\repoch 1\/2 \[[#-]+\]/);
    assert.match(plain, /epoch 2\/2 loss/);
  }));
});
