/**
 * The training memory estimate (src/chat/memory.ts): its parameter count equals the models' own, it matches
 * within 25% the measured growth of the peak resident memory of a real one-epoch training (child processes, so each
 * measures from a fresh heap), and a training over the limit is refused before anything is allocated.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkTrainingMemory, estimateTrainingMemory, TrainingError, trainChatModel, TRAINING_MEMORY_LIMIT } from '../../../src/chat';
import { parameterCount } from '../../../src/chat/memory';
import { createModel } from '../../../src/models';
import { Random } from '../../../src/random';

const PROBE = join(__dirname, '..', 'helpers', 'memory-probe.js');
const run = promisify(execFile);

describe('training memory estimate', () => {
  test('the parameter count is the models\' own, for every kind, with and without a question vocabulary and the bag of embeddings', () => {
    for (const kind of ['simple', 'peeky', 'attention'] as const) {
      for (const sourceVocabSize of [undefined, 37]) {
        for (const bag of kind === 'attention' ? [false] : [false, true]) {
          const config = { vocabSize: 50, wordvec: 8, hidden: 12, reverse: false, ...(sourceVocabSize ? { sourceVocabSize } : {}), ...(bag ? { bag } : {}) };
          const engine = createModel(kind, config, new Random(1));
          assert.equal(parameterCount({ kind, ...config }), engine.params.reduce((s, p) => s + p.rows * p.columns, 0), `${kind} ${sourceVocabSize} ${bag}`);
        }
      }
    }
  });

  test('it is within 25% of the measured peak growth of a one-epoch training, for a peeky and an attention model', async () => {
    // Shapes whose output layer dominates (100–130 MB per Tₐ×N×V float64 series), so the figures stand above the noise.
    const shapes = [
      { kind: 'peeky', vocab: 4004, answer: 250, batch: 16, hidden: 16, wordvec: 8 },
      { kind: 'attention', vocab: 3004, answer: 300, batch: 10, hidden: 16, wordvec: 8 },
    ];
    const results = await Promise.all(shapes.map(async (s) => {
      const { stdout } = await run(process.execPath, [PROBE, JSON.stringify(s)], { timeout: 300_000 });
      return { s, ...(JSON.parse(stdout) as { estimate: number; growth: number }) };
    }));
    for (const { s, estimate, growth } of results) {
      const ratio = growth / estimate;
      assert.ok(ratio >= 0.75 && ratio <= 1.25, `${s.kind} V=${s.vocab} T=${s.answer} N=${s.batch}: measured ${(growth / 2 ** 20).toFixed(0)} MiB, estimated ${(estimate / 2 ** 20).toFixed(0)} MiB (ratio ${ratio.toFixed(2)})`);
    }
  });

  test('the estimate grows with vocabulary × answer length × batch', () => {
    const base = { kind: 'peeky' as const, vocabSize: 5000, wordvec: 32, hidden: 64, batch: 16, answerLength: 200, questionLength: 20 };
    const b = estimateTrainingMemory(base).decoderOutput;
    assert.equal(estimateTrainingMemory({ ...base, vocabSize: 10000 }).decoderOutput, 2 * b);
    assert.equal(estimateTrainingMemory({ ...base, batch: 32 }).decoderOutput, 2 * b);
    assert.equal(estimateTrainingMemory({ ...base, answerLength: 401 }).decoderOutput, 2 * b);
  });

  test('a shape over the limit is refused with the estimate, the limit and the three ways to lower it', () => {
    const shape = { kind: 'peeky' as const, vocabSize: 29_904, wordvec: 32, hidden: 64, batch: 16, answerLength: 500, questionLength: 10 };
    assert.throws(() => checkTrainingMemory(shape, 16), (e: unknown) => {
      assert.ok(e instanceof TrainingError);
      assert.match(e.message, /would need about [\d,]+ MiB of memory, over the limit of 2,048 MiB \(vocabulary 29,904 tokens × longest answer 500 tokens × batch 16\)/);
      assert.match(e.message, /a smaller batch \(now 16; --batch or the setting seq2seqChat\.training\.batchSize\)/);
      assert.match(e.message, /shorter answers/);
      assert.match(e.message, /--max-vocabulary or seq2seqChat\.limits\.maxVocabulary/);
      return true;
    });
    assert.ok(estimateTrainingMemory({ ...shape, batch: 1, answerLength: 50 }).bytes < TRAINING_MEMORY_LIMIT);
  });

  test('trainChatModel refuses such pairs at once, before building the model', async () => {
    // 15 answers of 2,000 characters over 29,000 distinct ones: over the limit on the float32 path too
    const pairs = Array.from({ length: 15 }, (_, i) => ({
      question: `q${i}`,
      answer: Array.from({ length: 2_000 }, (_, j) => String.fromCodePoint(0x4e00 + ((i * 2_000 + j) % 29_000))).join(''),
      line: i + 1,
    }));
    const t0 = performance.now();
    await assert.rejects(trainChatModel(pairs, { epochs: 1 }), /over the limit of 2,048 MiB/);
    assert.ok(performance.now() - t0 < 10_000, 'refused within seconds');
  });
});
