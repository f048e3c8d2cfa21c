/**
 * Small helpers shared by the layers: shape checks with errors that name expected and received
 * shapes, and element-wise loops on ml-matrix's row storage (`rowsOf`, no copies).
 */
import { LoadingRandom } from '../random';
import { Matrix } from 'ml-matrix';
import { rowsOf, ShapeError } from '../matrix';

export function shapeOf(m: Matrix): string {
  return `(${m.rows}×${m.columns})`;
}

/** Throws a ShapeError unless `m` is rows×columns (`undefined` means "any"). */
export function expectShape(where: string, what: string, m: Matrix, rows: number | undefined, columns: number | undefined): void {
  if ((rows !== undefined && m.rows !== rows) || (columns !== undefined && m.columns !== columns)) {
    const want = `(${rows ?? 'any'}×${columns ?? 'any'})`;
    throw new ShapeError(`${where}: ${what} expected ${want}, got ${shapeOf(m)}`);
  }
}

/** Checks a time series is non-empty-compatible: every step N×D with the same N and D; returns [N, D]. */
export function expectSeries(where: string, what: string, xs: Matrix[], columns?: number): [number, number] {
  if (xs.length === 0) return [0, columns ?? 0];
  const N = xs[0].rows;
  const D = columns ?? xs[0].columns;
  for (let t = 0; t < xs.length; t++) {
    if (xs[t].rows !== N || xs[t].columns !== D) {
      throw new ShapeError(`${where}: ${what}[${t}] expected (${N}×${D}), got ${shapeOf(xs[t])}`);
    }
  }
  return [N, D];
}

/** Checks a batch of token ids is N rows of T ids each, all integers in [0, V); returns [N, T]. */
export function expectIds(where: string, xs: number[][], V: number): [number, number] {
  const N = xs.length;
  const T = N === 0 ? 0 : xs[0].length;
  for (let n = 0; n < N; n++) {
    const row = xs[n];
    if (row.length !== T) throw new ShapeError(`${where}: row ${n} has ${row.length} ids, expected ${T} like row 0`);
    for (let t = 0; t < T; t++) {
      const id = row[t];
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new RangeError(`${where}: id at [${n}][${t}] must be an integer in [0, ${V}), got ${id}`);
      }
    }
  }
  return [N, T];
}

/** A copy of m. (ml-matrix's `clone` copies entry by entry through a generator: far slower.) */
export function cloneMatrix(m: Matrix): Matrix {
  const out = zeros(m.rows, m.columns);
  const O = rowsOf(out);
  const M = rowsOf(m);
  for (let i = 0; i < M.length; i++) O[i].set(M[i]);
  return out;
}

/** Copies `src` into `dst` (same shape), the book's `grads[0][...] = dW`. */
export function copyInto(dst: Matrix, src: Matrix): void {
  const d = rowsOf(dst);
  const s = rowsOf(src);
  for (let i = 0; i < d.length; i++) d[i].set(s[i]);
}

export function fill(m: Matrix, value: number): void {
  for (const row of rowsOf(m)) row.fill(value);
}

/** a += b, element-wise, in place (four at a time, read into locals first: about 1.5× faster than one by one). */
export function addInPlace(a: Matrix, b: Matrix): void {
  const A = rowsOf(a);
  const B = rowsOf(b);
  for (let i = 0; i < A.length; i++) {
    const ai = A[i];
    const bi = B[i];
    const n = ai.length;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const x0 = ai[j] + bi[j];
      const x1 = ai[j + 1] + bi[j + 1];
      const x2 = ai[j + 2] + bi[j + 2];
      const x3 = ai[j + 3] + bi[j + 3];
      ai[j] = x0;
      ai[j + 1] = x1;
      ai[j + 2] = x2;
      ai[j + 3] = x3;
    }
    for (; j < n; j++) ai[j] += bi[j];
  }
}

/** Adds the 1×n row vector `b` to every row of `m`, in place (NumPy broadcasting of a bias). */
export function addRowVector(m: Matrix, b: Matrix): void {
  const bias = rowsOf(b)[0];
  for (const row of rowsOf(m)) for (let j = 0; j < row.length; j++) row[j] += bias[j];
}

/** Column sums of `m` written into the 1×n matrix `out` (db = dout.sum(axis=0)). */
export function sumRowsInto(m: Matrix, out: Matrix): void {
  const o = rowsOf(out)[0];
  o.fill(0);
  for (const row of rowsOf(m)) for (let j = 0; j < row.length; j++) o[j] += row[j];
}

/**
 * A rows×columns zero matrix whose rows share one Float64Array. ml-matrix's constructor allocates one
 * buffer per row, which dominates the layers' run time at N = 128 (each 4 KiB row is a separate
 * off-heap allocation); rows here are subarrays of a single buffer, so ml-matrix still sees a
 * Float64Array per row.
 */
export function zeros(rows: number, columns: number): Matrix {
  const buffer = new Float64Array(rows * columns);
  const data: Float64Array[] = new Array<Float64Array>(rows);
  for (let i = 0; i < rows; i++) data[i] = buffer.subarray(i * columns, (i + 1) * columns);
  return viewOfRows(data, columns);
}

/** A matrix over existing rows, without copying them: writing to it writes to the rows' owners. */
export function viewOfRows(rows: Float64Array[], columns: number): Matrix {
  const m = new Matrix(0, columns);
  const raw = m as unknown as { data: Float64Array[]; rows: number };
  raw.data = rows;
  raw.rows = rows.length;
  return m;
}

/**
 * Stacks a time series of N×D matrices into one (T·N)×D matrix, time-major (row t·N + n). A view: the
 * rows are shared with xs, not copied, so the result is for reading (products, sums).
 */
export function stackTime(xs: Matrix[], columns: number): Matrix {
  return viewOfRows(xs.flatMap(rowsOf), columns);
}

/** Inverse of stackTime: T views of N rows each over a (T·N)×D matrix (rows shared, not copied). */
export function unstackTime(m: Matrix, T: number, N: number): Matrix[] {
  const M = rowsOf(m);
  return Array.from({ length: T }, (_, t) => viewOfRows(M.slice(t * N, (t + 1) * N), m.columns));
}

/** Concatenates a and b along columns: (N×A), (N×B) → (N×(A+B)). */
export function hconcat(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new ShapeError(`hconcat: both sides need the same rows, got ${shapeOf(a)} and ${shapeOf(b)}`);
  const out = zeros(a.rows, a.columns + b.columns);
  const O = rowsOf(out);
  const A = rowsOf(a);
  const B = rowsOf(b);
  for (let n = 0; n < a.rows; n++) {
    O[n].set(A[n], 0);
    O[n].set(B[n], a.columns);
  }
  return out;
}

/** Splits columns [0, k) and [k, end): (N×(A+B)) → (N×A), (N×B). */
export function hsplit(m: Matrix, k: number): [Matrix, Matrix] {
  const a = zeros(m.rows, k);
  const b = zeros(m.rows, m.columns - k);
  const M = rowsOf(m);
  const A = rowsOf(a);
  const B = rowsOf(b);
  for (let n = 0; n < m.rows; n++) {
    A[n].set(M[n].subarray(0, k));
    B[n].set(M[n].subarray(k));
  }
  return [a, b];
}

/**
 * A rows×columns matrix with no rows yet: a network's weight before it is loaded (LoadingRandom). Reading
 * it throws; `adoptRows` gives it its rows.
 */
export function unallocated(rows: number, columns: number): Matrix {
  return viewOfRows(new Array<Float64Array>(rows), columns);
}

/**
 * Gives `m` rows [from, to) as views of `flat` (row-major, m.rows × m.columns), without copying: the
 * matrix's weights then live in `flat`. Called over consecutive ranges from 0 with the same `built`
 * array, so that a matrix of 30,000 rows gets its views in several short steps (src/chat/serialize.ts);
 * the last range hands the rows to `m`.
 */
export function adoptRows(m: Matrix, flat: Float64Array, from: number, to: number, built: Float64Array[]): void {
  const n = m.columns;
  if (flat.length !== m.rows * n) throw new ShapeError(`adoptRows: expected ${m.rows * n} values for ${shapeOf(m)}, got ${flat.length}`);
  if (built.length !== from) throw new RangeError(`adoptRows: expected the rows from ${built.length}, got from ${from}`);
  for (let r = from; r < to; r++) built.push(flat.subarray(r * n, (r + 1) * n));
  if (to === m.rows) (m as unknown as { data: Float64Array[] }).data = built;
}

/** A rows×columns matrix of N(0,1) draws times `scale` (the book's `randn(...) / s`). */
export function randn(rows: number, columns: number, scale: number, rng: { normal(): number }): Matrix {
  // a network built to load weights into: no draws, no buffer (millions of values for a large vocabulary)
  if (rng instanceof LoadingRandom) return unallocated(rows, columns);
  const m = zeros(rows, columns);
  for (const row of rowsOf(m)) for (let j = 0; j < row.length; j++) row[j] = rng.normal() * scale;
  return m;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
