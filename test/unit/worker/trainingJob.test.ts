/**
 * The training worker (src/worker/trainWorker.ts) driven through its host side (trainingJob.ts), in a
 * real worker_threads Worker: progress and epochs arrive, the model comes back as bytes that load and
 * answer, and cancelling through shared memory stops a long run.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deserializeModel } from '../../../src/chat';
import type { Pair } from '../../../src/chat/types';
import { startTrainingJob } from '../../../src/worker/trainingJob';

const WORKER = join(__dirname, '../../../src/worker/trainWorker.js');
const PAIRS: Pair[] = [
  { question: 'hi', answer: 'yo', line: 1 },
  { question: 'bye', answer: 'ciao', line: 2 },
];
const SMALL = { hidden: 16, wordvec: 8, batchSize: 2, validation: 0, patience: 0 };

describe('training worker', () => {
  test('reports progress and epochs, then returns model bytes that load and reply', async () => {
    const epochs: number[] = [];
    let progress = 0;
    const job = startTrainingJob(WORKER, PAIRS, { ...SMALL, epochs: 3 }, 'hash', {
      onProgress: () => progress++,
      onEpoch: (r) => epochs.push(r.epoch),
    });
    const out = await job.result;
    assert.equal(out.status, 'completed');
    assert.deepEqual(epochs, [1, 2, 3]);
    assert.ok(progress >= 3, `expected progress reports, got ${progress}`);
    if (out.status !== 'completed') return;
    assert.equal(out.report.pairs, 2);
    assert.equal(out.report.dataHash, 'hash');
    const model = deserializeModel(out.model, 'worker');
    assert.equal(typeof model.reply('hi').text, 'string');
  });

  test('records the run in the model\'s history after the previous runs, so the host saves the bytes as they are', async () => {
    const first = await startTrainingJob(WORKER, PAIRS, { ...SMALL, epochs: 2 }, 'hash', {}, { history: { file: 'first.tsv', previous: [] } }).result;
    assert.equal(first.status, 'completed');
    if (first.status !== 'completed') return;
    const previous = deserializeModel(first.model, 'first').history;
    assert.deepEqual(previous.map((r) => [r.file, r.curves.epochs.length, r.curves.stop?.reason]), [['first.tsv', 2, 'completed']]);
    const epochs: number[] = [];
    const second = await startTrainingJob(WORKER, PAIRS, { ...SMALL, epochs: 3 }, 'hash', { onEpoch: (r) => epochs.push(r.epoch) }, { history: { file: 'second.tsv', previous } }).result;
    assert.equal(second.status, 'completed');
    if (second.status !== 'completed') return;
    const history = deserializeModel(second.model, 'second').history;
    assert.deepEqual(history.map((r) => r.file), ['first.tsv', 'second.tsv']);
    const run = history[1];
    assert.deepEqual(run.curves.epochs.map((p) => p.epoch), epochs);
    assert.equal(run.curves.epochsPlanned, 3);
    assert.equal(run.report.epochs, 3);
    assert.ok(run.curves.iterations.length >= 3, `expected iteration points, got ${run.curves.iterations.length}`);
  });

  test('without a history request the model keeps no run (the CLI adds its own)', async () => {
    const out = await startTrainingJob(WORKER, PAIRS, { ...SMALL, epochs: 1 }, 'hash').result;
    assert.equal(out.status, 'completed');
    if (out.status === 'completed') assert.deepEqual(deserializeModel(out.model, 'worker').history, []);
  });

  test('with threads 2 the worker starts a helper thread from its own script: same losses up to rounding, no warning', async () => {
    const run = async (threads: number): Promise<number[]> => {
      const warnings: string[] = [];
      const losses: number[] = [];
      const job = startTrainingJob(WORKER, PAIRS, { ...SMALL, batchSize: 4, epochs: 4, threads }, 'hash', {
        onEpoch: (r) => losses.push(r.loss),
        onWarning: (m) => warnings.push(m),
      });
      assert.equal((await job.result).status, 'completed');
      assert.deepEqual(warnings, []);
      return losses;
    };
    const one = await run(1);
    const two = await run(2);
    const worst = Math.max(...one.map((l, i) => Math.abs(l - two[i]) / l));
    assert.ok(worst < 1e-4, `relative loss difference ${worst}`);
    assert.ok(worst > 0, 'identical losses: no helper thread ran (the request lost its worker script?)');
  });

  test('cancel() stops a long run and resolves as cancelled', async () => {
    let seen = 0;
    // One question with two answers never reaches 100% exact-match, so training cannot stop early by itself.
    const unsolvable: Pair[] = [
      { question: 'same', answer: 'one', line: 1 },
      { question: 'same', answer: 'two', line: 2 },
    ];
    const job = startTrainingJob(WORKER, unsolvable, { ...SMALL, epochs: 100000 }, 'hash', { onEpoch: () => seen++ });
    await new Promise((r) => setTimeout(r, 300));
    job.cancel();
    assert.equal(job.cancelled, true);
    const out = await job.result;
    assert.equal(out.status, 'cancelled');
    assert.ok(seen < 100000);
  });

  test('an engine error comes back as a rejected result with its message', async () => {
    const job = startTrainingJob(WORKER, [], { ...SMALL, epochs: 1 }, 'hash');
    await assert.rejects(job.result, (e: Error) => e.message.length > 0 && e.name === 'WorkerTrainingError');
  });
});
