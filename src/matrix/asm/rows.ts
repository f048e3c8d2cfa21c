/**
 * Row gather and scatter-add by index, float32 (book ch. 5.4 Embedding forward/backward: W[idx] and
 * np.add.at(dW, idx, dout)), for the fused embedding of src/layers/wasm-layers.ts, where the rows are those
 * of E·Wx (V×4H). Indices are int32 at a byte address; the caller checks them (0 ≤ id < rows of the table).
 * Compiled into the same modules as gemm.ts (entry: index.ts).
 */

/** dst row r = table row ids[r], r < count; rows of `width` floats. dst must not overlap table. */
export function gatherRows(table: usize, ids: usize, dst: usize, count: i32, width: i32): void {
  const bytes = <usize>width << 2;
  for (let r = 0; r < count; r++) {
    const id = load<i32>(ids + (<usize>r << 2));
    memory.copy(dst + <usize>r * bytes, table + <usize>id * bytes, bytes);
  }
}

/** table row ids[r] += src row r, r < count, in order (repeated ids add up); rows of `width` floats. */
export function scatterAddRows(src: usize, ids: usize, table: usize, count: i32, width: i32): void {
  const bytes = <usize>width << 2;
  const w4 = width & ~3;
  for (let r = 0; r < count; r++) {
    const id = load<i32>(ids + (<usize>r << 2));
    const s = src + <usize>r * bytes;
    const d = table + <usize>id * bytes;
    let j = 0;
    for (; j < w4; j += 4) {
      const o = <usize>j << 2;
      v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
    }
    for (; j < width; j++) {
      const o = <usize>j << 2;
      store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
    }
  }
}

/** dst = `times` copies, one after another, of the `bytes` at src (a bias row over N rows, a block over T steps). dst must not overlap src. */
export function repeatBlock(src: usize, dst: usize, bytes: i32, times: i32): void {
  for (let i = 0; i < times; i++) memory.copy(dst + <usize>i * <usize>bytes, src, <usize>bytes);
}
