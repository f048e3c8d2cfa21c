/**
 * DataParallel (src/train/parallel.ts): a mini-batch split by rows between this thread and worker threads
 * gives the gradients and loss of the whole batch, under the float64 kernel (to rounding) and the wasm
 * kernels (float32 tolerance); bad data fails as in one thread; a worker that cannot start or never
 * answers is dropped and its rows run here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Matrix } from 'ml-matrix';
import { availableKernels, rowsOf, sameRows, withKernel } from '../../../src/matrix';
import type { KernelName } from '../../../src/matrix';
import { createModel } from '../../../src/models/factory';
import type { ModelKind } from '../../../src/chat/types';
import type { ModelConfig } from '../../../src/models/types';
import { Random } from '../../../src/random';
import { Adam } from '../../../src/optim/adam';
import { clipGrads } from '../../../src/optim/clip';
import { autoThreads, DataParallel, targetCount, viewMatrices } from '../../../src/train/parallel';

const WORKER = join(__dirname, '..', '..', '..', 'src', 'worker', 'trainWorker.js');
const GRADIENT_WORKER = join(__dirname, '..', '..', '..', 'src', 'train', 'gradientWorker.js');
const V = 12;
const CONFIG = { vocabSize: V, wordvec: 6, hidden: 8, reverse: true };

/** N questions and answers with ragged PAD tails (answers start with START = 1). */
function batch(seed: number, N: number): { xs: number[][]; ts: number[][] } {
  const rng = new Random(seed);
  const xs = Array.from({ length: N }, () => {
    const len = 2 + rng.int(4);
    return Array.from({ length: 5 }, (_, t) => (t < len ? 4 + rng.int(V - 4) : 0));
  });
  const ts = Array.from({ length: N }, () => {
    const len = 2 + rng.int(4);
    return Array.from({ length: 6 }, (_, t) => (t === 0 ? 1 : t < len ? 4 + rng.int(V - 4) : 0));
  });
  return { xs, ts };
}

function maxRelDiff(a: readonly Matrix[], b: readonly Matrix[]): number {
  let scale = 0;
  let worst = 0;
  a.forEach((m, i) => {
    const A = rowsOf(m);
    const B = rowsOf(b[i]);
    for (let r = 0; r < A.length; r++) {
      for (let j = 0; j < A[r].length; j++) {
        scale = Math.max(scale, Math.abs(A[r][j]));
        worst = Math.max(worst, Math.abs(A[r][j] - B[r][j]));
      }
    }
  });
  return worst / scale;
}

/** The loss and gradients of one batch in one thread. */
function single(kind: ModelKind, xs: number[][], ts: number[][], config: ModelConfig = CONFIG): { loss: number; grads: Matrix[] } {
  const model = createModel(kind, config, new Random(3));
  const loss = model.forward(xs, ts);
  model.backward();
  return { loss, grads: model.grads.map((g) => g.clone()) };
}

const fastest = availableKernels()[0];

describe('viewMatrices and sameRows: a replica\'s params and grads as views of shared memory', () => {
  test('the matrices read and write the shared values in packMatrices\' layout; a swapped row is noticed', () => {
    const model = createModel('peeky', CONFIG, new Random(4));
    const total = model.params.reduce((s, p) => s + p.rows * p.columns, 0);
    const shared = new Float64Array(new SharedArrayBuffer(total * 8));
    for (let i = 0; i < total; i++) shared[i] = i / 7;
    const views = viewMatrices(shared, model.params);
    assert.ok(sameRows(model.params, views));
    const flat = model.params.flatMap((p) => p.to2DArray().flat());
    assert.deepEqual(flat, Array.from(shared), 'every value read from shared memory, in order');
    const last = model.params[model.params.length - 1];
    last.set(0, last.columns - 1, 42); // a write lands in shared memory
    assert.equal(shared[total - 1], 42);
    rowsOf(model.params[2])[1] = new Float64Array(model.params[2].columns); // a row swapped for another array
    assert.equal(sameRows(model.params, views), false);
    assert.equal(sameRows(model.params.slice(1), views), false);
    assert.throws(() => viewMatrices(shared.subarray(1), model.params), /expected \d+ values for the matrices, got \d+/);
  });
});

describe('DataParallel', () => {
  for (const kernel of [...new Set<KernelName>(['typescript', fastest])]) {
    const tol = kernel === 'typescript' ? 1e-12 : 1e-5;
    const variants: [ModelKind, ModelConfig, string][] = [['simple', CONFIG, ''], ['peeky', CONFIG, ''], ['peeky', { ...CONFIG, bag: true }, ' with the bag of embeddings'], ['attention', CONFIG, '']];
    for (const [kind, config, what] of variants) {
      test(`${kind}${what}, ${kernel} kernel: 2 and 3 threads give the whole batch's loss and gradients (relative error < ${tol})`, async () => {
        await withKernel(kernel, async () => {
          const { xs, ts } = batch(9, 7); // 7 rows: parts of 4+3 and 2+3+2
          const want = single(kind, xs, ts, config);
          for (const threads of [2, 3]) {
            const model = createModel(kind, config, new Random(3));
            const parallel = new DataParallel(model, { threads, workerFile: WORKER });
            try {
              assert.equal(parallel.workers, threads - 1);
              for (let step = 0; step < 2; step++) {
                // the second step checks that the workers take the params as they are now
                const loss = parallel.computeGradients(xs, ts);
                const ref = step === 0 ? want : single(kind, xs, ts, config);
                assert.ok(Math.abs(loss - ref.loss) <= tol * ref.loss, `${threads} threads, step ${step}: loss ${loss} vs ${ref.loss}`);
                const err = maxRelDiff(ref.grads, model.grads);
                assert.ok(err <= tol, `${threads} threads, step ${step}: gradient relative error ${err}`);
              }
            } finally {
              await parallel.close();
            }
          }
        });
      });
    }
  }

  test('more threads than rows, and a part whose rows have no targets, still give the batch gradient', async () => {
    const model = createModel('peeky', CONFIG, new Random(3));
    const parallel = new DataParallel(model, { threads: 3, workerFile: WORKER });
    try {
      const one = batch(4, 1);
      let want = single('peeky', one.xs, one.ts);
      assert.ok(Math.abs(parallel.computeGradients(one.xs, one.ts) - want.loss) < 1e-5);
      assert.ok(maxRelDiff(want.grads, model.grads) < 1e-5);
      const { xs, ts } = batch(5, 4);
      ts[3] = [1, 0, 0, 0, 0, 0]; // the last part (rows 2..3 of 3 parts: row 3 alone) has no target
      ts[2] = [1, 0, 0, 0, 0, 0];
      assert.ok(targetCount(ts) > 0);
      want = single('peeky', xs, ts);
      assert.ok(Math.abs(parallel.computeGradients(xs, ts) - want.loss) < 1e-5);
      assert.ok(maxRelDiff(want.grads, model.grads) < 1e-5);
    } finally {
      await parallel.close();
    }
  });

  test('an id out of range in a worker\'s rows or in this thread\'s throws the model\'s own error, and the worker stays in step', async () => {
    const model = createModel('simple', CONFIG, new Random(3));
    const lost: string[] = [];
    const parallel = new DataParallel(model, { threads: 2, workerFile: WORKER, onWorkerLost: (m) => lost.push(m) });
    try {
      const { xs, ts } = batch(6, 6);
      ts[5][2] = V + 3;
      const oneThread = (): number => createModel('simple', CONFIG, new Random(3)).forward(xs, ts);
      const expected = (() => {
        try {
          oneThread();
        } catch (e) {
          return (e as Error).message;
        }
        return 'no error';
      })();
      assert.match(expected, /15/);
      assert.throws(() => parallel.computeGradients(xs, ts), (e: unknown) => e instanceof Error && e.message === expected);
      assert.deepEqual(lost, []);
      assert.equal(parallel.workers, 1);
      const good = batch(6, 6);
      const want = single('simple', good.xs, good.ts);
      assert.ok(Math.abs(parallel.computeGradients(good.xs, good.ts) - want.loss) < 1e-5);
      // the same in this thread's rows: the worker's answer to that batch must not be taken for the next one's
      const bad = batch(6, 6);
      bad.xs[0][0] = -1;
      assert.throws(() => parallel.computeGradients(bad.xs, bad.ts), /id at \[0\]\[0\] must be an integer in \[0, 12\), got -1/);
      const next = batch(7, 6);
      const wantNext = single('simple', next.xs, next.ts);
      assert.ok(Math.abs(parallel.computeGradients(next.xs, next.ts) - wantNext.loss) < 1e-5);
      assert.ok(maxRelDiff(wantNext.grads, model.grads) < 1e-5);
    } finally {
      await parallel.close();
    }
  });

  test('a worker that cannot build its replica, and one that never answers, are dropped; their rows run here', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-parallel-'));
    try {
      const broken = join(dir, 'broken.js');
      writeFileSync(broken, `const { workerData } = require('node:worker_threads');\nrequire(${JSON.stringify(GRADIENT_WORKER)}).runGradientWorker({ ...workerData, kind: 'nonsense' });\n`);
      const silent = join(dir, 'silent.js');
      writeFileSync(silent, 'setInterval(() => {}, 1000);\n');
      for (const [file, reason] of [[broken, /could not start \(createModel: kind must be/], [silent, /did not answer within 1 s/]] as const) {
        const model = createModel('peeky', CONFIG, new Random(3));
        const lost: string[] = [];
        const parallel = new DataParallel(model, { threads: 2, workerFile: file, timeoutMs: 1000, onWorkerLost: (m) => lost.push(m) });
        try {
          const { xs, ts } = batch(8, 5);
          const want = single('peeky', xs, ts);
          for (let step = 0; step < 2; step++) {
            assert.ok(Math.abs(parallel.computeGradients(xs, ts) - want.loss) < 1e-5, `step ${step}`);
            assert.ok(maxRelDiff(want.grads, model.grads) < 1e-5, `step ${step}`);
          }
          assert.equal(lost.length, 1, lost.join('; '));
          assert.match(lost[0], reason);
          assert.equal(parallel.workers, 0);
        } finally {
          await parallel.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const wasm = availableKernels().filter((k) => k !== 'typescript');
  test(`with Adam under a wasm kernel (${wasm.join(', ') || 'none here'}), the params, gradients and moments live in the memory shared with the workers, and training gives the copying path's numbers bit for bit`, async () => {
    assert.ok(wasm.length > 0, 'this runtime runs no wasm kernel (WebAssembly SIMD is required for the product\'s training speed)');
    await withKernel(wasm[0], async () => {
      for (const threads of [2, 3]) {
        const batches = [batch(21, 9), batch(22, 9), batch(23, 9)];
        // `early`: Adam steps once (on zero gradients) before DataParallel exists, so its state stays in its own
        // memory and DataParallel copies the params out and adds the gradients in TypeScript; otherwise Adam
        // takes the shared memory DataParallel made for these params at that first step
        const run = async (early: boolean): Promise<{ params: Matrix[]; shared: boolean }> => {
          const model = createModel('peeky', CONFIG, new Random(3));
          const adam = new Adam(0.01);
          const zeroStep = (): void => {
            for (const g of model.grads) for (const row of rowsOf(g)) row.fill(0);
            adam.update(model.params, model.grads);
          };
          if (early) zeroStep();
          const parallel = new DataParallel(model, { threads, workerFile: WORKER });
          try {
            assert.equal(parallel.workers, threads - 1);
            if (!early) zeroStep();
            for (const { xs, ts } of batches) {
              parallel.computeGradients(xs, ts);
              clipGrads(model.grads, 0.5); // small enough to clip: the scaling runs on that memory too
              adam.update(model.params, model.grads);
            }
          } finally {
            await parallel.close();
          }
          const shared = [...model.params, ...model.grads].every((m) => rowsOf(m).every((r) => r.buffer instanceof SharedArrayBuffer));
          return { params: model.params.map((p) => p.clone()), shared };
        };
        const copying = await run(true);
        const home = await run(false);
        assert.equal(copying.shared, false, `${threads} threads: Adam's own memory when it started before DataParallel`);
        assert.equal(home.shared, true, `${threads} threads: params and grads in the shared memory`);
        home.params.forEach((p, i) => assert.deepEqual(p.to2DArray(), copying.params[i].to2DArray(), `${threads} threads, params[${i}]`));
        const start = createModel('peeky', CONFIG, new Random(3)).params;
        assert.ok(maxRelDiff(start, home.params) > 1e-3, 'the steps moved the params');
      }
    });
  });

  test('threads must be a whole number ≥ 1', () => {
    const model = createModel('simple', CONFIG, new Random(3));
    assert.throws(() => new DataParallel(model, { threads: 0, workerFile: WORKER }), /threads must be an integer ≥ 1, got 0/);
    assert.throws(() => new DataParallel(model, { threads: 1.5, workerFile: WORKER }), /got 1.5/);
  });

  test('autoThreads: 2 for a batch size of 64 or more on 2+ processors, else 1', () => {
    assert.deepEqual([autoThreads(64, 2), autoThreads(128, 16), autoThreads(63, 2), autoThreads(16, 8), autoThreads(128, 1)], [2, 2, 1, 1, 1]);
  });
});
