/**
 * The one module every matrix product goes through (STYLE habit 4).
 *
 * ml-matrix's `mmul` checks no shapes and allocates; the layers instead call `matmul`, `matmulTN`
 * and `matmulNT` here, which check shapes, name both operands in the error, and dispatch to the
 * active kernel. A faster kernel (WebAssembly SIMD, see issue 4) is swapped in with `setKernel`
 * without touching any layer; ml-matrix's own `mmul` stays the reference the tests compare against.
 */
import { Matrix } from 'ml-matrix';

/** ml-matrix keeps a dense matrix as one Float64Array per row; this reads that storage without a copy. */
export function rowsOf(m: Matrix): Float64Array[] {
  return (m as unknown as { data: Float64Array[] }).data;
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

/** Plain TypeScript kernel on ml-matrix's row storage (i-k-j loop order, so the inner loop is contiguous). */
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

let active: MatmulKernel = typescriptKernel;

/** Replaces the kernel used by every product; returns the previous one (handy in tests). */
export function setKernel(kernel: MatmulKernel): MatmulKernel {
  const previous = active;
  active = kernel;
  return previous;
}

export function currentKernel(): MatmulKernel {
  return active;
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
