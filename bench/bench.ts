/**
 * `npm run bench`: speed of the matrix kernels on this model's shapes, then (when src/engine.ts is there)
 * training speed on the book's ch. 7 addition task and reply latency, and on the ch. 8 date task (attention),
 * each beside its NumPy reference (bench/numpy_seq2seq.py; the book's own code for attention) run on the same
 * machine in the same run (bench/training-bench.ts). Prints figures only, asserts nothing.
 *
 * The model is the book's PeekySeq2seq with reversed input (ch. 7.3–7.4): wordvec D = 16, hidden H = 128,
 * batch N = 128, questions of 7 chars, answers of 5 (start + 4), 45,000 questions an epoch, ~840 MFLOP of
 * matrix products per iteration (the 11 shapes below, forward and backward).
 *
 *   node out/bench/bench.js [--seconds S] [--iters N] [--rounds R] [--no-engine] [--no-numpy]
 *                           [--only gemm,ch7,attention] [--attention-iters N] [--attention-rounds R] [--book DIR]
 *
 * --seconds: time per GEMM measurement (default 0.2); --iters: timed training iterations per round (default
 * 10); --rounds: rounds of the training timings — ours on one thread, NumPy on one, ours on two (data parallel),
 * NumPy on its default threads, in turn (default 9; each ratio is the median of the rounds' ratios).
 * --only: the sections to run (default all three); --attention-iters/--attention-rounds: the same for the date
 * task (default 4 rounds of 25 iterations, 100 each); --book (or SEQ2SEQ_BOOK_DIR): a checkout of
 * oreilly-japan/deep-learning-from-scratch-2, whose ch08 code bench/book_attention.py times (without it, ours only).
 * On Node 20 the bench reruns itself with --experimental-wasm-relaxed-simd so the relaxed kernel is measured.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
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
  withKernel,
} from '../src/matrix';
import type { KernelName } from '../src/matrix';
import { TimeAttention } from '../src/layers/attention';
import { Random } from '../src/random';
import { hasNumpy, numpyGemm } from './numpy-runner';
import { DEEP_SHAPE, GEMM_SHAPES } from './shapes';
import { additionTask, dateTask, loadEngine, trainingFigures } from './training-bench';

// ------------------------------------------------------------------------------------------- options

interface Options {
  readonly seconds: number;
  readonly iters: number;
  readonly rounds: number;
  readonly engine: boolean;
  readonly numpy: boolean;
  /** Sections to run: gemm (GEMM and element-wise tables), ch7 (addition training), attention (date task). */
  readonly only: ReadonlySet<string>;
  readonly attentionIters: number;
  readonly attentionRounds: number;
  /** A checkout of the book's repository (oreilly-japan/deep-learning-from-scratch-2), for the attention reference. */
  readonly book: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const number = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const value = Number(argv[i + 1]);
    if (!(value > 0)) throw new Error(`${flag}: expected a positive number, got '${argv[i + 1]}'`);
    return value;
  };
  const text = (flag: string, fallback: string): string => {
    const i = argv.indexOf(flag);
    return i < 0 ? fallback : (argv[i + 1] ?? '');
  };
  return {
    seconds: number('--seconds', 0.2),
    iters: Math.round(number('--iters', 10)),
    rounds: Math.round(number('--rounds', 9)),
    engine: !argv.includes('--no-engine'),
    numpy: !argv.includes('--no-numpy'),
    only: new Set(text('--only', 'gemm,ch7,attention').split(',')),
    attentionIters: Math.round(number('--attention-iters', 25)),
    attentionRounds: Math.round(number('--attention-rounds', 4)),
    book: text('--book', process.env.SEQ2SEQ_BOOK_DIR ?? '') || undefined,
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

/**
 * TimeAttention forward + backward on the date task's shapes (Te 29 encoder steps, Td 10 decoder steps, N 128,
 * H 256): the float64 layers (what ran before issue #11, still the path under the TypeScript kernel) against
 * the float32 wasm path, the ml-matrix copies in and out included.
 */
function attentionRates(seconds: number): void {
  const build = availableKernels()[0];
  if (build === 'typescript') return;
  const [Te, Td, N, H] = [29, 10, 128, 256];
  const rng = new Random(3);
  const series = (T: number): Matrix[] => Array.from({ length: T }, () => randomMatrix(rng, N, H).mul(0.3));
  const [enc, dec, dout] = [series(Te), series(Td), series(Td)];
  const layer = new TimeAttention();
  const run = (): void => {
    layer.forward(enc, dec);
    layer.backward(dout);
  };
  const ms = (kernel: KernelName): number => withKernel(kernel, () => 1000 / rate(run, Math.max(seconds, 0.6)));
  const [f64, f32] = [ms('typescript'), ms(build)];
  console.log(`\nTimeAttention forward + backward, Te=${Te} Td=${Td} N=${N} H=${H}: float64 layers ${f64.toFixed(1)} ms, ` +
    `${build} wasm ${f32.toFixed(1)} ms (${(f64 / f32).toFixed(1)}× faster; copies to and from ml-matrix included)`);
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

  if (options.only.has('gemm')) {
    gemmRates(options.seconds, numpy ? numpyGemm(Math.min(options.seconds, 0.2)) : null);
    elementwiseRates(options.seconds);
    attentionRates(options.seconds);
  }

  if (options.engine) {
    const engine = loadEngine();
    if (typeof engine === 'string') console.log(`\nTraining figures skipped: ${engine}.`);
    else {
      if (options.only.has('ch7')) await trainingFigures(engine, additionTask(), options.iters, options.rounds, numpy, true);
      if (options.only.has('attention')) {
        if (options.book === undefined) {
          console.log('\nAttention on the date task: no NumPy reference without the book\'s code (--book DIR or SEQ2SEQ_BOOK_DIR: a checkout of ' +
            'https://github.com/oreilly-japan/deep-learning-from-scratch-2); ours alone:');
        }
        await trainingFigures(engine, dateTask(options.book ?? ''), options.attentionIters, options.attentionRounds, numpy && options.book !== undefined, false);
      }
    }
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
