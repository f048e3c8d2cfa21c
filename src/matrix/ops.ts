/**
 * The one module every matrix product goes through (STYLE habit 4).
 *
 * ml-matrix's `mmul` checks no shapes and allocates; the layers instead call `matmul`, `matmulTN`
 * and `matmulNT` here, which check shapes, name both operands in the error, and dispatch to the
 * active kernel. The WebAssembly SIMD kernels (wasmKernel.ts) are selected at import when the runtime
 * runs them, and `setKernel`/`withKernel` swap kernels without touching any layer; ml-matrix's own
 * `mmul` stays the reference the tests compare against.
 */
import { Matrix } from 'ml-matrix';
import { MatmulKernel, rowsOf, typescriptKernel } from './kernel';
import { kernelByName, selectFastestKernel } from './wasmKernel';
import type { KernelName } from './wasmModule';

export { rowsOf, typescriptKernel };
export type { MatmulKernel };

/**
 * The active kernel, chosen at import: the fastest this runtime runs (relaxed-SIMD wasm, SIMD wasm,
 * TypeScript), or the one SEQ2SEQ_KERNEL=typescript|simd|relaxed names. The wasm kernels compute in
 * float32; float64 numerical gradient checks wrap themselves in `withKernel('typescript', ...)`.
 */
let active: MatmulKernel = selectFastestKernel();

/** Replaces the kernel used by every product; returns the previous one (handy in tests). */
export function setKernel(kernel: MatmulKernel): MatmulKernel {
  const previous = active;
  active = kernel;
  return previous;
}

export function currentKernel(): MatmulKernel {
  return active;
}

/**
 * Runs `fn` with the given kernel active and restores the previous one afterwards (after the promise
 * settles when `fn` is async). Gradient checks: `withKernel('typescript', () => { ... })`.
 */
export function withKernel<T>(kernel: KernelName | MatmulKernel, fn: () => T): T {
  const previous = setKernel(typeof kernel === 'string' ? kernelByName(kernel) : kernel);
  let restoreNow = true;
  try {
    const result = fn();
    if (result instanceof Promise) {
      restoreNow = false;
      return result.finally(() => setKernel(previous)) as T;
    }
    return result;
  } finally {
    if (restoreNow) setKernel(previous);
  }
}

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

function shape(m: Matrix): string {
  return `(${m.rows}×${m.columns})`;
}

function product(a: Matrix, b: Matrix, transA: boolean, transB: boolean, op: string, out?: Matrix): Matrix {
  const m = transA ? a.columns : a.rows;
  const ka = transA ? a.rows : a.columns;
  const kb = transB ? b.columns : b.rows;
  const n = transB ? b.rows : b.columns;
  if (ka !== kb) {
    throw new ShapeError(`${op}: inner dimensions differ: a is ${shape(a)}, b is ${shape(b)} (${ka} ≠ ${kb})`);
  }
  if (out === undefined) out = new Matrix(m, n);
  else if (out.rows !== m || out.columns !== n) {
    throw new ShapeError(`${op}: out is ${shape(out)}, expected (${m}×${n})`);
  }
  if (m === 0 || n === 0) return out;
  if (ka === 0) {
    for (const row of rowsOf(out)) row.fill(0);
    return out;
  }
  active.product(a, b, transA, transB, out);
  return out;
}

/** a · b : (m×k)(k×n) → (m×n) */
export function matmul(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  return product(a, b, false, false, 'matmul', out);
}

/** aᵀ · b : (k×m)ᵀ(k×n) → (m×n), the weight-gradient form dW = xᵀ·dout */
export function matmulTN(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  return product(a, b, true, false, 'matmulTN', out);
}

/** a · bᵀ : (m×k)(n×k)ᵀ → (m×n), the input-gradient form dx = dout·Wᵀ */
export function matmulNT(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  return product(a, b, false, true, 'matmulNT', out);
}
