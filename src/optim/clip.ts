/** Gradient clipping by global norm (book ch. 5.5.3 `common/util.py` clip_grads). */
import type { Matrix } from 'ml-matrix';
import { rowsOf } from '../matrix';
import { gradsInWasm, type WasmGrads } from './adam';

/**
 * Σ of squares over every gradient, square-rooted. Gradients an Adam holds in its wasm memory are summed
 * there in one SIMD pass (in another order: the norm can differ in its last bit).
 */
export function globalNorm(grads: Matrix[]): number {
  return normOf(grads, gradsInWasm(grads));
}

function normOf(grads: Matrix[], wasm: WasmGrads | null): number {
  if (wasm !== null) return Math.sqrt(wasm.sumSquares());
  let sum = 0;
  for (const g of grads) for (const row of rowsOf(g)) sum += sumSquares(row);
  return Math.sqrt(sum);
}

/** Σ row[j]², in four running sums: one sum waits on each add in turn, four overlap (about 3× faster). */
function sumSquares(row: Float64Array): number {
  const n = row.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const a = row[j];
    const b = row[j + 1];
    const c = row[j + 2];
    const d = row[j + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; j < n; j++) s0 += row[j] * row[j];
  return s0 + s1 + (s2 + s3);
}

/**
 * Scales every gradient in place by maxNorm/(‖g‖+1e-6) when that is below 1; returns the norm before
 * clipping (NaN or Infinity tells the caller training has diverged).
 */
export function clipGrads(grads: Matrix[], maxNorm = 5.0): number {
  const wasm = gradsInWasm(grads);
  const total = normOf(grads, wasm);
  const rate = maxNorm / (total + 1e-6);
  if (rate < 1) {
    if (wasm !== null) wasm.scale(rate);
    else for (const g of grads) for (const row of rowsOf(g)) for (let j = 0; j < row.length; j++) row[j] *= rate;
  }
  return total;
}
