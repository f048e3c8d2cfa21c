import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import type { EpochReport, TrainProgress } from '../../../src/chat/types';
import { SGD } from '../../../src/optim/sgd';
import { Random } from '../../../src/random';
import { train, TrainTask } from '../../../src/train/trainer';

/** y = w·x fitted by least squares: one parameter, the simplest thing with params/grads. */
function lineTask(samples: number[], hooks: { onBatch?: (batch: number[]) => number | undefined; accuracies?: number[] } = {}): TrainTask<number> & { w: Matrix } {
  const w = new Matrix([[0]]);
  const dw = new Matrix([[0]]);
  let epoch = 0;
  return {
    w,
    model: { params: [w], grads: [dw] },
    samples,
    computeGradients(batch) {
      const override = hooks.onBatch?.(batch);
      // loss = mean (w·x − 3x)², target slope 3
      let loss = 0;
      let g = 0;
      for (const x of batch) {
        const e = w.get(0, 0) * x - 3 * x;
        loss += e * e;
        g += 2 * e * x;
      }
      dw.set(0, 0, g / batch.length);
      return override ?? loss / batch.length;
    },
    evaluate: hooks.accuracies ? () => ({ accuracy: (hooks.accuracies as number[])[epoch++] }) : undefined,
  };
}

const xs = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];

describe('trainer', () => {
  test('fits, reports every epoch and progress, and completes', async () => {
    const task = lineTask(xs);
    const epochs: EpochReport[] = [];
    const progress: TrainProgress[] = [];
    const r = await train(task, {
      epochs: 30, batchSize: 3, optimizer: new SGD(0.5), rng: new Random(1), progressEveryMs: 0,
      callbacks: { onEpoch: (e) => epochs.push(e), onProgress: (p) => progress.push(p) },
    });
    assert.equal(r.stoppedBy, 'completed');
    assert.equal(r.epochs, 30);
    assert.equal(epochs.length, 30);
    assert.ok(epochs[29].loss < epochs[0].loss / 10, `${epochs[0].loss} → ${epochs[29].loss}`);
    assert.ok(Math.abs(task.w.get(0, 0) - 3) < 0.05);
    assert.equal(progress.length, 30 * 3);
    const last = progress[progress.length - 1];
    assert.deepEqual([last.epoch, last.epochs, last.iteration, last.iterations], [30, 30, 3, 3]);
    assert.equal(last.eta, 0);
    assert.ok(progress.every((p) => p.samplesPerSecond > 0 && p.eta >= 0));
  });

  test('shuffles with the seeded Random: the same seed visits batches in the same order', async () => {
    const run = async (seed: number): Promise<number[][]> => {
      const seen: number[][] = [];
      await train(lineTask(xs, { onBatch: (b) => (seen.push(b), undefined) }), { epochs: 2, batchSize: 2, optimizer: new SGD(0.1), rng: new Random(seed) });
      return seen;
    };
    const a = await run(5);
    assert.deepEqual(await run(5), a);
    assert.notDeepEqual(await run(6), a);
    assert.deepEqual([...a[0], ...a[1], ...a[2], ...a[3]].sort(), [...xs].sort());
  });

  test('early stopping after `patience` epochs without improvement restores the best epoch\'s weights', async () => {
    const task = lineTask(xs, { accuracies: [0.1, 0.5, 0.4, 0.45, 0.9] });
    const weights: number[] = [];
    const r = await train(task, {
      epochs: 5, batchSize: 7, optimizer: new SGD(0.2), rng: new Random(2), patience: 2,
      callbacks: { onEpoch: () => weights.push(task.w.get(0, 0)) },
    });
    assert.equal(r.stoppedBy, 'early-stopping');
    assert.equal(r.epochs, 4);
    assert.equal(r.bestEpoch, 2);
    assert.equal(r.best?.accuracy, 0.5);
    assert.equal(task.w.get(0, 0), weights[1]);
    assert.notEqual(weights[3], weights[1]);
  });

  test('a NaN loss stops training with a message naming the learning rate, and restores the last good weights', async () => {
    let calls = 0;
    const task = lineTask(xs, { onBatch: () => (++calls === 5 ? NaN : undefined) });
    let afterEpoch1 = NaN;
    const r = await train(task, {
      epochs: 3, batchSize: 3, optimizer: new SGD(0.3), rng: new Random(3),
      callbacks: { onEpoch: () => (afterEpoch1 = task.w.get(0, 0)) },
    });
    assert.equal(r.stoppedBy, 'non-finite');
    assert.equal(r.epochs, 1);
    assert.match(r.message ?? '', /epoch 2, iteration 2: the loss became NaN\. The learning rate \(0\.3\) is probably too high/);
    assert.match(r.message ?? '', /weights of epoch 1 were restored/);
    assert.equal(task.w.get(0, 0), afterEpoch1);
  });

  test('an exploding gradient with clipping off is caught too, and the initial weights come back', async () => {
    const task = lineTask([1e200, 1e200]);
    const r = await train(task, { epochs: 1, batchSize: 1, optimizer: new SGD(1), rng: new Random(4), clip: 0 });
    assert.equal(r.stoppedBy, 'non-finite');
    assert.match(r.message ?? '', /or turn on gradient clipping/);
    assert.equal(task.w.get(0, 0), 0);
  });

  test('a finite loss above maxLoss also counts as divergence', async () => {
    const task = lineTask(xs, { onBatch: () => 5e6 });
    const r = await train(task, { epochs: 2, batchSize: 7, optimizer: new SGD(0.1), rng: new Random(7), maxLoss: 1000 });
    assert.equal(r.stoppedBy, 'non-finite');
    assert.match(r.message ?? '', /the loss reached 5\.00e\+6, above 1000\. The learning rate \(0\.1\) is probably too high/);
    assert.equal(task.w.get(0, 0), 0);
    const fine = await train(lineTask(xs, { onBatch: () => 999 }), { epochs: 1, batchSize: 7, optimizer: new SGD(0.1), rng: new Random(7), maxLoss: 1000 });
    assert.equal(fine.stoppedBy, 'completed');
  });

  test('a cancellation token stops training and keeps the best epoch', async () => {
    const token = { isCancellationRequested: false };
    const task = lineTask(xs, { accuracies: [0.2, 0.7, 0.3, 0.3] });
    const weights: number[] = [];
    const r = await train(task, {
      epochs: 10, batchSize: 7, optimizer: new SGD(0.1), rng: new Random(5), signal: token,
      callbacks: { onEpoch: (e) => { weights.push(task.w.get(0, 0)); if (e.epoch === 3) token.isCancellationRequested = true; } },
    });
    assert.equal(r.stoppedBy, 'cancelled');
    assert.equal(r.epochs, 3);
    assert.equal(task.w.get(0, 0), weights[1]);
  });

  test('yields to the event loop, so an AbortSignal fired by a timer stops a busy training loop', async () => {
    const controller = new AbortController();
    const busy = (): undefined => {
      const until = performance.now() + 2;
      while (performance.now() < until);
      return undefined;
    };
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    const r = await train(lineTask(xs, { onBatch: busy }), {
      epochs: 1000, batchSize: 1, optimizer: new SGD(0.01), rng: new Random(6), signal: controller.signal, yieldEveryMs: 10,
    });
    assert.equal(r.stoppedBy, 'cancelled');
    assert.ok(performance.now() - started < 1000, 'stopped within a second');
  });

  test('rejects nonsense options, naming the value', async () => {
    const opt = { epochs: 1, batchSize: 1, optimizer: new SGD(), rng: new Random(1) };
    await assert.rejects(train(lineTask(xs), { ...opt, batchSize: 0 }), /batchSize must be an integer ≥ 1, got 0/);
    await assert.rejects(train(lineTask([]), opt), /no training samples/);
    await assert.rejects(train(lineTask(xs), { ...opt, patience: -1 }), /patience must be an integer ≥ 0/);
  });
});

describe('trainer in a worker thread', () => {
  // one long epoch, so only the trainer's yields inside an epoch can let the message in
  test('a cancel message posted to a busy training worker is received and stops training', { timeout: 30000 }, async () => {
    const { Worker } = await import('node:worker_threads');
    const trainer = require.resolve('../../../src/train/trainer');
    const sgd = require.resolve('../../../src/optim/sgd');
    const random = require.resolve('../../../src/random');
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { Matrix } = require('ml-matrix');
      const { train } = require(${JSON.stringify(trainer)});
      const { SGD } = require(${JSON.stringify(sgd)});
      const { Random } = require(${JSON.stringify(random)});
      const token = { isCancellationRequested: false };
      parentPort.on('message', (m) => { if (m === 'cancel') token.isCancellationRequested = true; });
      const w = new Matrix([[0]]), dw = new Matrix([[0]]);
      let batches = 0;
      const task = { model: { params: [w], grads: [dw] }, samples: new Array(100000).fill(1),
        computeGradients() { const until = performance.now() + 2; while (performance.now() < until); if (++batches === 5) parentPort.postMessage('busy'); return 1; } };
      train(task, { epochs: 1, batchSize: 1, yieldEveryMs: YIELD, optimizer: new SGD(0), rng: new Random(1), signal: token })
        .then((r) => parentPort.postMessage(r.stoppedBy));`;
    const worker = new Worker(code.replace('YIELD', '50'), { eval: true });
    const stoppedBy = await new Promise<string>((resolve, reject) => {
      worker.on('message', (m: string) => (m === 'busy' ? worker.postMessage('cancel') : resolve(m)));
      worker.on('error', reject);
    });
    await worker.terminate();
    assert.equal(stoppedBy, 'cancelled');
  });
});
