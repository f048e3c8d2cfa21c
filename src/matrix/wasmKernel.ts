/**
 * WebAssembly SIMD matrix-product kernels (float32) behind the `MatmulKernel` seam, and run-time selection.
 *
 * The layers keep ml-matrix matrices (one Float64Array per row); a product here copies both operands into
 * wasm memory, runs the register-blocked float32 GEMM of src/matrix/asm/gemm.ts and copies the result
 * back. The copies are O(mk + kn + mn) next to the product's O(mnk): float64 rows go in unchanged (a plain
 * memory copy) and are converted inside wasm, still 10–50% of a call on this model's shapes (a layer that
 * keeps float32 data in wasm memory, see `WasmCompute`, avoids them). Results are float32-accurate (relative error ~1e-6): numerical gradient checks, which run in
 * float64, must use the TypeScript kernel — `withKernel('typescript', fn)` in ops.ts.
 *
 * `selectFastestKernel` takes the first build `WebAssembly.validate` accepts (relaxed SIMD, then SIMD; see
 * wasmModule.ts), else the TypeScript kernel; the environment variable SEQ2SEQ_KERNEL=typescript|simd|relaxed
 * forces one (on Node 20, 'relaxed' sets the V8 flag at run time: `tryEnableRelaxedSimd`).
 */
import { Matrix } from 'ml-matrix';
import { MatmulKernel, rowsOf, typescriptKernel } from './kernel';
import { availableKernels, isKernelAvailable, KERNEL_NAMES, KernelName, tryEnableRelaxedSimd, WasmCompute } from './wasmModule';

/** Copies ml-matrix rows into wasm memory at byte address `at` (8-aligned) as row-major float64. */
function copyIn(f64: Float64Array, rows: Float64Array[], columns: number, at: number): void {
  let o = at / 8;
  for (const row of rows) {
    f64.set(row, o);
    o += columns;
  }
}

/** Copies row-major float64 at byte address `at` back into ml-matrix rows. */
function copyOut(f64: Float64Array, rows: Float64Array[], columns: number, at: number): void {
  let o = at / 8;
  if (columns >= 32) {
    for (const row of rows) {
      row.set(f64.subarray(o, o + columns));
      o += columns;
    }
  } else {
    // short rows: a loop beats creating one subarray per row
    for (const row of rows) {
      for (let j = 0; j < columns; j++) row[j] = f64[o + j];
      o += columns;
    }
  }
}

/** A `MatmulKernel` over a `WasmCompute`: float64 rows → wasm memory → float32 product → float64 rows. */
class WasmKernel implements MatmulKernel {
  private gemmModule: WasmCompute | undefined;

  constructor(readonly name: 'simd' | 'relaxed') {}

  /** The instantiated module (compiled on first use). */
  get module(): WasmCompute {
    if (this.gemmModule === undefined) this.gemmModule = new WasmCompute(this.name);
    return this.gemmModule;
  }

  product(a: Matrix, b: Matrix, transA: boolean, transB: boolean, out: Matrix): void {
    const g = this.module;
    const arena = g.arena;
    const m = out.rows;
    const n = out.columns;
    const k = transA ? a.rows : a.columns;
    arena.reset();
    const pa = arena.alloc(a.rows * a.columns * 8);
    const pb = arena.alloc(b.rows * b.columns * 8);
    const pc = arena.alloc(m * n * 8);
    const work = arena.alloc(g.work64Bytes(m, n, k));
    const f64 = arena.f64(); // after the last alloc: growing the memory detaches older views
    copyIn(f64, rowsOf(a), a.columns, pa);
    copyIn(f64, rowsOf(b), b.columns, pb);
    g.gemm64With(transA, transB, m, n, k, pa, pb, pc, work);
    copyOut(f64, rowsOf(out), n, pc);
  }
}

function defaultEnv(): Record<string, string | undefined> {
  return typeof process === 'undefined' ? {} : process.env;
}

const kernels = new Map<KernelName, MatmulKernel>([['typescript', typescriptKernel]]);

/** The named kernel; throws, naming the available ones, when this runtime cannot run it. */
export function kernelByName(name: KernelName): MatmulKernel {
  if (!KERNEL_NAMES.includes(name)) {
    throw new Error(`unknown kernel '${String(name)}': expected one of ${KERNEL_NAMES.join(', ')}`);
  }
  let kernel = kernels.get(name);
  if (kernel === undefined) {
    if (!isKernelAvailable(name)) {
      const hint = name === 'relaxed' ? ' (Node 20 needs --experimental-wasm-relaxed-simd; Node 22+ has it)' : '';
      throw new Error(`kernel '${name}' is not available in this runtime${hint}; available: ${availableKernels().join(', ')}`);
    }
    kernel = new WasmKernel(name as 'simd' | 'relaxed');
    kernels.set(name, kernel);
  }
  return kernel;
}

/**
 * The kernel to use: the one SEQ2SEQ_KERNEL names if set (throws if it is unknown or unavailable; for
 * 'relaxed' on Node 20 it first tries `tryEnableRelaxedSimd`),
 * else the fastest available (relaxed SIMD, then SIMD, then TypeScript).
 */
export function selectFastestKernel(env: Record<string, string | undefined> = defaultEnv()): MatmulKernel {
  const forced = env.SEQ2SEQ_KERNEL;
  if (forced !== undefined && forced !== '') {
    if (!(KERNEL_NAMES as readonly string[]).includes(forced)) {
      throw new Error(`SEQ2SEQ_KERNEL: expected one of ${KERNEL_NAMES.join(', ')}, got '${forced}'`);
    }
    if (forced === 'relaxed') tryEnableRelaxedSimd();
    return kernelByName(forced as KernelName);
  }
  return kernelByName(availableKernels()[0]);
}
