/**
 * The wasm building blocks exported for reuse: `WasmArena` (bump allocation in wasm memory, growing on
 * demand) and `WasmCompute.gemm` on float32 data already in wasm memory.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmCompute } from '../../../src/matrix';
import { Random } from '../../../src/random';

describe('WasmArena', () => {
  test('hands out 16-byte-aligned, non-overlapping blocks above the module data', () => {
    const { arena } = new WasmCompute('simd');
    const a = arena.alloc(12);
    const b = arena.alloc(1);
    const c = arena.alloc(100);
    assert.ok(a >= arena.base);
    for (const p of [a, b, c]) assert.equal(p % 16, 0);
    assert.ok(b >= a + 12 && c >= b + 1);
  });

  test('grows the memory for a large block and refreshes its float32 view', () => {
    const { arena } = new WasmCompute('simd');
    const before = arena.f32();
    const bytes = arena.capacity * 3;
    const p = arena.alloc(bytes);
    const after = arena.f32();
    assert.ok(arena.capacity >= p + bytes);
    assert.notEqual(after, before);
    after[(p + bytes) / 4 - 1] = 42; // the last float of the block is writable
    assert.equal(arena.f32()[(p + bytes) / 4 - 1], 42);
  });

  test('reuses memory after release and reset', () => {
    const { arena } = new WasmCompute('simd');
    const mark = arena.mark();
    const p = arena.alloc(64);
    arena.release(mark);
    assert.equal(arena.alloc(64), p);
    arena.reset();
    assert.equal(arena.alloc(64), p);
  });

  test('rejects a negative size saying what it got', () => {
    const { arena } = new WasmCompute('simd');
    assert.throws(() => arena.alloc(-4), /expected a byte count ≥ 0, got -4/);
  });
});

describe('WasmCompute', () => {
  test('computes aᵀ·bᵀ-free products on float32 data in wasm memory, k = 0 giving zeros', () => {
    const g = new WasmCompute('simd');
    const rng = new Random(5);
    const [m, k, n] = [6, 9, 11];
    const pa = g.arena.alloc(m * k * 4);
    const pb = g.arena.alloc(k * n * 4);
    const pc = g.arena.alloc(m * n * 4);
    const f = g.arena.f32();
    const A = Array.from({ length: m * k }, () => rng.normal());
    const B = Array.from({ length: k * n }, () => rng.normal());
    f.set(A, pa / 4);
    f.set(B, pb / 4);
    g.gemm(false, false, m, n, k, pa, pb, pc);
    const out = g.arena.f32();
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let bound = 0;
        for (let p = 0; p < k; p++) {
          s += Math.fround(A[i * k + p]) * Math.fround(B[p * n + j]);
          bound += Math.abs(A[i * k + p] * B[p * n + j]);
        }
        assert.ok(Math.abs(out[pc / 4 + i * n + j] - s) <= 1e-5 * bound, `C[${i}][${j}]`);
      }
    }
    out.fill(7, pc / 4, pc / 4 + m * n);
    g.gemm(false, false, m, n, 0, pa, pb, pc);
    assert.ok(g.arena.f32().subarray(pc / 4, pc / 4 + m * n).every((v) => v === 0));
  });
});
