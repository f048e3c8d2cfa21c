/**
 * Numerical gradient checks (central differences, float64), the test every layer and model gets
 * (STYLE habit 7). `loss` must recompute the forward pass from the current parameter values.
 *
 * The default matrix kernel may compute in float32 (WebAssembly SIMD); central differences need float64,
 * so `gradientError` runs on the plain TypeScript kernel and restores the previous one afterwards.
 */
import { Matrix } from 'ml-matrix';
import { rowsOf, setKernel, typescriptKernel } from '../../../src/matrix';
import { Random } from '../../../src/random';

/** dL/dp for every entry of `param`, by (L(p+ε) − L(p−ε)) / 2ε. */
export function numericalGradient(loss: () => number, param: Matrix, eps = 1e-5): Matrix {
  const grad = new Matrix(param.rows, param.columns);
  const P = rowsOf(param);
  const G = rowsOf(grad);
  for (let i = 0; i < param.rows; i++) {
    for (let j = 0; j < param.columns; j++) {
      const old = P[i][j];
      P[i][j] = old + eps;
      const plus = loss();
      P[i][j] = old - eps;
      const minus = loss();
      P[i][j] = old;
      G[i][j] = (plus - minus) / (2 * eps);
    }
  }
  return grad;
}

/**
 * The worst per-entry error |a − n| / max(|a| + |n|, floor) over all entries: relative where the
 * gradient is sizable, absolute (scaled by 1/floor) near zero, so tiny entries do not dominate.
 */
export function maxRelativeError(analytic: Matrix, numeric: Matrix, floor = 1e-4): number {
  const A = rowsOf(analytic);
  const Nm = rowsOf(numeric);
  let worst = 0;
  for (let i = 0; i < analytic.rows; i++) {
    for (let j = 0; j < analytic.columns; j++) {
      const a = A[i][j];
      const n = Nm[i][j];
      const err = Math.abs(a - n) / Math.max(Math.abs(a) + Math.abs(n), floor);
      if (err > worst) worst = err;
    }
  }
  return worst;
}

/**
 * Checks the analytic gradients of `inputs` against numerical ones: `run` does forward + backward and
 * returns the loss along with the analytic gradient for each input (same order). Returns the worst error.
 */
export function gradientError(run: () => { loss: number; grads: Matrix[] }, inputs: Matrix[], eps = 1e-5): number {
  const previous = setKernel(typescriptKernel);
  try {
    const analytic = run().grads.map((g) => g.clone());
    let worst = 0;
    inputs.forEach((p, k) => {
      const numeric = numericalGradient(() => run().loss, p, eps);
      worst = Math.max(worst, maxRelativeError(analytic[k], numeric));
    });
    return worst;
  } finally {
    setKernel(previous);
  }
}

/** The largest |a − b| over two matrices of the same shape (float32 paths against float64 ones). */
export function maxAbsDiff(a: Matrix, b: Matrix): number {
  if (a.rows !== b.rows || a.columns !== b.columns) throw new Error(`maxAbsDiff: shapes differ, (${a.rows}×${a.columns}) and (${b.rows}×${b.columns})`);
  const A = rowsOf(a);
  const B = rowsOf(b);
  let worst = 0;
  for (let i = 0; i < A.length; i++) for (let j = 0; j < A[i].length; j++) worst = Math.max(worst, Math.abs(A[i][j] - B[i][j]));
  return worst;
}

/** A matrix of N(0, scale²) entries from a seeded generator. */
export function randomMatrix(rng: Random, rows: number, columns: number, scale = 1): Matrix {
  const m = new Matrix(rows, columns);
  for (const row of rowsOf(m)) for (let j = 0; j < row.length; j++) row[j] = rng.normal() * scale;
  return m;
}

/** Σ x ⊙ r: a scalar loss whose gradient with respect to x is r. */
export function dot(x: Matrix, r: Matrix): number {
  const X = rowsOf(x);
  const R = rowsOf(r);
  let s = 0;
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.columns; j++) s += X[i][j] * R[i][j];
  return s;
}
