/**
 * The training timings of `npm run bench`, ours and NumPy's side by side in one run:
 *  - ch. 7: the book's PeekySeq2seq, reversed, on the addition task (D 16, H 128, batch 128) against
 *    bench/numpy_seq2seq.py (a float32 port of the book's code);
 *  - ch. 8: AttentionSeq2seq, reversed, on the date task (D 16, H 256, batch 128, questions of 29
 *    characters, answers of 11) against the book's own ch08/attention_seq2seq.py, run from a checkout of its
 *    repository by bench/book_attention.py on the same batches (our own generator, src/experiments/dates.ts).
 * Each task runs `rounds` rounds; a round times ours on one thread, NumPy on one BLAS thread, ours on two
 * threads (data parallel) and NumPy on its default threads, in turn, so all four see the same load. Every
 * round of each starts with WARMUP untimed iterations and times only training steps (batches made before).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Matrix } from 'ml-matrix';
import { currentKernel } from '../src/matrix';
import { Random } from '../src/random';
import type { Seq2seqModel } from '../src/models/types';
import { DataParallel } from '../src/train/parallel';
import { CharVocab } from '../src/experiments/addition';
import { makeDateData } from '../src/experiments/dates';
import { FIRST_TOKEN_ID } from '../src/models/tokens';
import { additionBatch, CHARS, PAD_IDS, START } from './addition-batch';
import { BOOK_ATTENTION, NumpyTraining, runNumpy } from './numpy-runner';

/** What the bench needs from src/engine.ts (H1's API), checked at run time. */
interface EngineModel {
  readonly params: Matrix[];
  readonly grads: Matrix[];
  forward(xs: number[][], ts: number[][]): number;
  backward(dout?: number): void;
  generate(xs: number[][], startId: number, sampleSize: number): number[][];
}
type ModelSpec = { vocabSize: number; wordvec: number; hidden: number; reverse: boolean };
export interface Engine {
  createModel(kind: 'peeky' | 'attention', config: ModelSpec, rng: Random): EngineModel;
  Adam: new (lr?: number) => { update(params: Matrix[], grads: Matrix[]): void };
  clipGrads(grads: Matrix[], maxNorm: number): unknown;
}

export function loadEngine(): Engine | string {
  let mod: Record<string, unknown>;
  try {
    // dynamic, so that the bench builds and runs without src/engine.ts
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path.resolve(__dirname, '..', 'src', 'engine')) as Record<string, unknown>;
  } catch (e) {
    return `src/engine.ts is absent or failed to load (${(e as Error).message.split('\n')[0]})`;
  }
  const missing = ['createModel', 'Adam', 'clipGrads'].filter((name) => typeof mod[name] !== 'function');
  if (missing.length > 0) return `src/engine.ts lacks ${missing.join(', ')}`;
  return mod as unknown as Engine;
}

type Batch = { xs: number[][]; ts: number[][] };

/** A training task: the model, where its batches come from, and how the NumPy reference times it. */
interface Task {
  readonly title: string;
  readonly kind: 'peeky' | 'attention';
  readonly spec: ModelSpec;
  /** The batch of iteration k (k counts from 0 for each trainer, warm-up included). */
  batch(k: number): Batch;
  /** Samples an epoch holds (the book's max_iters = this / 128). */
  readonly epochQuestions: number;
  /** Seconds per iteration of the NumPy reference on `iters` iterations, with threads '1' or the default. */
  numpy(iters: number, threads: '1' | undefined): NumpyTraining;
  readonly numpyWhat: string;
}

const N = 128;
/** Untimed iterations at the start of every round, ours and NumPy's (its scripts' --warmup). */
const WARMUP = 2;

interface Trainer {
  /** Seconds per training iteration (forward, backward, clip, Adam) over `iters` iterations. */
  measure(iters: number): { perIter: number; loss: number };
  readonly model: EngineModel;
  sample(): void;
  readonly peak: { rss: number; heap: number };
  close(): Promise<void>;
}

/** threads > 1: data-parallel (src/train/parallel.ts), the batch's rows split across threads. */
function trainer(engine: Engine, task: Task, threads = 1): Trainer | null {
  const rng = new Random(1984);
  let model: EngineModel;
  try {
    model = engine.createModel(task.kind, task.spec, rng);
  } catch (e) {
    console.log(`engine: createModel('${task.kind}', ...) failed: ${(e as Error).message}`);
    return null;
  }
  const optimizer = new engine.Adam(0.001);
  const parallel = threads > 1 ? new DataParallel(model as Seq2seqModel, { threads, workerFile: path.resolve(__dirname, '..', 'src', 'worker', 'trainWorker.js') }) : null;
  const peak = { rss: 0, heap: 0 };
  const sample = (): void => {
    const u = process.memoryUsage();
    peak.rss = Math.max(peak.rss, u.rss);
    peak.heap = Math.max(peak.heap, u.heapUsed);
  };
  let k = 0;
  const step = (batch: Batch = task.batch(k++)): number => {
    const { xs, ts } = batch;
    let loss: number;
    if (parallel !== null) loss = parallel.computeGradients(xs, ts);
    else {
      loss = model.forward(xs, ts);
      model.backward();
    }
    engine.clipGrads(model.grads, 5.0);
    optimizer.update(model.params, model.grads);
    sample();
    return loss;
  };
  for (let i = 0; i < 2; i++) step(); // warm-up: JIT, wasm compile, memory growth
  return {
    measure(iters) {
      // As the NumPy side's rounds, each a fresh process with WARMUP untimed iterations and its batches made
      // before the clock starts: the other side's round has just run on these cores. (Measured: no difference
      // on ch. 7 within the rounds' spread, 0.98–1.00 either way, bench/results/bench-warmup.log; kept so that
      // both sides are timed alike.)
      for (let i = 0; i < WARMUP; i++) step();
      const batches = Array.from({ length: iters }, () => task.batch(k++));
      const start = performance.now();
      let loss = 0;
      for (const b of batches) loss = step(b);
      return { perIter: (performance.now() - start) / 1000 / iters, loss };
    },
    model,
    sample,
    peak,
    close: async () => parallel?.close(),
  };
}

/** The ch. 7 addition task; NumPy: bench/numpy_seq2seq.py, the same network ported. */
export function additionTask(): Task {
  const rng = new Random(1984);
  return {
    title: 'PeekySeq2seq, reverse, D=16, H=128',
    kind: 'peeky',
    spec: { vocabSize: PAD_IDS + CHARS.length, wordvec: 16, hidden: 128, reverse: true },
    batch: () => additionBatch(rng, N),
    epochQuestions: 45000,
    numpy: (iters, threads) => runNumpy(['--iters', String(iters), '--warmup', String(WARMUP)], threads) as NumpyTraining,
    numpyWhat: 'bench/numpy_seq2seq.py, float32',
  };
}

/**
 * The ch. 8 date task on our generator's data (src/experiments/dates.ts): 16 batches of 128, cycled; the
 * book's code gets the same batches (ids without our 4 reserved ones, questions reversed as its train.py does).
 */
export function dateTask(book: string): Task {
  const data = makeDateData(16 * N, new Random(1984));
  const vocab = new CharVocab(data.flatMap((d) => [d.question, d.answer]));
  const batches: Batch[] = [];
  for (let b = 0; b < 16; b++) {
    const part = data.slice(b * N, (b + 1) * N);
    batches.push({ xs: part.map((d) => vocab.encode(d.question)), ts: part.map((d) => vocab.encode(d.answer)) });
  }
  const toBook = (ids: number[]): number[] => ids.map((id) => id - FIRST_TOKEN_ID);
  const input = JSON.stringify({
    V: vocab.size - FIRST_TOKEN_ID,
    batches: batches.map((b) => ({ xs: b.xs.map((x) => toBook(x).reverse()), ts: b.ts.map(toBook) })),
  });
  return {
    title: 'AttentionSeq2seq, reverse, date task (Tq 29, Ta 11), D=16, H=256',
    kind: 'attention',
    spec: { vocabSize: vocab.size, wordvec: 16, hidden: 256, reverse: true },
    batch: (k) => batches[k % batches.length],
    epochQuestions: 45000,
    numpy: (iters, threads) => runNumpy(['--book', book, '--iters', String(iters), '--warmup', String(WARMUP)], threads, BOOK_ATTENTION, input) as NumpyTraining,
    numpyWhat: "the book's ch08/attention_seq2seq.py and Trainer step, float32",
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Training speed of `task`, ours and NumPy's side by side: `rounds` rounds of `iters` iterations each (see the
 * file header); prints the best round of each and the median of the rounds' ratios. `latency`: also the reply
 * latency of the one-thread model (40 characters, greedy) and the peak memory.
 */
export async function trainingFigures(engine: Engine, task: Task, iters: number, rounds: number, numpy: boolean, latency: boolean): Promise<void> {
  const itersPerEpoch = Math.floor(task.epochQuestions / N); // 351, the book's max_iters
  const threads = Math.min(2, os.availableParallelism());
  const one = trainer(engine, task);
  const two = threads > 1 ? trainer(engine, task, threads) : null;
  if (one === null) return;
  const times = { one: [] as number[], two: [] as number[], numpyOne: [] as number[], numpyDefault: [] as number[] };
  let loss = NaN;
  let numpyVersion = '';
  for (let r = 0; r < rounds; r++) {
    const m = one.measure(iters);
    times.one.push(m.perIter);
    loss = m.loss;
    if (numpy) {
      const n = task.numpy(iters, '1');
      times.numpyOne.push(n.secondsPerIteration);
      numpyVersion = n.numpy;
    }
    if (two !== null) times.two.push(two.measure(iters).perIter);
    if (numpy) times.numpyDefault.push(task.numpy(iters, undefined).secondsPerIteration);
  }
  const best = { one: Math.min(...times.one), two: Math.min(...times.two), numpyOne: Math.min(...times.numpyOne), numpyDefault: Math.min(...times.numpyDefault) };
  // The machine's speed drifts (other tenants, clocks) by ±20 % over seconds, for both programs alike: the
  // ratio within each round, timed back to back, is steadier than the ratio of two bests.
  const roundRatios = (a: number[], b: number[]): number[] => a.map((x, i) => x / b[i]);
  const line = (what: string, perIter: number): string =>
    `  ${(what + ':').padEnd(26)} ${(perIter * 1000).toFixed(1)} ms/iteration, ${(N / perIter).toFixed(0)} samples/s, ${(perIter * itersPerEpoch).toFixed(1)} s/epoch`;
  console.log(`\nTraining (${task.title}, N=${N}, kernel ${currentKernel().name}), ${rounds} rounds of ${iters} iterations (times: the best round), ` +
    `${numpy ? 'ours and NumPy\'s in turn' : 'no NumPy'}; epochs extrapolated to ${task.epochQuestions} questions (${itersPerEpoch} iterations):`);
  console.log(`${line('ours, 1 thread', best.one)}, last loss ${loss.toFixed(3)}`);
  if (numpy) console.log(line(`NumPy ${numpyVersion}, 1 thread`, best.numpyOne) + ` (${task.numpyWhat}, OPENBLAS/OMP/MKL_NUM_THREADS=1)`);
  if (two !== null) console.log(line(`ours, ${threads} threads`, best.two) + ' (data parallel: the batch\'s rows split between threads)');
  if (numpy) console.log(line('NumPy, default threads', best.numpyDefault) + ` (the BLAS picks its threads; ${os.availableParallelism()} cores here)`);
  if (numpy) {
    const show = (what: string, ours: number[], theirs: number[]): void => {
      const r = roundRatios(ours, theirs);
      console.log(`  ours/NumPy epoch time, ${what}: ${median(r).toFixed(2)} (median of the ${r.length} rounds' ratios; ` +
        `range ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}; best against best ${(Math.min(...ours) / Math.min(...theirs)).toFixed(2)})`);
    };
    show('one thread each', times.one, times.numpyOne);
    if (two !== null) show(`${threads} threads / NumPy's default threads`, times.two, times.numpyDefault);
  }
  if (latency) {
    // reply latency: one question, 40 generated characters, greedy
    const question = task.batch(0).xs.slice(0, 1);
    const latencies: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      one.model.generate(question, START, 40);
      latencies.push(performance.now() - t0);
      one.sample();
    }
    latencies.sort((x, y) => x - y);
    console.log(`  reply latency, 40 characters greedy: median ${latencies[3].toFixed(1)} ms (min ${latencies[0].toFixed(1)})`);
    console.log(`  peak memory: rss ${(one.peak.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(one.peak.heap / 2 ** 20).toFixed(0)} MiB`);
  }
  await one.close();
  await two?.close();
}
