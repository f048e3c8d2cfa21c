/** Gradient clipping by global norm (book ch. 5.5.3 `common/util.py` clip_grads). */
import type { Matrix } from 'ml-matrix';
import { rowsOf } from '../matrix';

/** Σ of squares over every gradient, square-rooted. */
export function globalNorm(grads: Matrix[]): number {
  let sum = 0;
  for (const g of grads) for (const row of rowsOf(g)) for (let j = 0; j < row.length; j++) sum += row[j] * row[j];
  return Math.sqrt(sum);
}

/**
 * Scales every gradient in place by maxNorm/(‖g‖+1e-6) when that is below 1; returns the norm before
 * clipping (NaN or Infinity tells the caller training has diverged).
 */
export function clipGrads(grads: Matrix[], maxNorm = 5.0): number {
  const total = globalNorm(grads);
  const rate = maxNorm / (total + 1e-6);
  if (rate < 1) {
    for (const g of grads) for (const row of rowsOf(g)) for (let j = 0; j < row.length; j++) row[j] *= rate;
  }
  return total;
}
