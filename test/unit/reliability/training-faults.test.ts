/**
 * Training faults at the worker level (src/worker/trainingJob.ts + trainWorker.ts, real worker_threads in
 * plain Node): cancelling at random moments leaves nothing running and the previous model answering; a
 * worker thread that dies or throws mid-training gives a clear error and a new training can start at once;
 * a learning rate of 1e6 stops training with a message that names the learning rate. Prints the counts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { deserializeModel } from '../../../src/chat';
import type { Pair } from '../../../src/chat/types';
import { startTrainingJob, WorkerTrainingError } from '../../../src/worker/trainingJob';

const WORKER = join(__dirname, '../../../src/worker/trainWorker.js');
const FAULTY = join(__dirname, '../../reliability/faulty-worker.js');
const CANCEL_LOOP = join(__dirname, '../../reliability/cancel-loop.js');
const CANCELS = 24;
const PAIRS: Pair[] = [
  { question: 'hi', answer: 'yo', line: 1 },
  { question: 'bye', answer: 'ciao', line: 2 },
  { question: 'what', answer: 'that', line: 3 },
];
const SMALL = { hidden: 16, wordvec: 8, batchSize: 2, patience: 0 };
/** Two answers to one question: never 100% exact, so training runs until the fault strikes. */
const UNSOLVABLE: Pair[] = [
  { question: 'same', answer: 'one', line: 1 },
  { question: 'same', answer: 'two', line: 2 },
];

function withFault<T>(fault: string, ms: number, run: () => T): T {
  process.env.S2S_FAULT = fault;
  process.env.S2S_FAULT_MS = String(ms);
  try {
    return run(); // the Worker copies process.env when it is created
  } finally {
    delete process.env.S2S_FAULT;
    delete process.env.S2S_FAULT_MS;
  }
}

async function trainsAgain(): Promise<void> {
  const out = await startTrainingJob(WORKER, PAIRS, { ...SMALL, epochs: 2 }, 'again').result;
  assert.equal(out.status, 'completed');
  if (out.status === 'completed') assert.equal(typeof deserializeModel(out.model, 'again').reply('hi').text, 'string');
}

describe('training faults (real worker threads)', () => {
  test(`cancelling at ${CANCELS} random moments: always "cancelled", the previous model answers unchanged, and nothing is left running`, async () => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CANCEL_LOOP, WORKER, String(CANCELS), '7'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let printedAt = 0;
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      if (stdout.includes('\n') && printedAt === 0) printedAt = Date.now();
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(killer);
    assert.equal(code, 0, `the cancel loop failed or was killed: ${stderr.slice(0, 1500)}`);
    const summary = JSON.parse(stdout.trim()) as { count: number; outcomes: Record<string, number>; epochsSeen: number; minDelay: number; maxDelay: number; resources: string[] };
    assert.deepEqual(summary.outcomes, { cancelled: CANCELS });
    const exitMs = Date.now() - printedAt;
    // The process ends by itself once its work is done: no worker, port or timer keeps it alive.
    assert.ok(exitMs < 5000, `expected the process to exit right after its last cancel, took ${exitMs} ms (resources: ${summary.resources.join(', ')})`);
    console.log(
      `reliability/training-faults: ${CANCELS} cancels at ${summary.minDelay}–${summary.maxDelay} ms after start (${summary.epochsSeen} epochs run in all): ` +
        `${summary.outcomes.cancelled} cancelled, previous model unchanged every time; process exited ${exitMs} ms after the last one ` +
        `(active resources then: [${summary.resources.join(', ')}]); ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  });

  test('a worker thread that exits mid-training: a clear error, and a new training starts and completes', async () => {
    const job = withFault('exit', 400, () => startTrainingJob(FAULTY, UNSOLVABLE, { ...SMALL, epochs: 100_000 }, 'exit'));
    await assert.rejects(job.result, (e: Error) => {
      assert.match(e.message, /training worker exited with code 7 before reporting a result/);
      return true;
    });
    await trainsAgain();
  });

  test('a worker thread that throws mid-training: the error comes back with its message, and a new training completes', async () => {
    const job = withFault('throw', 400, () => startTrainingJob(FAULTY, UNSOLVABLE, { ...SMALL, epochs: 100_000 }, 'throw'));
    await assert.rejects(job.result, (e: Error) => {
      assert.match(e.message, /injected fault in training worker thread/);
      return true;
    });
    await trainsAgain();
  });

  test('learning rate 1e6, diverging in the first epoch: rejected with a message naming the learning rate', async () => {
    const job = startTrainingJob(WORKER, PAIRS, { ...SMALL, epochs: 50, learningRate: 1e6 }, 'nan');
    await assert.rejects(job.result, (e: Error) => {
      assert.ok(e instanceof WorkerTrainingError, `expected WorkerTrainingError, got ${e.name}`);
      assert.equal(e.errorName, 'TrainingError');
      assert.match(e.message, /diverged/);
      assert.match(e.message, /learning rate \(1000000\) is probably too high/);
      console.log(`reliability/training-faults: learning rate 1e6 → "${e.message}"`);
      return true;
    });
  });

  test('learning rate 1e6, diverging after a good epoch: stops as non-finite with the reason, keeping the good epoch', async () => {
    const out = await startTrainingJob(WORKER, PAIRS, { ...SMALL, batchSize: 16, epochs: 50, learningRate: 1e6 }, 'nan').result;
    assert.equal(out.status, 'completed');
    if (out.status !== 'completed') return;
    assert.equal(out.report.stoppedBy, 'non-finite');
    assert.equal(out.report.epochs, 1);
    assert.match(out.report.message ?? '', /learning rate \(1000000\) is probably too high/);
    const model = deserializeModel(out.model, 'kept');
    assert.equal(typeof model.reply('hi').text, 'string');
  });
});
