// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  // a·b + c; the relaxed build fuses it (one rounding), the plain build rounds twice.
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Bytes of scratch `gemm` needs at `work` for given n, k: packed op(B) plus 32 bytes for a tail store. */
function workBytes(n: i32, k: i32): i32 {
  return ((n + 7) >> 3) * k * 32 + 32;
}

/** Lowest address the caller may use (above this module's static data). */
function heapBase_(): usize {
  return (__heap_base + 15) & ~15;
}

/**
 * Packs op(B) (k×n) into panels: panel q holds columns 8q..8q+7, as k consecutive rows of 8 floats.
 * op(B)[p][j] = B[p·rs + j·cs] (rs, cs in floats).
 */
function packB(b: usize, rs: i32, cs: i32, k: i32, n: i32, work: usize): void {
  const panels = (n + 7) >> 3;
  let dst = work;
  for (let q = 0; q < panels; q++) {
    const j0 = q << 3;
    const width = min(8, n - j0);
    if (cs == 1) {
      // rows of B are contiguous: copy 8 at a time when the panel is full
      for (let p = 0; p < k; p++) {
        const src = b + (<usize>(p * rs + j0) << 2);
        if (width == 8) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
        } else {
          for (let j = 0; j < 8; j++) store<f32>(dst + (<usize>j << 2), j < width ? load<f32>(src + (<usize>j << 2)) : 0);
        }
        dst += 32;
      }
    } else {
      // Bᵀ: column j of op(B) is row j of B, contiguous in p
      for (let j = 0; j < 8; j++) {
        let d = dst + (<usize>j << 2);
        if (j < width) {
          let src = b + (<usize>((j0 + j) * cs) << 2);
          for (let p = 0; p < k; p++) {
            store<f32>(d, load<f32>(src));
            src += <usize>rs << 2;
            d += 32;
          }
        } else {
          for (let p = 0; p < k; p++) {
            store<f32>(d, 0);
            d += 32;
          }
        }
      }
      dst += <usize>k * 32;
    }
  }
}

// @ts-ignore: decorator
@inline
function storeRow(c: usize, v0: v128, v1: v128, width: i32, tmp: usize): void {
  if (width == 8) {
    v128.store(c, v0);
    v128.store(c, v1, 16);
  } else {
    v128.store(tmp, v0);
    v128.store(tmp, v1, 16);
    for (let j = 0; j < width; j++) store<f32>(c + (<usize>j << 2), load<f32>(tmp + (<usize>j << 2)));
  }
}

// @ts-ignore: decorator
@inline
function block4(pa: usize, rowA: usize, stepA: usize, pb: usize, strideB: usize, k: i32, pc: usize, rowC: usize, width: i32, tmp: usize): void {
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
  storeRow(pc, c00, c01, width, tmp);
  storeRow(pc + rowC, c10, c11, width, tmp);
  storeRow(pc + 2 * rowC, c20, c21, width, tmp);
  storeRow(pc + 3 * rowC, c30, c31, width, tmp);
}

// @ts-ignore: decorator
@inline
function block1(pa: usize, stepA: usize, pb: usize, strideB: usize, k: i32, pc: usize, width: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const a = v128.load32_splat(pa);
    c00 = madd(a, v128.load(pb), c00);
    c01 = madd(a, v128.load(pb, 16), c01);
    pa += stepA;
    pb += strideB;
  }
  storeRow(pc, c00, c01, width, tmp);
}

/**
 * C = op(A)·op(B). transA/transB: 0 or 1. a, b, c: byte addresses of float32 data; work: 16-byte-aligned
 * scratch of workBytes(n, k). C must not overlap A, B or work.
 */
export function gemmOld(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, work: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    memory.fill(c, 0, <usize>m * n * 4);
    return;
  }
  // op(A)[i][p] = A[i·rsA + p·csA], op(B)[p][j] = B[p·rsB + j·csB]  (in floats)
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const rsB = transB ? 1 : n;
  const csB = transB ? k : 1;
  const panels = (n + 7) >> 3;
  // With few rows, packing B would cost as much as the product: read full panels of B in place
  // (row stride n) and pack only a partial last panel. Bᵀ is always packed.
  const direct = !transB && m <= 4;
  if (!direct) packB(b, rsB, csB, k, n, work);
  else if (n & 7) packB(b + (<usize>(panels - 1) << 5), rsB, csB, k, n & 7, work + <usize>(panels - 1) * k * 32);
  const tmp = work + <usize>panels * k * 32;
  const stepA = <usize>csA << 2; // bytes from op(A)[i][p] to op(A)[i][p+1]
  const rowA = <usize>rsA << 2; // bytes from op(A)[i][p] to op(A)[i+1][p]
  const rowC = <usize>n << 2;
  const m4 = m & ~3;
  for (let q = 0; q < panels; q++) {
    const j0 = q << 3;
    const width = min(8, n - j0);
    let panel = work + <usize>q * k * 32;
    let strideB: usize = 32;
    if (direct && width == 8) {
      panel = b + (<usize>j0 << 2);
      strideB = rowC;
    }
    const pc = c + (<usize>j0 << 2);
    for (let i = 0; i < m4; i += 4) {
      block4(a + (<usize>(i * rsA) << 2), rowA, stepA, panel, strideB, k, pc + <usize>i * rowC, rowC, width, tmp);
    }
    for (let i = m4; i < m; i++) {
      block1(a + (<usize>(i * rsA) << 2), stepA, panel, strideB, k, pc + <usize>i * rowC, width, tmp);
    }
  }
}
