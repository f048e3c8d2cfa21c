/**
 * Float32 GEMM kernels in AssemblyScript, compiled twice by scripts/build-wasm.js (entry index.ts): once with SIMD
 * (multiply then add) and once with relaxed SIMD (fused multiply-add, `f32x4.relaxed_madd`).
 *
 *   C (m×n) = op(A) (m×k) · op(B) (k×n)   or, accumulating,   C += op(A)·op(B),   op(X) = X or Xᵀ
 *
 * All matrices are dense row-major float32 at byte addresses in this module's memory; A is stored as
 * m×k (or k×m when transposed), B as k×n (or n×k). The caller (src/matrix/wasmModule.ts) owns the memory
 * layout and grows the memory; this module never allocates.
 *
 * Method (the Goto/BLIS structure, reduced to what these small shapes need):
 *  1. pack op(B) into column panels of 8 floats, k rows each, zero-padded past n, so that the inner loop
 *     reads B contiguously whatever the transposition (pack.ts; Bᵀ is turned 4×4 at a time with shuffles).
 *     `packB` exposes this step so that a caller multiplying by the same B many times (an LSTM's Wh over
 *     T steps) packs it once and calls `gemmPacked`;
 *  2. cut k into equal blocks of at most KC and op(A) into blocks of rows that fit the A scratch (192 KiB of
 *     the 512 KiB L2), and pack each A block into micro-panels of MR = 4 rows interleaved (4 floats per p),
 *     zero-padded past m. This is where Aᵀ is handled: read in place with a stride of m floats, the rows of
 *     Aᵀ fall into few L1 sets (m = 128: every 8th) and TN products ran 20 % slower than NN; and a deep k
 *     (T·N = 896) keeps its A block in L2 instead of streaming all of A once per B panel (it ran at half speed);
 *  3. for each B panel (KC×8, in L1) sweep the A micro-panels with a 4×8 register block: 8 v128 accumulators
 *     over the whole k block. Bigger blocks do not pay under V8 (measured): TurboFan issues every load of an
 *     iteration before its multiply-adds, so accumulators + B vectors + A broadcasts must fit the 15 xmm
 *     registers it allocates (8 + 2 + 4 here; a 6×8 block needs 20 and spills, as does unrolling k ×2), and
 *     a broadcast with a constant offset (`load32_splat(pa, 4)`) gets its base address hoisted into a register
 *     of its own, so the offsets are added to the index instead. Rows past the last multiple of 4 use the same
 *     kernel specialised to 1..3 rows; columns past n in the last panel are not stored. The first k block
 *     stores C (or adds to it when accumulating), later blocks add to it;
 *  4. A is read in place (4×8 and 1×8 kernels over strided rows) where packing it would cost more than it
 *     saves: m ≤ 4 rows with B not transposed (decoding one reply; B is then read in place too), and n ≤ 16
 *     columns (each element of A is used by one or two panels; measured on (640×256)ᵀ(640×13): +10–20 %).
 * `gemm64` wraps `gemm` for ml-matrix's float64 storage: the caller copies float64 rows in unchanged (a
 * plain memory copy in JS), `demote`/`promote` convert inside wasm with SIMD.
 */

import { MR, packA, packPanels } from './pack';

/** Most depth of one k block: a KC×8 panel of B (8 KiB) stays in L1 while the A block is swept. */
const KC = 256;
/** Bytes of the packed A block: MC·KC floats with MC = 192 rows (48 micro-panels of 4), 192 KiB of the L2. */
const A_SCRATCH: i32 = 192 * KC * 4;

// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  // a·b + c; the relaxed build fuses it (one rounding), the plain build rounds twice.
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Bytes of op(B) (k×n) packed by `packB`: ⌈n/8⌉ panels of k rows of 8 floats. */
export function packedBytes(n: i32, k: i32): i32 {
  return ((n + 7) >> 3) * k * 32;
}

/** Bytes of scratch `gemmPacked` needs whatever the shape: the packed A block and 32 bytes for a tail store. */
export function packedWorkBytes(): i32 {
  return A_SCRATCH + 32;
}

/**
 * Bytes of scratch `gemm` needs for given n, k: one k block of packed op(B), then `gemmPacked`'s scratch
 * (and at least k rows of 8 floats and a tail store, for the few-rows path's partial panel).
 * The block is counted at min(k, KC) rows, an upper bound of its depth, so that the figure never shrinks
 * as k grows: callers size scratch once for their deepest product (3584 = 14 × 256 needs more than
 * 3712 = 15 × 248 would with the exact depth).
 */
export function workBytes(n: i32, k: i32): i32 {
  return max(packedBytes(n, min(k, KC)) + packedWorkBytes(), k * 32 + 32);
}

/** Lowest address the caller may use (above this module's static data). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/**
 * Packs op(B) (k×n) into `packed` (packedBytes(n, k) bytes, 16-byte aligned): panel q holds columns
 * 8q..8q+7 as k consecutive rows of 8 floats, zero past n. B is stored k×n, or n×k when transB.
 */
export function packB(transB: i32, n: i32, k: i32, b: usize, packed: usize): void {
  if (transB) packPanels(b, 1, k, k, n, packed);
  else packPanels(b, n, 1, k, n, packed);
}

// @ts-ignore: decorator
@inline
function storeRow(c: usize, v0: v128, v1: v128, width: i32, acc: bool, tmp: usize): void {
  if (width == 8) {
    if (acc) {
      v0 = f32x4.add(v128.load(c), v0);
      v1 = f32x4.add(v128.load(c, 16), v1);
    }
    v128.store(c, v0);
    v128.store(c, v1, 16);
  } else {
    v128.store(tmp, v0);
    v128.store(tmp, v1, 16);
    for (let j = 0; j < width; j++) {
      const at = c + (<usize>j << 2);
      const v = load<f32>(tmp + (<usize>j << 2));
      store<f32>(at, acc ? load<f32>(at) + v : v);
    }
  }
}

/**
 * C[0..R)[0..8) = (or +=, with acc) Σ_p A[p][0..R)·B[p][0..8) over kc steps: pa a micro-panel of A (4 floats
 * per p, rows past R ignored), pb a packed panel of B (8 floats per p). R (1..4) is a constant at each call
 * site, so inlining leaves one specialised kernel per R with only its 2R accumulators.
 */
// @ts-ignore: decorator
@inline
function kernel(R: i32, pa: usize, pb: usize, kc: i32, pc: usize, rowC: usize, width: i32, acc: bool, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = pb + (<usize>kc << 5); // the loop runs on pb alone: one add and one compare an iteration
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    // pa + 4r, not load32_splat(pa, 4r): V8 11 hoists memory base + 4r of the latter into a register each
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    if (R > 1) {
      a = v128.load32_splat(pa + 4);
      c10 = madd(a, b0, c10);
      c11 = madd(a, b1, c11);
    }
    if (R > 2) {
      a = v128.load32_splat(pa + 8);
      c20 = madd(a, b0, c20);
      c21 = madd(a, b1, c21);
    }
    if (R > 3) {
      a = v128.load32_splat(pa + 12);
      c30 = madd(a, b0, c30);
      c31 = madd(a, b1, c31);
    }
    pa += MR * 4;
    pb += 32;
  }
  storeRow(pc, c00, c01, width, acc, tmp);
  if (R > 1) storeRow(pc + rowC, c10, c11, width, acc, tmp);
  if (R > 2) storeRow(pc + 2 * rowC, c20, c21, width, acc, tmp);
  if (R > 3) storeRow(pc + 3 * rowC, c30, c31, width, acc, tmp);
}

/** Depth of each k block: k cut into equal blocks of at most KC (896 = 4 × 224, not 3 × 256 + 128). */
// @ts-ignore: decorator
@inline
function blockDepth(k: i32): i32 {
  if (k <= 0) return 0;
  const blocks = (k + KC - 1) / KC;
  return (k + blocks - 1) / blocks;
}

/**
 * C (+)= op(A)[·][p0..p0+kc) · op(B)[p0..p0+kc)[·]: one k block. Panel q of this block of op(B) is packed at
 * pb + q·panelBytes (kc rows of 8 floats). work: the A scratch, then 32 bytes for a tail store.
 */
function gemmBlock(transA: i32, m: i32, n: i32, k: i32, a: usize, p0: i32, kc: i32, pb: usize, panelBytes: usize, c: usize, work: usize, acc: bool): void {
  const tmp = work + A_SCRATCH;
  const rowC = <usize>n << 2;
  const panels = (n + 7) >> 3;
  if (panels <= 2) {
    // one or two panels: each row of A is read once or twice, so packing it would cost more than it saves
    const at = a + (<usize>(transA ? p0 * m : p0) << 2);
    stridedA(m, n, kc, at, transA ? 1 : k, transA ? m : 1, pb, 32, <i32>(panelBytes >> 2), pb + <usize>(panels - 1) * panelBytes, c, tmp, acc);
    return;
  }
  const mcMax = (A_SCRATCH / (kc * MR * 4)) * MR; // rows of A the scratch holds at this depth
  for (let i0 = 0; i0 < m; i0 += mcMax) {
    const mc = min(mcMax, m - i0);
    packA(transA, m, k, a, i0, mc, p0, kc, work);
    const m4 = mc & ~3;
    const rest = mc - m4;
    for (let q = 0; q < panels; q++) {
      const j0 = q << 3;
      const width = min(8, n - j0);
      const panel = pb + <usize>q * panelBytes;
      const pc = c + <usize>i0 * rowC + (<usize>j0 << 2);
      let pa = work;
      for (let i = 0; i < m4; i += MR) {
        kernel(4, pa, panel, kc, pc + <usize>i * rowC, rowC, width, acc, tmp);
        pa += <usize>kc * (MR * 4);
      }
      const pr = pc + <usize>m4 * rowC;
      if (rest == 3) kernel(3, pa, panel, kc, pr, rowC, width, acc, tmp);
      else if (rest == 2) kernel(2, pa, panel, kc, pr, rowC, width, acc, tmp);
      else if (rest == 1) kernel(1, pa, panel, kc, pr, rowC, width, acc, tmp);
    }
  }
}

/**
 * C = op(A)·op(B), or C += op(A)·op(B) when `accumulate`, with op(B) packed by `packB(transB, n, k, …)`.
 * transA: 0 or 1; a, c: byte addresses of float32 data; work: 16-byte-aligned scratch of packedWorkBytes().
 * C must not overlap A, packed or work.
 */
export function gemmPacked(transA: i32, m: i32, n: i32, k: i32, a: usize, packed: usize, c: usize, work: usize, accumulate: i32): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) memory.fill(c, 0, <usize>m * n * 4);
    return;
  }
  const kc0 = blockDepth(k);
  for (let p0 = 0; p0 < k; p0 += kc0) {
    // the first block stores (or accumulates, as asked), later ones add
    gemmBlock(transA, m, n, k, a, p0, min(kc0, k - p0), packed + (<usize>p0 << 5), <usize>k << 5, c, work, accumulate != 0 || p0 > 0);
  }
}

// ------------------------------------------------------------------ few rows: A and B read in place

// @ts-ignore: decorator
@inline
function block4(pa: usize, rowA: usize, stepA: usize, pb: usize, strideB: usize, k: i32, pc: usize, rowC: usize, width: i32, acc: bool, tmp: usize): void {
  // C[i..i+4][j..j+8] in eight accumulators over the whole k loop
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa + rowA);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa + 2 * rowA);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa + 3 * rowA);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += stepA;
    pb += strideB;
  }
  storeRow(pc, c00, c01, width, acc, tmp);
  storeRow(pc + rowC, c10, c11, width, acc, tmp);
  storeRow(pc + 2 * rowC, c20, c21, width, acc, tmp);
  storeRow(pc + 3 * rowC, c30, c31, width, acc, tmp);
}

// @ts-ignore: decorator
@inline
function block1(pa: usize, stepA: usize, pb: usize, strideB: usize, k: i32, pc: usize, width: i32, acc: bool, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const a = v128.load32_splat(pa);
    c00 = madd(a, v128.load(pb), c00);
    c01 = madd(a, v128.load(pb, 16), c01);
    pa += stepA;
    pb += strideB;
  }
  storeRow(pc, c00, c01, width, acc, tmp);
}

/**
 * C (+)= op(A)·op(B) with op(A)[i][p] = A[i·rsA + p·csA] read in place (no packing): 4×8 blocks, then 1×8
 * rows. Full panel q of op(B) is at b + q·panelStep floats with rows strideB bytes apart; a partial last
 * panel is packed at `last` (rows of 8 floats).
 */
function stridedA(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, strideB: usize, panelStep: i32, last: usize, c: usize, tmp: usize, acc: bool): void {
  const panels = (n + 7) >> 3;
  const stepA = <usize>csA << 2;
  const rowA = <usize>rsA << 2;
  const rowC = <usize>n << 2;
  const m4 = m & ~3;
  for (let q = 0; q < panels; q++) {
    const j0 = q << 3;
    const width = min(8, n - j0);
    const panel = width == 8 ? b + (<usize>(q * panelStep) << 2) : last;
    const sB: usize = width == 8 ? strideB : 32;
    const pc = c + (<usize>j0 << 2);
    for (let i = 0; i < m4; i += 4) block4(a + <usize>i * rowA, rowA, stepA, panel, sB, k, pc + <usize>i * rowC, rowC, width, acc, tmp);
    for (let i = m4; i < m; i++) block1(a + <usize>i * rowA, stepA, panel, sB, k, pc + <usize>i * rowC, width, acc, tmp);
  }
}

/** `gemm` for m ≤ 4 rows and B not transposed: full 8-column panels of B read in place, a partial last one packed. */
function gemmFewRows(transA: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, work: usize, acc: bool): void {
  const full = n & ~7;
  if (n & 7) packPanels(b + (<usize>full << 2), n, 1, k, n & 7, work);
  // op(A)[i][p] = A[i·rsA + p·csA]
  stridedA(m, n, k, a, transA ? 1 : k, transA ? m : 1, b, <usize>n << 2, 8, work, c, work + (<usize>k << 5), acc);
}

/**
 * C = op(A)·op(B), or C += op(A)·op(B) when `accumulate`. transA/transB: 0 or 1. a, b, c: byte addresses
 * of float32 data; work: 16-byte-aligned scratch of workBytes(n, k). C must not overlap A, B or work.
 */
export function gemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, work: usize, accumulate: i32): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) memory.fill(c, 0, <usize>m * n * 4);
    return;
  }
  if (!transB && m <= 4) {
    gemmFewRows(transA, m, n, k, a, b, c, work, accumulate != 0);
    return;
  }
  // pack op(B) one k block at a time (KC×n floats, which stay in L2) rather than all of it: a deep k would
  // otherwise write the packed copy out to L3 and read it back
  const kc0 = blockDepth(k);
  const rest = work + <usize>packedBytes(n, kc0);
  for (let p0 = 0; p0 < k; p0 += kc0) {
    const kc = min(kc0, k - p0);
    if (transB) packPanels(b + (<usize>p0 << 2), 1, k, kc, n, work);
    else packPanels(b + (<usize>(p0 * n) << 2), n, 1, kc, n, work);
    gemmBlock(transA, m, n, k, a, p0, kc, work, <usize>kc << 5, c, rest, accumulate != 0 || p0 > 0);
  }
}

// --------------------------------------------------------------------------------- float64 operands

/** dst[i] = f32(src[i]) for i < count: float64 → float32, round to nearest. */
export function demote(src: usize, dst: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const lo = f32x4.demote_f64x2_zero(v128.load(src + (<usize>i << 3))); // lanes 0, 1 (2, 3 are zero)
    const hi = f32x4.demote_f64x2_zero(v128.load(src + (<usize>i << 3), 16));
    v128.store(dst + (<usize>i << 2), v128.shuffle<i32>(lo, hi, 0, 1, 4, 5));
  }
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), <f32>load<f64>(src + (<usize>i << 3)));
}

/** dst[i] = f64(src[i]) for i < count: float32 → float64, exact. */
export function promote(src: usize, dst: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    v128.store(dst + (<usize>i << 3), f64x2.promote_low_f32x4(v));
    v128.store(dst + (<usize>i << 3), f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1)), 16);
  }
  for (; i < count; i++) store<f64>(dst + (<usize>i << 3), <f64>load<f32>(src + (<usize>i << 2)));
}

// @ts-ignore: decorator
@inline
function up16(bytes: usize): usize {
  return (bytes + 15) & ~15;
}

/** Bytes of scratch `gemm64` needs: float32 copies of A, B and C, then gemm's own scratch. */
export function work64Bytes(m: i32, n: i32, k: i32): i32 {
  return <i32>(up16(<usize>m * k * 4) + up16(<usize>k * n * 4) + up16(<usize>m * n * 4)) + workBytes(n, k);
}

/**
 * As `gemm`, on float64 operands and result (ml-matrix's storage, copied here row after row): converts
 * A and B to float32, multiplies in float32, writes C back as float64. work: 16-byte aligned, work64Bytes.
 */
export function gemm64(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, work: usize): void {
  if (m <= 0 || n <= 0) return;
  const a32 = work;
  const b32 = a32 + up16(<usize>m * k * 4);
  const c32 = b32 + up16(<usize>k * n * 4);
  const rest = c32 + up16(<usize>m * n * 4);
  demote(a, a32, m * k);
  demote(b, b32, k * n);
  gemm(transA, transB, m, n, k, a32, b32, c32, rest, 0);
  promote(c32, c, m * n);
}
