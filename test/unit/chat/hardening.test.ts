/**
 * Hardening round 2 (#10), the engine side: data-sized arrays never spread into a call, seeds are 32-bit,
 * and a huge question is cut before it is normalised.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveTrainOptions, trainChatModel, TrainingError, type ChatModel } from '../../../src/chat';
import { longestRow, padRows } from '../../../src/chat/greedy';
import { MAX_REPLY_QUESTION_TOKENS } from '../../../src/chat/model';
import { PAD } from '../../../src/models/tokens';

describe('no data-sized spread into a call', () => {
  // Math.max(...rows) passes every row as an argument on the stack: about 125,000 overflow it.
  test('padRows and longestRow take 200,000 rows (the default maxPairs; --batch 200000)', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => (i === 123_456 ? [5, 6, 7] : [5]));
    assert.equal(longestRow(rows), 3);
    const padded = padRows(rows);
    assert.equal(padded.length, 200_000);
    assert.deepEqual(padded[0], [5, PAD, PAD]);
    assert.deepEqual(padded[123_456], [5, 6, 7]);
    assert.equal(longestRow([]), 0);
    assert.deepEqual(padRows([[]]), [[PAD]]);
  });
  test('no Math.max / Math.min of a spread list anywhere in src/ or extension/ (answerLogPosteriors spread one length per trained answer)', () => {
    const root = join(__dirname, '../../../..');
    const found: string[] = [];
    for (const dir of ['src', 'extension']) {
      for (const file of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts')) continue;
        readFileSync(join(root, dir, file), 'utf8').split('\n').forEach((line, i) => {
          if (/Math\.(max|min)\(\s*\.\.\./.test(line) && !/^\s*(\/\/|\/?\*)/.test(line)) found.push(`${dir}/${file}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    assert.deepEqual(found, []);
  });
});

describe('seeds', () => {
  test('TrainOptions.seed must be an integer in [0, 2^32 - 1] (the generator keeps 32 bits: 2^32 was seed 0)', () => {
    assert.equal(resolveTrainOptions({ seed: 2 ** 32 - 1 }).seed, 2 ** 32 - 1);
    for (const seed of [2 ** 32, 1e300, -1, 0.5, Number.NaN]) {
      assert.throws(() => resolveTrainOptions({ seed }), (e: unknown) => e instanceof TrainingError && /seed .*4294967295/.test(e.message), String(seed));
    }
  });
});

describe('a huge question', () => {
  let model: Promise<ChatModel> | undefined;
  const tiny = (): Promise<ChatModel> =>
    (model ??= trainChatModel([{ question: 'hi', answer: 'yo', line: 1 }], { hidden: 8, wordvec: 4, epochs: 1 }).then((r) => r.model));

  test('is cut before normalising: encodeQuestion reads a bounded prefix of a 1,000,000-character question', async () => {
    const m = await tiny();
    const ids = m.encodeQuestion('hi '.repeat(333_334));
    assert.ok(ids.length <= 8 * MAX_REPLY_QUESTION_TOKENS, `expected at most ${8 * MAX_REPLY_QUESTION_TOKENS} ids, got ${ids.length}`);
  });

  test('a 50 MB question is answered in well under a second', async () => {
    const m = await tiny();
    const question = 'x'.repeat(50 * 1024 * 1024);
    const t0 = performance.now();
    m.reply(question);
    const ms = performance.now() - t0;
    console.log(`hardening: a reply to a 50 MB question took ${ms.toFixed(0)} ms`);
    assert.ok(ms < 1000, `expected < 1 s, got ${ms.toFixed(0)} ms`);
  });
});
