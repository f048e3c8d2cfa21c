/**
 * Pair files under abuse (src/data `readPairs`): property-based tests with fast-check over every format
 * (chosen by file name: .tsv .csv .json .jsonl and .txt for the book's fixed-width format). Whatever the
 * bytes — random, valid-looking, invalid UTF-8, NUL bytes, BOMs, mixed line ends, huge lines, deeply
 * nested JSON, empty or comment-only files — the reader returns well-formed pairs or throws its own
 * PairFileError with file, line and reason; never another exception, never a hang (each call is timed).
 * Prints how many generated inputs were tried, how many escaped (must be 0) and the slowest call.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_PAIR_LIMITS, PairFileError, readPairs, type PairLimits } from '../../../src/data';
import { limitFlag } from '../../../src/data/limits';
import { trainChatModel, TrainingError } from '../../../src/chat';
import { settingsOf } from '../helpers/manifest';

const NAMES = ['pairs.tsv', 'pairs.csv', 'pairs.json', 'pairs.jsonl', 'pairs.txt'] as const;
/** Generous bound on one call ("never a hang"); inputs here are at most a few MB, on 2 shared cores. */
const MAX_CALL_MS = 10_000;
const SEED = 20261129;

const stats = { tried: 0, pairs: 0, errors: 0, escaped: 0, maxMs: 0, maxInput: '' };
const escapes: string[] = [];

type Outcome = { kind: 'pairs'; count: number } | { kind: 'error'; error: PairFileError };

/** One call of readPairs, classified; anything but pairs or a well-formed PairFileError is an escape. */
function tryRead(bytes: Uint8Array, name: string, limits?: Partial<PairLimits>): Outcome {
  stats.tried++;
  const t0 = performance.now();
  let outcome: Outcome;
  try {
    const r = readPairs(bytes, name, limits);
    assert.ok(r.pairs.length > 0, 'a result holds at least one pair');
    for (const p of r.pairs) {
      if (typeof p.question !== 'string' || typeof p.answer !== 'string' || p.question.trim() === '' || p.answer.trim() === '' || !Number.isInteger(p.line) || p.line < 1) {
        throw new Error(`malformed pair ${JSON.stringify(p)}`);
      }
    }
    stats.pairs++;
    outcome = { kind: 'pairs', count: r.pairs.length };
  } catch (e) {
    const ok = e instanceof PairFileError && e.file === name && Number.isInteger(e.line) && e.line >= 0 && e.reason.length > 0 && e.message.startsWith(name);
    if (!ok) {
      stats.escaped++;
      const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      escapes.push(`${name} (${bytes.length} bytes, first ${JSON.stringify(Buffer.from(bytes.subarray(0, 60)).toString('latin1'))}): ${what.slice(0, 300)}`);
      throw new Error(`escaped: ${escapes[escapes.length - 1]}`);
    }
    stats.errors++;
    outcome = { kind: 'error', error: e };
  }
  const ms = performance.now() - t0;
  if (ms > stats.maxMs) {
    stats.maxMs = ms;
    stats.maxInput = `${name}, ${bytes.length} bytes`;
  }
  assert.ok(ms < MAX_CALL_MS, `expected readPairs to take < ${MAX_CALL_MS} ms, took ${ms.toFixed(0)} ms on ${name} (${bytes.length} bytes)`);
  return outcome;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Pieces that make text look like one of the formats, so generated inputs reach deep into the parsers. */
const PIECES = ['\t', ',', '"', '""', '\n', '\r\n', '\r', '_', '#', ' ', '{', '}', '[', ']', ':', '\\', '\\"', '\\u00', 'null', '1e999', '-0',
  '"q"', '"a"', '"question"', '"answer"', '"input"', '"output"', 'question,answer', '{"q":"x","a":"y"}', 'hi', 'yo', '\u0000', '\uFEFF', 'é', '日本', '😀', '\u2028'];
const structuredText = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 120 }).map((a) => a.join(''));
const anyName = fc.constantFrom(...NAMES);
const fieldText = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');

/** Inserts `piece` at a fraction of the way through `bytes`. */
function insertAt(bytes: Uint8Array, fraction: number, piece: readonly number[]): { bytes: Uint8Array; at: number } {
  const at = Math.min(bytes.length, Math.floor(fraction * (bytes.length + 1)));
  const out = new Uint8Array(bytes.length + piece.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(piece, at);
  out.set(bytes.subarray(at), at + piece.length);
  return { bytes: out, at };
}

/** Well-formed files of each format, from generated pairs. */
function serialize(name: (typeof NAMES)[number], pairs: readonly [string, string][]): string {
  switch (name) {
    case 'pairs.json':
      return JSON.stringify(pairs.map(([q, a]) => ({ question: q, answer: a })), null, 1);
    case 'pairs.jsonl':
      return pairs.map(([q, a]) => JSON.stringify({ q, a })).join('\n');
    case 'pairs.csv':
      return 'question,answer\r\n' + pairs.map(([q, a]) => `"${q.replace(/"/g, '""')}","${a.replace(/"/g, '""')}"`).join('\r\n');
    case 'pairs.tsv':
      return pairs.map(([q, a]) => `${q}\t${a}`).join('\n');
    case 'pairs.txt':
      return pairs.map(([q, a]) => `${q}_${a}`).join('\n');
  }
}

describe('pair files under abuse (fast-check)', () => {
  after(() => {
    console.log(
      `reliability/pair-files: ${stats.tried} generated inputs tried over ${NAMES.length} formats, ${stats.pairs} read as pairs, ` +
        `${stats.errors} rejected with PairFileError, ${stats.escaped} escaped; slowest call ${stats.maxMs.toFixed(1)} ms (${stats.maxInput}); seed ${SEED}`,
    );
  });

  // First, so that the peak RSS it reports is its own and not an earlier test's.
  test('memory stays bounded: a 10 MB TSV file keeps and peaks at most ~30× its size, a file over maxFileBytes is refused before decoding', () => {
    const n = 135_000;
    const bytes = utf8(Array.from({ length: n }, (_, i) => `what is the question number ${i}?\tthis is the answer to it, number ${i}\n`).join(''));
    assert.ok(bytes.length > 10 * 1000 * 1000, `expected a 10 MB file, got ${bytes.length} bytes`);
    // A collector we can call (node runs without --expose-gc): the heap after a full GC, before and after.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage();
    const peakBefore = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    const r = readPairs(bytes, 'big.tsv', { maxPairs: 1_000_000 });
    const ms = performance.now() - t0;
    const rssPeakMb = (process.resourceUsage().maxRSS - peakBefore) / 1024;
    gc();
    const retainedMb = (process.memoryUsage().heapUsed - before.heapUsed) / 1048576;
    console.log(
      `reliability/pair-files: ${(bytes.length / 1e6).toFixed(1)} MB TSV (${r.pairs.length.toLocaleString('en-US')} pairs) read in ${ms.toFixed(0)} ms; ` +
        `result holds ${retainedMb.toFixed(0)} MB of heap after GC; peak RSS rose ${rssPeakMb.toFixed(0)} MB while reading`,
    );
    assert.equal(r.pairs.length, n);
    assert.ok(retainedMb < 30 * 10, `expected < 300 MB kept for a 10 MB file, got ${retainedMb.toFixed(0)} MB`);
    assert.ok(rssPeakMb < 30 * 10, `expected the peak RSS to rise < 300 MB, got ${rssPeakMb.toFixed(0)} MB`);
    const over = new Uint8Array(DEFAULT_PAIR_LIMITS.maxFileBytes + 1);
    const t1 = performance.now();
    const out = tryRead(over, 'huge.tsv');
    assert.equal(out.kind, 'error');
    assert.ok(performance.now() - t1 < 50, 'the size check comes before decoding');
  });

  test('random bytes: pairs or a PairFileError, for every format', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), anyName, (bytes, name) => void tryRead(bytes, name)), { numRuns: 1500, seed: SEED });
  });

  test('random valid-looking structures: pairs or a PairFileError, for every format', () => {
    fc.assert(fc.property(structuredText, anyName, (text, name) => void tryRead(utf8(text), name)), { numRuns: 3000, seed: SEED + 1 });
  });

  test('random JSON values (any shape, nesting, keys) as .json and .jsonl', () => {
    const value = fc.jsonValue({ maxDepth: 6 });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), (values) => {
        tryRead(utf8(JSON.stringify(values)), 'pairs.json');
        tryRead(utf8(values.map((v) => JSON.stringify(v)).join('\n')), 'pairs.jsonl');
        tryRead(utf8(JSON.stringify(values)), 'pairs.txt');
      }),
      { numRuns: 800, seed: SEED + 2 },
    );
  });

  test('well-formed files of generated pairs read back exactly (JSON, JSONL, CSV) and with the right count (TSV, fixed)', () => {
    const safe = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '' && !/[\t\n\r_#",]/.test(s) && !/^[[{]/.test(s) && s.trim() === s);
    // (.txt is detected by content: a comma means CSV, a leading [ or { means JSON; documented in README.md, "Pairs files".)
    fc.assert(
      fc.property(fc.array(fc.tuple(fieldText, fieldText), { minLength: 1, maxLength: 12 }), fc.array(fc.tuple(safe, safe), { minLength: 1, maxLength: 12 }), (any, plain) => {
        for (const name of ['pairs.json', 'pairs.jsonl', 'pairs.csv'] as const) {
          const pairs = name === 'pairs.csv' ? any.filter(([q, a]) => !q.includes('\r') && !a.includes('\r')) : any;
          if (pairs.length === 0) continue;
          // Lone surrogates cannot be written as UTF-8; JSON escapes them, CSV cannot.
          if (name === 'pairs.csv' && pairs.some(([q, a]) => utf8(q + a).length !== Buffer.byteLength(q + a) || /[\uD800-\uDFFF]/.test(q + a))) continue;
          const r = readPairs(utf8(serialize(name, pairs)), name);
          stats.tried++;
          stats.pairs++;
          assert.deepEqual(r.pairs.map((p) => [p.question, p.answer]), pairs, `${name} round trip`);
        }
        for (const name of ['pairs.tsv', 'pairs.txt'] as const) {
          const r = readPairs(utf8(serialize(name, plain)), name);
          stats.tried++;
          stats.pairs++;
          assert.deepEqual(r.pairs.map((p) => [p.question, p.answer, p.line]), plain.map(([q, a], i) => [q, a, i + 1]), `${name} round trip`);
        }
      }),
      { numRuns: 300, seed: SEED + 3 },
    );
  });

  test('mutated well-formed files (insert, delete, NUL, BOM, CR/LF mix): pairs or a PairFileError', () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), piece: fc.constantFrom('\u0000', '\uFEFF', '\r', '\n', '\r\n', '"', '\t', ',', '_', '{', ']', '#', '\\') }),
      fc.record({ op: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), piece: fc.constant('') }),
      fc.record({ op: fc.constant('crlf' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), piece: fc.constant('') }),
    );
    fc.assert(
      fc.property(anyName, fc.array(fc.tuple(fieldText, fieldText), { minLength: 1, maxLength: 6 }), fc.array(mutation, { maxLength: 5 }), fc.boolean(), (name, pairs, mutations, bom) => {
        let text = serialize(name, pairs);
        for (const m of mutations) {
          const at = Math.floor(m.at * text.length);
          if (m.op === 'insert') text = text.slice(0, at) + m.piece + text.slice(at);
          else if (m.op === 'delete') text = text.slice(0, at) + text.slice(at + 1);
          else text = text.replace(/\n/g, (nl) => (Math.random() < 0.5 ? '\r\n' : nl));
        }
        tryRead(utf8((bom ? '\uFEFF' : '') + text), name);
      }),
      { numRuns: 1500, seed: SEED + 4 },
    );
  });

  test('invalid UTF-8 anywhere is a PairFileError that names the line of the first bad byte', () => {
    const bad = fc.constantFrom([0xff], [0xfe], [0xc0, 0x80], [0xc1, 0xbf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xe0, 0x80, 0x80]);
    fc.assert(
      fc.property(anyName, structuredText, bad, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (name, text, piece, fraction, bom) => {
        const valid = utf8((bom ? '\uFEFF' : '') + text);
        const { bytes, at } = insertAt(valid, fraction, piece);
        // A BOM split by the insertion is just invalid bytes; keep the check simple by not splitting it.
        if (bom && at < 3) return;
        const out = tryRead(bytes, name);
        assert.equal(out.kind, 'error', 'invalid UTF-8 must be rejected');
        if (out.kind !== 'error') return;
        assert.match(out.error.reason, /not UTF-8/);
        const expectedLine = valid.subarray(0, at).filter((b) => b === 0x0a).length + 1;
        assert.equal(out.error.line, expectedLine, `line of the bad byte (inserted at byte ${at})`);
      }),
      { numRuns: 800, seed: SEED + 5 },
    );
  });

  test('deeply nested JSON (up to a million levels, closed or not) is rejected, not a stack overflow', () => {
    for (const depth of [1_000, 100_000, 1_000_000]) {
      for (const [open, close] of [['[', ']'], ['{"q":', '}']]) {
        const closed = open.repeat(depth) + '1' + close.repeat(depth);
        for (const name of depth < 1_000_000 ? (['pairs.json', 'pairs.jsonl'] as const) : (['pairs.json'] as const)) {
          tryRead(utf8(closed), name, { maxLineLength: 10_000_000 });
          tryRead(utf8(open.repeat(depth)), name, { maxLineLength: 10_000_000 });
        }
      }
      // Inside a field: a well-formed array with one nested value.
      tryRead(utf8(`[{"question": ${'['.repeat(depth)}${']'.repeat(depth)}, "answer": "x"}]`), 'pairs.json');
    }
  });

  test('huge lines: a line over maxLineLength is rejected by name; a minified .json document is not', () => {
    const limit = DEFAULT_PAIR_LIMITS.maxLineLength;
    const long = 'x'.repeat(limit + 1);
    for (const name of ['pairs.tsv', 'pairs.csv', 'pairs.jsonl', 'pairs.txt'] as const) {
      const text = name === 'pairs.jsonl' ? `{"q":"${long}","a":"y"}` : name === 'pairs.csv' ? `${long},y` : name === 'pairs.txt' ? `${long}_y` : `${long}\ty`;
      const out = tryRead(utf8(`${text}\n`), name);
      assert.equal(out.kind, 'error');
      if (out.kind === 'error') assert.match(out.error.reason, /maxLineLength/);
    }
    // 1 MB on one line of JSON with fields within maxFieldLength is fine.
    const many = Array.from({ length: 20_000 }, (_, i) => ({ q: `question ${i}`, a: `answer ${i}` }));
    const out = tryRead(utf8(JSON.stringify(many)), 'pairs.json');
    assert.deepEqual(out.kind === 'pairs' ? out.count : out.error.message, 20_000);
    // A 5 MB line with no newline at all, for every format.
    const blob = utf8('ab,"\t_'.repeat(900_000));
    for (const name of NAMES) tryRead(blob, name);
  });

  test('0-byte, blank, BOM-only and comment-only files are "no pairs" (or invalid JSON), never a crash', () => {
    const inputs = ['', '\uFEFF', '\n\n\r\n', '   \t ', '# only a comment\n# another\n', '\uFEFF# comment\r\n\r\n'];
    for (const name of NAMES) {
      for (const text of inputs) {
        const out = tryRead(utf8(text), name);
        assert.equal(out.kind, 'error', `${JSON.stringify(text)} as ${name}`);
        if (out.kind === 'error') assert.match(out.error.reason, /no pairs|invalid JSON|expected/, `${JSON.stringify(text)} as ${name}: ${out.error.message}`);
      }
    }
  });

  test('NUL bytes inside fields are kept as text, not treated as the end of the file', () => {
    const r = readPairs(utf8('a\u0000b\tc\u0000\nd\te\n'), 'pairs.tsv');
    assert.deepEqual(r.pairs.map((p) => [p.question, p.answer, p.line]), [['a\u0000b', 'c\u0000', 1], ['d', 'e', 2]]);
  });

});

describe('pair-file limits say which limit and how to change it', () => {
  const settings = settingsOf(JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { contributes: { configuration: unknown } });
  const small: PairLimits = { maxFileBytes: 400, maxLineLength: 50, maxPairs: 3, maxFieldLength: 20 };
  const cases: { limit: keyof PairLimits; text: string }[] = [
    { limit: 'maxFileBytes', text: 'q\ta\n'.repeat(101) },
    { limit: 'maxLineLength', text: `q\t${'a'.repeat(60)}\n` },
    { limit: 'maxPairs', text: 'q1\ta\nq2\ta\nq3\ta\nq4\ta\n' },
    { limit: 'maxFieldLength', text: `q\t${'😀'.repeat(21)}\n` },
  ];

  for (const { limit, text } of cases) {
    test(`${limit}: the error names the limit, its value, the CLI flag and a setting that exists`, () => {
      const out = tryRead(utf8(text), 'pairs.tsv', small);
      assert.equal(out.kind, 'error');
      if (out.kind !== 'error') return;
      const m = out.error.message;
      assert.ok(m.includes(`limit ${limit}`), m);
      assert.ok(m.includes(small[limit].toLocaleString('en-US')), `the limit's value in: ${m}`);
      assert.ok(m.includes(limitFlag(limit)), m);
      const setting = /setting (seq2seqChat\.[\w.]+)/.exec(m)?.[1];
      assert.ok(setting, `a setting named in: ${m}`);
      const declared = settings[setting];
      assert.ok(declared, `expected ${setting} to be declared in package.json contributes.configuration`);
      assert.equal(declared.default, DEFAULT_PAIR_LIMITS[limit], `${setting} default`);
    });
  }

  test('maxVocabulary: training refuses more distinct tokens than the limit, before building the model, naming the flag and a setting that exists', async () => {
    const pairs = Array.from({ length: 40 }, (_, i) => ({ question: `word${i} here`, answer: `reply${i}`, line: i + 1 }));
    await assert.rejects(trainChatModel(pairs, { tokenizer: 'word', maxVocabulary: 50, epochs: 1 }), (e: unknown) => {
      assert.ok(e instanceof TrainingError, String(e));
      const m = e.message;
      assert.match(m, /vocabulary of \d+ tokens \(distinct words\), over the limit of 50/);
      assert.ok(m.includes('limit maxVocabulary') && m.includes('--max-vocabulary'), m);
      const setting = /setting (seq2seqChat\.[\w.]+)/.exec(m)?.[1];
      assert.ok(setting && settings[setting], `a declared setting named in: ${m}`);
      assert.equal(settings[setting].default, 30_000);
      return true;
    });
    // The default limit leaves ordinary data alone.
    const ok = await trainChatModel(pairs.slice(0, 3), { tokenizer: 'word', epochs: 1, hidden: 8, wordvec: 4 });
    assert.ok(ok.model.vocabularySize() < 30_000);
    await assert.rejects(trainChatModel(pairs, { maxVocabulary: 0 }), /maxVocabulary/);
  });

  test('every format enforces maxPairs and maxFieldLength the same way', () => {
    for (const name of NAMES) {
      const pairs: [string, string][] = [['q1', 'a'], ['q2', 'a'], ['q3', 'a'], ['q4', 'a']];
      const out = tryRead(utf8(serialize(name, pairs)), name, small);
      assert.equal(out.kind, 'error');
      if (out.kind === 'error') assert.match(out.error.reason, /limit maxPairs/, name);
      const long = tryRead(utf8(serialize(name, [['q', 'x'.repeat(21)]])), name, small);
      assert.equal(long.kind, 'error');
      if (long.kind === 'error') assert.match(long.error.reason, /limit maxFieldLength/, name);
    }
  });
});
