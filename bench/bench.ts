/**
 * `npm run bench`: speed of the matrix kernels on this model's shapes, then (when src/engine.ts is there)
 * training speed on the book's ch. 7 addition task and reply latency, and the NumPy reference
 * (bench/numpy_seq2seq.py) run on the same machine in the same run. Prints figures only, asserts nothing.
 *
 * The model is the book's PeekySeq2seq with reversed input (ch. 7.3–7.4): wordvec D = 16, hidden H = 128,
 * batch N = 128, questions of 7 chars, answers of 5 (start + 4), 45,000 questions an epoch, ~840 MFLOP of
 * matrix products per iteration (the 11 shapes below, forward and backward).
 *
 *   node out/bench/bench.js [--seconds S] [--iters N] [--rounds R] [--no-engine] [--no-numpy]
 *
 * --seconds: time per GEMM measurement (default 0.2); --iters: timed training iterations per round (default
 * 10); --rounds: rounds of the training timings — ours on one thread, NumPy on one, ours on two (data parallel),
 * NumPy on its default threads, in turn (default 9; each ratio is the median of the rounds' ratios).
 * On Node 20 the bench reruns itself with --experimental-wasm-relaxed-simd so the relaxed kernel is measured.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { Matrix } from 'ml-matrix';
import {
  availableKernels,
  createWasmCompute,
  isKernelAvailable,
  kernelByName,
  matmul,
  matmulNT,
  matmulTN,
  setKernel,
  currentKernel,
  WasmCompute,
} from '../src/matrix';
import { Random } from '../src/random';
import type { Seq2seqModel } from '../src/models/types';
import { DataParallel } from '../src/train/parallel';
import { additionBatch, CHARS, PAD_IDS, START } from './addition-batch';
import { DEEP_SHAPE, GEMM_SHAPES } from './shapes';

// ------------------------------------------------------------------------------------------- options

interface Options {
  readonly seconds: number;
  readonly iters: number;
  readonly rounds: number;
  readonly engine: boolean;
  readonly numpy: boolean;
}

function parseOptions(argv: string[]): Options {
  const number = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const value = Number(argv[i + 1]);
    if (!(value > 0)) throw new Error(`${flag}: expected a positive number, got '${argv[i + 1]}'`);
    return value;
  };
  return {
    seconds: number('--seconds', 0.2),
    iters: Math.round(number('--iters', 10)),
    rounds: Math.round(number('--rounds', 9)),
    engine: !argv.includes('--no-engine'),
    numpy: !argv.includes('--no-numpy'),
  };
}

// ------------------------------------------------------------------------------------------- GEMM


function randomMatrix(rng: Random, rows: number, columns: number): Matrix {
  const m = new Matrix(rows, columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) m.set(i, j, rng.normal());
  return m;
}

/**
 * Calls `fn` repeatedly for about `seconds` (after one warm-up call) in three windows and returns the best
 * window's calls per second: on a machine shared with other work the best window is the steadiest figure.
 */
function rate(fn: () => void, seconds: number): number {
  fn();
  let best = 0;
  for (let window = 0; window < 3; window++) {
    let calls = 0;
    const start = performance.now();
    let now = start;
    while (now - start < (seconds * 1000) / 3 || calls === 0) {
      fn();
      calls++;
      now = performance.now();
    }
    best = Math.max(best, calls / ((now - start) / 1000));
  }
  return best;
}

/**
 * GFLOP/s per product: each wasm build on float32 data already in its memory (the kernel itself, as the
 * TimeLSTM's float32 path calls it) and through `matmul` on ml-matrix float64 (what the other layers call:
 * the copies and float64↔float32 conversions included), the TypeScript kernel, ml-matrix's `mmul`, NumPy.
 */
function gemmRates(seconds: number, numpyGflops: Map<string, number> | null): void {
  const rng = new Random(1);
  const kernels = availableKernels();
  const builds = kernels.filter((k): k is 'simd' | 'relaxed' => k !== 'typescript');
  const computes = builds.map((b) => new WasmCompute(b));
  const columns = [...builds.map((b) => `${b} mem`), ...kernels.map((k) => (k === 'typescript' ? k : `${k} matmul`)), 'ml-matrix', ...(numpyGflops ? ['numpy(1 thr)'] : [])];
  console.log(`\nGFLOP/s per product, ${seconds}s each ("mem": float32 in wasm memory, the kernel as the TimeLSTM calls it; "matmul": ` +
    'through matmul on float64 ml-matrix, copies and conversions included; typescript and ml-matrix: float64)');
  console.log(`${'product'.padEnd(28)} ${'shape'.padEnd(22)} ${columns.map((c) => c.padStart(14)).join(' ')}`);
  const before = currentKernel();
  const totals = new Map<string, number>(); // seconds for one pass over the 11 shapes
  for (const shape of [...GEMM_SHAPES, DEEP_SHAPE]) {
    const { name, m, k, n, form } = shape;
    const counted = shape !== DEEP_SHAPE;
    const a = form === 'tn' ? randomMatrix(rng, k, m) : randomMatrix(rng, m, k);
    const b = form === 'nt' ? randomMatrix(rng, n, k) : randomMatrix(rng, k, n);
    const out = new Matrix(m, n);
    const flop = 2 * m * n * k;
    const product = form === 'nn' ? () => matmul(a, b, out) : form === 'tn' ? () => matmulTN(a, b, out) : () => matmulNT(a, b, out);
    const cells: string[] = [];
    const record = (column: string, gflops: number): void => {
      cells.push(gflops.toFixed(1).padStart(14));
      if (counted) totals.set(column, (totals.get(column) ?? 0) + flop / (gflops * 1e9));
    };
    builds.forEach((build, i) => {
      const g = computes[i];
      const arena = g.arena;
      arena.reset();
      const at = { a: arena.alloc(m * k * 4), b: arena.alloc(k * n * 4), c: arena.alloc(m * n * 4), work: arena.alloc(g.workBytes(n, k)) };
      const f32 = arena.f32();
      for (let j = 0; j < m * k; j++) f32[at.a / 4 + j] = rng.normal();
      for (let j = 0; j < k * n; j++) f32[at.b / 4 + j] = rng.normal();
      record(`${build} mem`, (rate(() => g.gemmWith(form === 'tn', form === 'nt', m, n, k, at.a, at.b, at.c, at.work), seconds) * flop) / 1e9);
    });
    for (const kernel of kernels) {
      setKernel(kernelByName(kernel));
      record(kernel === 'typescript' ? kernel : `${kernel} matmul`, (rate(product, seconds) * flop) / 1e9);
    }
    setKernel(before);
    // ml-matrix as a layer would use it: mmul, with an explicit transpose for the backward forms
    const mmul = form === 'nn' ? () => a.mmul(b) : form === 'tn' ? () => a.transpose().mmul(b) : () => a.mmul(b.transpose());
    record('ml-matrix', (rate(mmul, Math.min(seconds, 0.3)) * flop) / 1e9);
    if (numpyGflops) record('numpy(1 thr)', numpyGflops.get(name) ?? NaN);
    const text = `${form === 'tn' ? `(${k}×${m})ᵀ` : `(${m}×${k})`}${form === 'nt' ? `(${n}×${k})ᵀ` : `(${k}×${n})`}`;
    console.log(`${name.padEnd(28)} ${text.padEnd(22)} ${cells.join(' ')}`);
  }
  // the mix of one pass over the 11 shapes, weighted by their flop, as one figure per kernel
  const flopAll = GEMM_SHAPES.reduce((s, { m, k, n }) => s + 2 * m * n * k, 0);
  const mix = columns.map((c) => (flopAll / (totals.get(c) ?? NaN) / 1e9).toFixed(1).padStart(14));
  console.log(`${'11 shapes, flop-weighted'.padEnd(28)} ${''.padEnd(22)} ${mix.join(' ')}`);
}

// ------------------------------------------------------------------------------------------- element-wise

/**
 * The fused wasm gate math (float32, data already in wasm memory) against the same math as a plain
 * float64 TypeScript loop over ml-matrix-like rows, on one LSTM step of this model (N = 128, H = 128).
 */
function elementwiseRates(seconds: number): void {
  const g = createWasmCompute();
  if (g === null) return;
  const [N, H] = [128, 128];
  const rng = new Random(2);
  const arena = g.arena;
  arena.reset();
  const a = arena.alloc(N * 4 * H * 4);
  const b = arena.alloc(4 * H * 4);
  const c = arena.alloc(N * H * 4);
  const cNext = arena.alloc(N * H * 4);
  const hNext = arena.alloc(N * H * 4);
  const tanhC = arena.alloc(N * H * 4);
  const dA = arena.alloc(N * 4 * H * 4);
  const logits = arena.alloc(640 * 13 * 4);
  const f32 = arena.f32();
  const fill = (at: number, count: number): void => {
    for (let i = 0; i < count; i++) f32[at / 4 + i] = rng.normal();
  };
  fill(a, N * 4 * H);
  fill(b, 4 * H);
  fill(c, N * H);
  fill(logits, 640 * 13);
  // lstmForward overwrites its pre-activations with the gates, so each call restores them first (256 KB):
  // that copy is timed alone and subtracted, which also leaves `a` in cache as the GEMM before it would
  const gatesIn = new Float32Array(f32.subarray(a / 4, a / 4 + N * 4 * H));
  const restore = (): void => arena.f32().set(gatesIn, a / 4);
  const forward = (): void => {
    restore();
    g.lstmForward(a, b, c, cNext, hNext, tanhC, N, H);
  };
  const backward = (): void => g.lstmBackward(a, c, tanhC, hNext, cNext, dA, c, N, H);
  // the float64 TypeScript equivalent of lstmForward, on rows like ml-matrix's
  const A = Array.from({ length: N }, () => Float64Array.from({ length: 4 * H }, () => rng.normal()));
  const bias = Float64Array.from({ length: 4 * H }, () => rng.normal());
  const C = Array.from({ length: N }, () => Float64Array.from({ length: H }, () => rng.normal()));
  const Cn = Array.from({ length: N }, () => new Float64Array(H));
  const Hn = Array.from({ length: N }, () => new Float64Array(H));
  const G = Array.from({ length: N }, () => new Float64Array(4 * H));
  const sig = (x: number): number => 1 / (1 + Math.exp(-x));
  const forwardTs = (): void => {
    for (let r = 0; r < N; r++) {
      const ar = A[r];
      const gr = G[r];
      for (let j = 0; j < H; j++) {
        const f = sig(ar[j] + bias[j]);
        const gg = Math.tanh(ar[H + j] + bias[H + j]);
        const i = sig(ar[2 * H + j] + bias[2 * H + j]);
        const o = sig(ar[3 * H + j] + bias[3 * H + j]);
        gr[j] = f;
        gr[H + j] = gg;
        gr[2 * H + j] = i;
        gr[3 * H + j] = o;
        const cn = f * C[r][j] + gg * i;
        Cn[r][j] = cn;
        Hn[r][j] = o * Math.tanh(cn);
      }
    }
  };
  const micros = (fn: () => void): number => 1e6 / rate(fn, Math.min(seconds, 0.2));
  const us = (fn: () => void): string => micros(fn).toFixed(1).padStart(8);
  const restoreUs = micros(restore);
  const forwardUs = (micros(forward) - restoreUs).toFixed(1).padStart(8);
  console.log(`\nFused element-wise kernels (${g.name} wasm, float32, data in wasm memory), µs per call:`);
  console.log(`  LSTM gate math forward  N=${N} H=${H}: ${forwardUs}   (without the ${restoreUs.toFixed(1)} µs input restore; plain TypeScript float64 loop: ${us(forwardTs).trim()})`);
  console.log(`  LSTM gate math backward N=${N} H=${H}: ${us(backward)}`);
  console.log(`  softmax rows 640×13:                  ${us(() => g.softmaxRows(logits, logits, 640, 13))}`);
}

// ------------------------------------------------------------------------------------------- NumPy

interface NumpyTraining {
  readonly secondsPerIteration: number;
  readonly secondsPerEpoch: number;
  readonly numpy: string;
}

const numpyScript = path.resolve(__dirname, '..', '..', 'bench', 'numpy_seq2seq.py');

function hasNumpy(): boolean {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

function runNumpy(args: string[], threads: string | undefined): unknown {
  const env = { ...process.env };
  if (threads === undefined) delete env.OPENBLAS_NUM_THREADS;
  else env.OPENBLAS_NUM_THREADS = threads;
  const r = spawnSync('python3', [numpyScript, ...args], { encoding: 'utf8', env, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${numpyScript} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as unknown;
}

function numpyGemm(seconds: number): Map<string, number> {
  const result = runNumpy(['--gemm', '--seconds', String(seconds)], '1') as { gemm: { name: string; gflops: number }[] };
  return new Map(result.gemm.map((g) => [g.name, g.gflops]));
}

// ------------------------------------------------------------------------------------------- engine

/** What the bench needs from src/engine.ts (H1's API), checked at run time. */
interface EngineModel {
  readonly params: Matrix[];
  readonly grads: Matrix[];
  forward(xs: number[][], ts: number[][]): number;
  backward(dout?: number): void;
  generate(xs: number[][], startId: number, sampleSize: number): number[][];
}
interface Engine {
  createModel(kind: 'peeky', config: { vocabSize: number; wordvec: number; hidden: number; reverse: boolean }, rng: Random): EngineModel;
  Adam: new (lr?: number) => { update(params: Matrix[], grads: Matrix[]): void };
  clipGrads(grads: Matrix[], maxNorm: number): unknown;
}

function loadEngine(): Engine | string {
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


interface Trainer {
  /** Seconds per training iteration (forward, backward, clip, Adam) over `iters` iterations. */
  measure(iters: number): { perIter: number; loss: number };
  /** Reply latency and peak memory, printed. */
  report(): void;
  close(): Promise<void>;
}

/** threads > 1: data-parallel (src/train/parallel.ts), the batch's rows split across threads. */
function trainer(engine: Engine, threads = 1): Trainer | null {
  const N = 128;
  const rng = new Random(1984);
  let model: EngineModel;
  try {
    model = engine.createModel('peeky', { vocabSize: PAD_IDS + CHARS.length, wordvec: 16, hidden: 128, reverse: true }, rng);
  } catch (e) {
    console.log(`engine: createModel('peeky', ...) failed: ${(e as Error).message}`);
    return null;
  }
  const optimizer = new engine.Adam(0.001);
  const parallel = threads > 1 ? new DataParallel(model as Seq2seqModel, { threads, workerFile: path.resolve(__dirname, '..', 'src', 'worker', 'trainWorker.js') }) : null;
  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const u = process.memoryUsage();
    peakRss = Math.max(peakRss, u.rss);
    peakHeap = Math.max(peakHeap, u.heapUsed);
  };
  const step = (): number => {
    const { xs, ts } = additionBatch(rng, N);
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
      const start = performance.now();
      let loss = 0;
      for (let i = 0; i < iters; i++) loss = step();
      return { perIter: (performance.now() - start) / 1000 / iters, loss };
    },
    report() {
      // reply latency: one question, 40 generated characters, greedy
      const question = additionBatch(rng, 1).xs;
      const latencies: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        model.generate(question, START, 40);
        latencies.push(performance.now() - t0);
        sample();
      }
      latencies.sort((x, y) => x - y);
      console.log(`  reply latency, 40 characters greedy: median ${latencies[3].toFixed(1)} ms (min ${latencies[0].toFixed(1)})`);
      console.log(`  peak memory: rss ${(peakRss / 2 ** 20).toFixed(0)} MiB, heap used ${(peakHeap / 2 ** 20).toFixed(0)} MiB`);
    },
    close: async () => parallel?.close(),
  };
}

/**
 * Training speed, ours and NumPy's side by side: `rounds` rounds, each timing `iters` iterations of ours on
 * one thread, NumPy's on one BLAS thread, ours on two threads (data parallel) and NumPy's with its default
 * BLAS threads, in turn, so that all four see the same load; the best round of each is compared.
 */
async function trainingFigures(engine: Engine, iters: number, rounds: number, numpy: boolean): Promise<void> {
  const N = 128;
  const epochQuestions = 45000;
  const itersPerEpoch = Math.floor(epochQuestions / N); // 351, the book's max_iters
  const threads = Math.min(2, os.availableParallelism());
  const one = trainer(engine);
  const two = threads > 1 ? trainer(engine, threads) : null;
  if (one === null) return;
  const times = { one: [] as number[], two: [] as number[], numpyOne: [] as number[], numpyDefault: [] as number[] };
  let loss = NaN;
  let numpyVersion = '';
  for (let r = 0; r < rounds; r++) {
    const m = one.measure(iters);
    times.one.push(m.perIter);
    loss = m.loss;
    if (numpy) {
      const n = runNumpy(['--iters', String(iters), '--warmup', '2'], '1') as NumpyTraining;
      times.numpyOne.push(n.secondsPerIteration);
      numpyVersion = n.numpy;
    }
    if (two !== null) times.two.push(two.measure(iters).perIter);
    if (numpy) times.numpyDefault.push((runNumpy(['--iters', String(iters), '--warmup', '2'], undefined) as NumpyTraining).secondsPerIteration);
  }
  const best = { one: Math.min(...times.one), two: Math.min(...times.two), numpyOne: Math.min(...times.numpyOne), numpyDefault: Math.min(...times.numpyDefault) };
  // The machine's speed drifts (other tenants, clocks) by ±20 % over seconds, for both programs alike: the
  // ratio within each round, timed back to back, is steadier than the ratio of two bests.
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const roundRatios = (a: number[], b: number[]): number[] => a.map((x, i) => x / b[i]);
  const line = (what: string, perIter: number): string =>
    `  ${(what + ':').padEnd(26)} ${(perIter * 1000).toFixed(1)} ms/iteration, ${(N / perIter).toFixed(0)} samples/s, ${(perIter * itersPerEpoch).toFixed(1)} s/epoch`;
  console.log(`\nTraining (PeekySeq2seq, reverse, D=16, H=128, N=${N}, kernel ${currentKernel().name}), ${rounds} rounds of ${iters} iterations (times: the best round), ` +
    `${numpy ? 'ours and NumPy\'s in turn' : 'no NumPy'}; epochs extrapolated to ${epochQuestions} questions (${itersPerEpoch} iterations):`);
  console.log(`${line('ours, 1 thread', best.one)}, last loss ${loss.toFixed(3)}`);
  if (numpy) console.log(line(`NumPy ${numpyVersion}, 1 thread`, best.numpyOne) + ' (bench/numpy_seq2seq.py, float32, OPENBLAS_NUM_THREADS=1)');
  if (two !== null) console.log(line(`ours, ${threads} threads`, best.two) + ' (data parallel: the batch\'s rows split between threads)');
  if (numpy) console.log(line('NumPy, default threads', best.numpyDefault) + ` (OpenBLAS picks its threads; ${os.availableParallelism()} cores here)`);
  if (numpy) {
    const show = (what: string, ours: number[], theirs: number[]): void => {
      const r = roundRatios(ours, theirs);
      console.log(`  ours/NumPy epoch time, ${what}: ${median(r).toFixed(2)} (median of the ${r.length} rounds' ratios; ` +
        `range ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}; best against best ${(Math.min(...ours) / Math.min(...theirs)).toFixed(2)})`);
    };
    show('one thread each', times.one, times.numpyOne);
    if (two !== null) show(`${threads} threads / NumPy's default threads`, times.two, times.numpyDefault);
  }
  one.report();
  await one.close();
  await two?.close();
}

// ------------------------------------------------------------------------------------------- main

function loadLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, load average ${os.loadavg()[0].toFixed(1)}`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  console.log(`Node ${process.version}, kernels available: ${availableKernels().join(', ')} (active: ${currentKernel().name})`);
  console.log(`${loadLine()} (figures from a machine busy with other work are lower and noisier)`);
  const numpy = options.numpy && hasNumpy();
  if (!numpy) console.log(options.numpy ? 'NumPy is absent (python3 -c "import numpy" failed): no NumPy reference.' : 'NumPy skipped (--no-numpy).');

  gemmRates(options.seconds, numpy ? numpyGemm(Math.min(options.seconds, 0.2)) : null);
  elementwiseRates(options.seconds);

  if (options.engine) {
    const engine = loadEngine();
    if (typeof engine === 'string') console.log(`\nTraining figures skipped: ${engine}.`);
    else await trainingFigures(engine, options.iters, options.rounds, numpy);
  }
  console.log(`\nAt the end: ${loadLine()}`);
}

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
if (!isKernelAvailable('relaxed') && process.versions.node.startsWith('20.') && !process.execArgv.includes(RELAXED_FLAG) && !process.env.SEQ2SEQ_BENCH_CHILD) {
  // Node 20 runs relaxed SIMD only behind a flag: rerun with it so all kernels are measured
  const r = spawnSync(process.execPath, [...process.execArgv, RELAXED_FLAG, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, SEQ2SEQ_BENCH_CHILD: '1' },
  });
  process.exitCode = r.status ?? 1;
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
