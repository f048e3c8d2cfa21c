/**
 * Runs the NumPy references of `npm run bench` as child processes: bench/numpy_seq2seq.py (a port of the
 * book's ch. 7 PeekySeq2seq, and the GEMM rates) and bench/book_attention.py (the book's own ch. 8 code,
 * imported from a checkout of its repository). Each prints one JSON line, the last of its stdout.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The Python scripts, in the source tree (the bench runs from out/bench/). */
export const NUMPY_SEQ2SEQ = path.resolve(__dirname, '..', '..', 'bench', 'numpy_seq2seq.py');
export const BOOK_ATTENTION = path.resolve(__dirname, '..', '..', 'bench', 'book_attention.py');

/** What a training timing prints. */
export interface NumpyTraining {
  readonly secondsPerIteration: number;
  readonly numpy: string;
}

export function hasNumpy(): boolean {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

/** The variables that set NumPy's BLAS threads (OpenBLAS, OpenMP, MKL): all set for one thread, all unset for its default. */
const BLAS_THREAD_VARS = ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'];

/**
 * Runs `script` with `args` (and `input` on stdin) and returns its last stdout line parsed as JSON.
 * threads '1': every BLAS thread variable set to 1; undefined: all unset, so the BLAS picks its own.
 */
export function runNumpy(args: string[], threads: string | undefined, script = NUMPY_SEQ2SEQ, input?: string): unknown {
  const env = { ...process.env };
  for (const name of BLAS_THREAD_VARS) {
    if (threads === undefined) delete env[name];
    else env[name] = threads;
  }
  const r = spawnSync('python3', [script, ...args], { encoding: 'utf8', env, timeout: 600_000, input, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as unknown;
}

/** GFLOP/s of NumPy (one thread) on the model's product shapes, by shape name. */
export function numpyGemm(seconds: number): Map<string, number> {
  const result = runNumpy(['--gemm', '--seconds', String(seconds)], '1') as { gemm: { name: string; gflops: number }[] };
  return new Map(result.gemm.map((g) => [g.name, g.gflops]));
}
