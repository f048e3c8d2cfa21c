/**
 * Packing for the float32 GEMM (gemm.ts, which describes the method): op(B) into column panels of 8 floats,
 * op(A) into micro-panels of MR = 4 rows, so that the register-blocked kernel reads both contiguously
 * whatever the transposition. Transposed operands are turned 4×4 at a time with SIMD shuffles.
 */

/** Rows per A micro-panel: the 4 of gemm.ts's 4×8 register block. */
export const MR = 4;

/** op(B)[p][j] = B[p·rs + j·cs] (rs, cs in floats), k×n, into panels of 8 columns at `work`. */
export function packPanels(b: usize, rs: i32, cs: i32, k: i32, n: i32, work: usize): void {
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
    } else if (width == 8) {
      // Bᵀ: column j of op(B) is row j of B, contiguous in p; two 4×4 transposes give 4 rows of 8
      const src = b + (<usize>(j0 * cs) << 2);
      const row = <usize>cs << 2;
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        const s = src + (<usize>p << 2);
        transpose4(s, row, dst, 32);
        transpose4(s + 4 * row, row, dst + 16, 32);
        dst += 4 * 32;
      }
      for (; p < k; p++) {
        const s = src + (<usize>p << 2);
        for (let j = 0; j < 8; j++) store<f32>(dst + (<usize>j << 2), load<f32>(s + <usize>j * row));
        dst += 32;
      }
    } else {
      // a partial last panel of Bᵀ, one float at a time
      for (let p = 0; p < k; p++) {
        const s = b + (<usize>(j0 * cs + p) << 2);
        for (let j = 0; j < 8; j++) store<f32>(dst + (<usize>j << 2), j < width ? load<f32>(s + <usize>j * (<usize>cs << 2)) : 0);
        dst += 32;
      }
    }
  }
}

/**
 * Reads 4 floats from each of 4 rows (src, src + row, … bytes) and writes them transposed: float p of row r
 * goes to dst + p·dstRow + 4r (4 rows of a packed B panel, 4 of its 8 columns; or 4 p of an A micro-panel).
 */
// @ts-ignore: decorator
@inline
function transpose4(src: usize, row: usize, dst: usize, dstRow: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + row);
  const r2 = v128.load(src + 2 * row);
  const r3 = v128.load(src + 3 * row);
  const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
  const t1 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
  const t2 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
  const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7); // c2 d2 c3 d3
  v128.store(dst, v128.shuffle<i64>(t0, t1, 0, 2));
  v128.store(dst + dstRow, v128.shuffle<i64>(t0, t1, 1, 3));
  v128.store(dst + 2 * dstRow, v128.shuffle<i64>(t2, t3, 0, 2));
  v128.store(dst + 3 * dstRow, v128.shuffle<i64>(t2, t3, 1, 3));
}

/**
 * Packs rows i0..i0+mc, columns p0..p0+kc of op(A) (m×k, A stored m×k or k×m when transA) into micro-panels
 * of MR = 4 rows: panel t holds, for each p, the 4 floats op(A)[i0+4t .. +4][p0+p], zero past row m.
 */
export function packA(transA: i32, m: i32, k: i32, a: usize, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let t = 0; t < mc; t += MR) {
    const rows = min(MR, mc - t);
    const i = i0 + t;
    if (transA) {
      // op(A)[i][p] = A[p·m + i]: the panel's rows are 4 consecutive floats of one row of A
      let src = a + (<usize>(p0 * m + i) << 2);
      const step = <usize>m << 2;
      if (rows == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          src += step;
          dst += MR * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>r << 2)) : 0);
          src += step;
          dst += MR * 4;
        }
      }
    } else {
      // op(A)[i][p] = A[i·k + p]: each row contiguous in p; 4×4 transposes, 4 p at a time
      const src = a + (<usize>(i * k + p0) << 2);
      const row = <usize>k << 2;
      let p = 0;
      if (rows == MR) {
        for (; p + 4 <= kc; p += 4) {
          transpose4(src + (<usize>p << 2), row, dst, MR * 4);
          dst += 4 * MR * 4;
        }
      }
      for (; p < kc; p++) {
        const s = src + (<usize>p << 2);
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(s + <usize>r * row) : 0);
        dst += MR * 4;
      }
    }
  }
}
