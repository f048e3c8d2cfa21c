/**
 * The kernel seam of the matrix module: ml-matrix's row storage, the `MatmulKernel` interface and the
 * plain TypeScript kernel (float64, the reference the gradient checks use).
 *
 * Kept apart from ops.ts so that wasmKernel.ts can build on it and ops.ts can pick a kernel at import
 * without an import cycle.
 */
import { Matrix } from 'ml-matrix';

/** ml-matrix keeps a dense matrix as one Float64Array per row; this reads that storage without a copy. */
export function rowsOf(m: Matrix): Float64Array[] {
  return (m as unknown as { data: Float64Array[] }).data;
}

/**
 * Whether the matrices hold exactly these row arrays, by identity (`views[i]` the rows of `ms[i]` as someone
 * made them): code that keeps rows as views of its own memory (the optimizer's wasm memory, a worker's shared
 * memory) checks with it that nothing swapped a row or a matrix since. Faster than reading each row's buffer.
 */
export function sameRows(ms: readonly Matrix[], views: readonly (readonly Float64Array[])[]): boolean {
  if (ms.length !== views.length) return false;
  for (let i = 0; i < ms.length; i++) {
    const R = rowsOf(ms[i]);
    const V = views[i];
    if (R.length !== V.length) return false;
    for (let r = 0; r < R.length; r++) if (R[r] !== V[r]) return false;
  }
  return true;
}

/** A matrix-product implementation. Shapes are already checked when `product` is called. */
export interface MatmulKernel {
  readonly name: string;
  /**
   * out = op(a) · op(b), where op(x) is x or xᵀ as `transA`/`transB` say.
   * `out` has the result's shape and is overwritten.
   */
  product(a: Matrix, b: Matrix, transA: boolean, transB: boolean, out: Matrix): void;
}

/**
 * Plain TypeScript kernel on ml-matrix's row storage (i-k-j loop order, so the inner loop is contiguous).
 * Float64 throughout: the kernel numerical gradient checks need. About 1–4 GFLOP/s.
 */
export const typescriptKernel: MatmulKernel = {
  name: 'typescript',
  product(a, b, transA, transB, out) {
    const A = rowsOf(a);
    const B = rowsOf(b);
    const C = rowsOf(out);
    const m = out.rows;
    const n = out.columns;
    const k = transA ? a.rows : a.columns;
    for (let i = 0; i < m; i++) C[i].fill(0);
    if (!transB) {
      for (let i = 0; i < m; i++) {
        const ci = C[i];
        for (let p = 0; p < k; p++) {
          const aip = transA ? A[p][i] : A[i][p];
          if (aip === 0) continue;
          const bp = B[p];
          for (let j = 0; j < n; j++) ci[j] += aip * bp[j];
        }
      }
    } else {
      for (let i = 0; i < m; i++) {
        const ci = C[i];
        for (let j = 0; j < n; j++) {
          const bj = B[j];
          let s = 0;
          if (transA) for (let p = 0; p < k; p++) s += A[p][i] * bj[p];
          else {
            const ai = A[i];
            for (let p = 0; p < k; p++) s += ai[p] * bj[p];
          }
          ci[j] = s;
        }
      }
    }
  },
};
