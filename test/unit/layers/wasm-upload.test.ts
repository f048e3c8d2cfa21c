/**
 * `upload` (src/layers/wasm-layers.ts): float64 ml-matrix rows into a layer's float32 wasm memory through a
 * float64 stage and the `demote` kernel. It must write exactly what the converting copy `putRows` writes
 * (rounding, ±0, subnormals, overflow to ±Infinity, NaN), in chunks of rows when the stage is smaller than the
 * matrix, whatever buffers the rows live in, and touch nothing past the matrix.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { availableKernels, rowsOf, WasmCompute } from '../../../src/matrix';
import { putRows, upload } from '../../../src/layers/wasm-layers';
import { viewOfRows } from '../../../src/layers/util';
import { Random } from '../../../src/random';
import { requirePrerequisite, skipWithout } from '../helpers/prerequisites';

const builds = availableKernels().filter((k): k is 'simd' | 'relaxed' => k !== 'typescript');
const noWasm = builds.length === 0 ? 'no wasm SIMD in this runtime' : undefined;

/** rows×cols values that round in every way float32 can, from separate buffers (rows not end to end). */
function awkward(rows: number, cols: number, rng: Random): Matrix {
  const special = [0.1, -0, 1e-40, -1e-45, 3.4028235677973366e38, 1e39, -1e39, Number.NaN, 1 + 2 ** -24, 1 + 3 * 2 ** -24];
  return viewOfRows(Array.from({ length: rows }, (_, r) => Float64Array.from({ length: cols }, (_, j) => ((r * cols + j) % 7 === 3 ? special[(r + j) % special.length] : rng.normal() * 10 ** ((j % 9) - 4)))), cols);
}

describe('upload: float64 rows into float32 wasm memory', { skip: skipWithout(noWasm) }, () => {
  test('runs where wasm SIMD does', () => requirePrerequisite(noWasm));
  for (const build of builds) {
    test(`writes exactly what putRows writes, in chunks when the stage is small (${build})`, () => {
      const g = new WasmCompute(build);
      const rng = new Random(5);
      for (const [rows, cols, stageFloats] of [[13, 7, 1000], [13, 7, 15], [13, 7, 7], [5, 512, 512 * 2], [1, 3, 3], [128, 129, 500]] as const) {
        const m = awkward(rows, cols, rng);
        const n = rows * cols;
        g.arena.reset();
        const mine = g.arena.alloc(n * 4 + 16); // 4 floats past the end must stay as they were
        const theirs = g.arena.alloc(n * 4);
        const stage = { at: g.arena.alloc(stageFloats * 8), floats: stageFloats };
        const f32 = g.arena.f32();
        f32.fill(-7, mine / 4, mine / 4 + n + 4);
        upload(g, stage, mine, m);
        putRows(f32, theirs / 4, rowsOf(m));
        const got = Array.from(f32.subarray(mine / 4, mine / 4 + n));
        const want = Array.from(f32.subarray(theirs / 4, theirs / 4 + n));
        got.forEach((v, i) => assert.ok(Object.is(v, want[i]), `${rows}×${cols} through ${stageFloats} floats: [${i}] ${v} against ${want[i]}`));
        assert.deepEqual(Array.from(f32.subarray(mine / 4 + n, mine / 4 + n + 4)), [-7, -7, -7, -7], `${rows}×${cols}: nothing written past the matrix`);
      }
    });
  }
});
