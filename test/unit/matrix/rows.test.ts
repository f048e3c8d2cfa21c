/**
 * The wasm row gather and scatter-add (src/matrix/asm/rows.ts), the fused embedding's W[idx] and
 * np.add.at(dW, idx, dout) (book ch. 5.4), against plain loops: exact, since they only copy and add.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableKernels, WasmCompute } from '../../../src/matrix';
import { Random } from '../../../src/random';

const wasmBuilds = availableKernels().filter((k): k is 'simd' | 'relaxed' => k !== 'typescript');

describe('wasm row gather and scatter-add', () => {
  test('wasm SIMD runs here (the kernels below are tested on it)', () => {
    assert.ok(wasmBuilds.includes('simd'), `available: ${availableKernels().join(', ')}`);
  });

  for (const name of wasmBuilds) {
    // widths with and without a scalar tail after the four-lane loop; ids repeat and skip rows
    for (const width of [1, 4, 7, 512]) {
      test(`${name}: gather copies table rows by id and scatter-add sums repeated ids (width ${width})`, () => {
        const g = new WasmCompute(name);
        const rng = new Random(width);
        const rows = 6;
        const ids = [3, 0, 3, 5, 3, 1, 0];
        const table = Float32Array.from({ length: rows * width }, () => rng.normal());
        const src = Float32Array.from({ length: ids.length * width }, () => rng.normal());
        const arena = g.arena;
        const at = { table: arena.alloc(table.length * 4), src: arena.alloc(src.length * 4), dst: arena.alloc(src.length * 4), ids: arena.alloc(ids.length * 4) };
        const f32 = arena.f32();
        f32.set(table, at.table / 4);
        f32.set(src, at.src / 4);
        new Int32Array(f32.buffer, at.ids, ids.length).set(ids);

        g.gatherRows(at.table, at.ids, at.dst, ids.length, width);
        const gathered = f32.slice(at.dst / 4, at.dst / 4 + ids.length * width);
        const wantGather = new Float32Array(ids.length * width);
        ids.forEach((id, r) => wantGather.set(table.subarray(id * width, (id + 1) * width), r * width));
        assert.deepEqual(gathered, wantGather);

        g.scatterAddRows(at.src, at.ids, at.table, ids.length, width);
        const summed = f32.slice(at.table / 4, at.table / 4 + rows * width);
        const want = Float32Array.from(table);
        ids.forEach((id, r) => {
          for (let j = 0; j < width; j++) want[id * width + j] = Math.fround(want[id * width + j] + src[r * width + j]);
        });
        assert.deepEqual(summed, want);
        assert.deepEqual(summed.subarray(2 * width, 3 * width), table.subarray(2 * width, 3 * width), 'a row no id names is untouched');
      });
    }
  }
});
