/**
 * Model files under abuse (src/io/model-file.ts container, src/chat/serialize.ts): a small trained model
 * is truncated at every offset and has bytes flipped at random offsets; every case must be rejected with
 * a ModelFileError that says why, none may load, none may crash. Then headers are rewritten with a valid
 * checksum (what a buggy writer or a hand-edited file produces): each is rejected or, when it is still
 * consistent, loads a model that replies; never another exception and never a huge allocation.
 * Prints the counts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { deserializeModel, ModelFileError, serializeModel, trainChatModel } from '../../../src/chat';
import { headerOf, rebuild } from '../helpers/model-file-bytes';
import { Random } from '../../../src/random';

const counts = { truncated: 0, flipped: 0, resealed: 0, rejected: 0, loaded: 0, escaped: 0 };
const reasons = new Map<string, number>();
let bytes: Uint8Array = new Uint8Array(0);

/** Loads `b`; returns 'rejected' for a ModelFileError with a reason, 'loaded' when it loads; anything else fails the test. */
function load(b: Uint8Array): 'rejected' | 'loaded' {
  try {
    const m = deserializeModel(b, 'abuse.s2s');
    counts.loaded++;
    // A model that loads must be usable.
    assert.equal(typeof m.reply('hi', { strategy: 'greedy', maxLength: 5 }).text, 'string');
    return 'loaded';
  } catch (e) {
    if (!(e instanceof ModelFileError) || !e.message.startsWith('abuse.s2s: ') || e.reason.length < 8) {
      counts.escaped++;
      throw new Error(`escaped: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
    counts.rejected++;
    const kind = e.reason.replace(/[\d,]+|".*"|\(.*\)/g, '#').split(':')[0].slice(0, 40);
    reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
    return 'rejected';
  }
}

describe('model files under abuse', () => {
  before(async () => {
    const pairs = [
      { question: 'hi', answer: 'yo', line: 1 },
      { question: 'bye', answer: 'ciao', line: 2 },
    ];
    const { model } = await trainChatModel(pairs, { hidden: 6, wordvec: 4, epochs: 2, batchSize: 2, patience: 0 });
    bytes = serializeModel(model);
    assert.equal(load(bytes), 'loaded');
  });

  after(() => {
    const top = [...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, n]) => `${n}× "${k}"`).join(', ');
    console.log(
      `reliability/model-files: ${bytes.length}-byte model; ${counts.truncated} truncations, ${counts.flipped} byte flips, ${counts.resealed} resealed header edits; ` +
        `${counts.rejected} rejected with ModelFileError, ${counts.loaded} loaded (original and consistent edits only), ${counts.escaped} escaped; reasons: ${top}`,
    );
  });

  test('truncated at every offset: each one rejected with a ModelFileError', () => {
    for (let n = 0; n < bytes.length; n++) {
      counts.truncated++;
      assert.equal(load(bytes.slice(0, n)), 'rejected', `truncated to ${n} bytes`);
    }
    // and one byte too many
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    counts.truncated++;
    assert.equal(load(longer), 'rejected');
  });

  test('a byte flipped at random offsets (5,000 cases, and every offset once): each one rejected', () => {
    const rng = new Random(99);
    const flip = (at: number, mask: number): void => {
      const b = bytes.slice();
      b[at] ^= mask;
      counts.flipped++;
      assert.equal(load(b), 'rejected', `byte ${at} xor 0x${mask.toString(16)}`);
    };
    for (let at = 0; at < bytes.length; at++) flip(at, 1 << rng.int(8));
    for (let k = 0; k < 5000; k++) flip(rng.int(bytes.length), 1 + rng.int(255));
  });

  test('several bytes changed at once, and random garbage of the same length: rejected', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 2, maxLength: 8 }), (edits) => {
        const b = bytes.slice();
        for (const [at, mask] of edits) b[at % b.length] ^= mask;
        if (b.every((v, i) => v === bytes[i])) return;
        counts.flipped++;
        assert.equal(load(b), 'rejected');
      }),
      { numRuns: 1000, seed: 7 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: bytes.length }), (b) => {
        counts.flipped++;
        assert.equal(load(b), 'rejected');
      }),
      { numRuns: 500, seed: 8 },
    );
  });

  test('headers rewritten with a valid checksum: rejected, or consistent and answering; never a crash or a huge allocation', () => {
    const { header, rest } = headerOf(bytes);
    const big = fc.constantFrom(0, -1, 1, 2, 3.5, 1e3, 65_536, 1e6, 1e9, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER);
    const edit = fc.oneof(
      fc.record({ path: fc.constantFrom('config.hidden', 'config.wordvec', 'config.vocabSize'), value: big }),
      fc.record({ path: fc.constantFrom('kind', 'tokenizer', 'reverse', 'normalize', 'vocabulary', 'shapes', 'options', 'report', 'config'), value: fc.jsonValue({ maxDepth: 3 }) }),
      fc.record({ path: fc.constantFrom('kind'), value: fc.constantFrom('simple', 'peeky', 'attention') }),
      fc.record({ path: fc.constantFrom('shapes.0', 'shapes.1', 'shapes.2'), value: fc.tuple(big, big) }),
      fc.record({ path: fc.constantFrom('vocabulary.4', 'vocabulary.0'), value: fc.constantFrom('<pad>', 'y', '', 'new') }),
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const h = JSON.parse(JSON.stringify(header)) as Record<string, unknown>;
        for (const { path, value } of edits) {
          const keys = path.split('.');
          let at: Record<string, unknown> = h;
          for (const k of keys.slice(0, -1)) {
            const next = at[k];
            if (typeof next !== 'object' || next === null) return;
            at = next as Record<string, unknown>;
          }
          at[keys[keys.length - 1]] = value;
        }
        counts.resealed++;
        load(rebuild(bytes, h, rest));
      }),
      { numRuns: 1500, seed: 9 },
    );
  });

  test('a resealed header that claims hidden 1,000,000 with the original weights is refused before allocating', () => {
    const { header, rest } = headerOf(bytes);
    const h = JSON.parse(JSON.stringify(header)) as { config: { hidden: number } };
    h.config.hidden = 1_000_000;
    counts.resealed++;
    const before = process.memoryUsage().rss;
    assert.equal(load(rebuild(bytes, h, rest)), 'rejected');
    assert.ok(process.memoryUsage().rss - before < 200 * 1048576, 'no huge allocation');
  });
});
