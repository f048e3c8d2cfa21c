/**
 * The wasm modules built from src/matrix/asm/ (GEMM and fused element-wise kernels, float32): loading the
 * generated base64 binaries, checking at run time which builds this runtime runs, and the reusable pieces
 * for float32 code that keeps its data in wasm memory: `WasmArena` (bump allocation, growing memory) and
 * `WasmCompute` (one instantiated module: gemm, σ, tanh, LSTM gate math, softmax on that memory).
 *
 * Two builds: 'relaxed' (relaxed SIMD, fused multiply-add; Node 22+ and Electron validate it, Node 20 needs
 * --experimental-wasm-relaxed-simd or `tryEnableRelaxedSimd`) and 'simd' (plain SIMD 128, Node ≥ 16).
 */
export type KernelName = 'typescript' | 'simd' | 'relaxed';

/** Fastest first: the order `selectFastestKernel` tries. */
export const KERNEL_NAMES: readonly KernelName[] = ['relaxed', 'simd', 'typescript'];

// --- the few WebAssembly JS-API types we use (lib.dom is not in this project's lib) ---
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface ModuleExports {
  readonly memory: WasmMemory;
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, work: number, accumulate: number): void;
  workBytes(n: number, k: number): number;
  packB(transB: number, n: number, k: number, b: number, packed: number): void;
  packedBytes(n: number, k: number): number;
  gemmPacked(transA: number, m: number, n: number, k: number, a: number, packed: number, c: number, work: number, accumulate: number): void;
  packedWorkBytes(): number;
  demote(src: number, dst: number, count: number): void;
  gemm64(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, work: number): void;
  work64Bytes(m: number, n: number, k: number): number;
  heapBase(): number;
  sigmoid(x: number, y: number, count: number): void;
  tanh(x: number, y: number, count: number): void;
  lstmForward(a: number, b: number, cPrev: number, cNext: number, hNext: number, tanhC: number, n: number, h: number): void;
  lstmBackward(gates: number, cPrev: number, tanhC: number, dhNext: number, dcNext: number, dA: number, dcPrev: number, n: number, h: number): void;
  softmaxRows(x: number, y: number, rows: number, cols: number): void;
  addTo(x: number, y: number, count: number): void;
  add64(x: number, y: number, count: number): void;
  sumRows(x: number, out: number, rows: number, cols: number): void;
  adam64(p: number, g: number, m: number, v: number, count: number, a1: number, a2: number, lrT: number, eps: number): void;
  sumSquares64(x: number, count: number): number;
  scale64(x: number, count: number, factor: number): void;
  gatherRows(table: number, ids: number, dst: number, count: number, width: number): void;
  scatterAddRows(src: number, ids: number, table: number, count: number, width: number): void;
  attentionDots(q: number, k: number, out: number, tq: number, tk: number, n: number, h: number): void;
  attentionWeights(q: number, k: number, mask: number, a: number, tq: number, tk: number, n: number, h: number): void;
  attentionSoftmaxBackward(a: number, da: number, ds: number, rows: number, tk: number): void;
  attentionMix(w: number, v: number, out: number, tq: number, tk: number, n: number, h: number): void;
  attentionMixT(w: number, v: number, out: number, tq: number, tk: number, n: number, h: number): void;
  softmaxCrossEntropy(x: number, targets: number, rows: number, cols: number, scale: number): number;
  scale(x: number, count: number, factor: number): void;
  repeatBlock(src: number, dst: number, bytes: number, times: number): void;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

const PAGE = 65536;

function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

interface Binaries {
  readonly simdWasm: string;
  readonly relaxedWasm: string;
  readonly sharedOptimWasm?: string;
}

let binaries: Binaries | null | undefined;

/**
 * The generated module (scripts/build-wasm.js, run by `npm run build`). A missing file leaves only the
 * TypeScript kernel rather than breaking every import of the matrix module.
 */
function loadBinaries(): Binaries | null {
  if (binaries === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      binaries = require('./generated/wasmBinaries') as Binaries;
    } catch {
      binaries = null;
    }
  }
  return binaries;
}

function bytesOf(name: 'simd' | 'relaxed'): Uint8Array | null {
  const b = loadBinaries();
  if (b === null) return null;
  return decodeBase64(name === 'simd' ? b.simdWasm : b.relaxedWasm);
}

const validated = new Map<KernelName, boolean>();
/** Compiled modules, one per build: each `WasmCompute` instantiates its own memory from the same code. */
const compiled = new Map<'simd' | 'relaxed', object>();

/** Whether this runtime can run the named kernel (compiles nothing; `WebAssembly.validate` only). */
export function isKernelAvailable(name: KernelName): boolean {
  if (name === 'typescript') return true;
  let ok = validated.get(name);
  if (ok === undefined) {
    const api = wasmApi();
    const bytes = bytesOf(name);
    ok = api !== undefined && bytes !== null && api.validate(bytes);
    validated.set(name, ok);
  }
  return ok;
}

/**
 * Node 20 (V8 11.3) runs relaxed SIMD only behind V8's --experimental-wasm-relaxed-simd; Node 22+ need
 * nothing. This sets that flag at run time (`v8.setFlagsFromString`) when relaxed SIMD does not validate,
 * and says whether the relaxed kernel is available afterwards. Opt-in (SEQ2SEQ_KERNEL=relaxed calls it),
 * since Node documents changing V8 flags after start-up as unsupported; the tests run the relaxed build
 * on Node 20 both ways.
 */
export function tryEnableRelaxedSimd(): boolean {
  if (isKernelAvailable('relaxed')) return true;
  if (typeof process === 'undefined' || process.versions?.node === undefined) return false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v8 = require('node:v8') as { setFlagsFromString(flags: string): void };
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  validated.delete('relaxed');
  return isKernelAvailable('relaxed');
}

/** The kernels this runtime can run, fastest first; always ends with 'typescript'. */
export function availableKernels(): KernelName[] {
  return KERNEL_NAMES.filter(isKernelAvailable);
}

/** Rounds up to a multiple of 16 (arithmetic, not `& ~15`, which breaks past 2 GiB). */
function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/**
 * A bump allocator over one wasm memory. Addresses are byte offsets; `mark`/`release` nest. The memory
 * grows on demand and is never shrunk, so steady-state training reuses it with no allocation.
 * Growing detaches earlier views: take `f32()` after the last `alloc` of a step.
 */
export class WasmArena {
  private top: number;
  private view: Float32Array;
  private view64: Float64Array;

  constructor(
    private readonly memory: WasmMemory,
    /** First byte the arena may use. */
    readonly base: number,
  ) {
    this.top = align16(base);
    this.view = new Float32Array(memory.buffer);
    this.view64 = new Float64Array(memory.buffer);
  }

  /** Reserves `bytes` (rounded up to 16) and returns its 16-byte-aligned address. */
  alloc(bytes: number): number {
    if (!(bytes >= 0)) throw new RangeError(`WasmArena.alloc: expected a byte count ≥ 0, got ${bytes}`);
    const at = align16(this.top);
    this.top = at + align16(bytes);
    const have = this.memory.buffer.byteLength;
    if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / PAGE));
    return at;
  }

  /** The current top, to hand to `release`. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** Frees everything. */
  reset(): void {
    this.top = align16(this.base);
  }

  /** Bytes of wasm memory (grows, never shrinks). */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  /** A Float32Array over the whole memory, index = byte address / 4; re-created after the memory grew. */
  f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** A Float64Array over the whole memory, index = byte address / 8 (addresses from `alloc` are 16-aligned). */
  f64(): Float64Array {
    if (this.view64.buffer !== this.memory.buffer) this.view64 = new Float64Array(this.memory.buffer);
    return this.view64;
  }
}

/**
 * One instantiated wasm module (src/matrix/asm/: GEMM and fused element-wise kernels) and its memory arena.
 * All methods take byte addresses from `arena` of float32 data unless they say float64; nothing is
 * checked there beyond what the comments promise, so callers own their bounds.
 */
export class WasmCompute {
  readonly arena: WasmArena;
  private readonly exports: ModuleExports;

  constructor(readonly name: 'simd' | 'relaxed') {
    const api = wasmApi();
    const bytes = bytesOf(name);
    if (api === undefined || bytes === null || !isKernelAvailable(name)) {
      throw new Error(`WasmCompute: the '${name}' kernel is not available in this runtime (available: ${availableKernels().join(', ')})`);
    }
    let module = compiled.get(name);
    if (module === undefined) {
      module = new api.Module(bytes);
      compiled.set(name, module);
    }
    const instance = new api.Instance(module, {});
    this.exports = instance.exports as ModuleExports;
    this.arena = new WasmArena(this.exports.memory, this.exports.heapBase());
  }

  /**
   * C = op(A)·op(B) on float32 data already in this module's memory: A stored (m×k), or (k×m) when
   * transA; B stored (k×n), or (n×k) when transB; C (m×n); all row-major at byte addresses from `arena`.
   * C must not overlap A or B. With `accumulate`, C += op(A)·op(B). Takes its scratch from the arena and
   * gives it back.
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: number, b: number, c: number, accumulate = false): void {
    const mark = this.arena.mark();
    const work = this.arena.alloc(this.workBytes(n, k));
    this.gemmWith(transA, transB, m, n, k, a, b, c, work, accumulate);
    this.arena.release(mark);
  }

  /**
   * As `gemm`, with caller-provided scratch of `workBytes(n, k)` bytes at 16-byte-aligned `work`; with
   * `accumulate`, C += op(A)·op(B) (C is read, so it must hold numbers), which spares a separate `addTo`.
   */
  gemmWith(transA: boolean, transB: boolean, m: number, n: number, k: number, a: number, b: number, c: number, work: number, accumulate = false): void {
    this.exports.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, b, c, work, accumulate ? 1 : 0);
  }

  /**
   * Packs op(B) (k×n; B stored k×n, or n×k when transB) once into `packed` (`packedBytes(n, k)` bytes,
   * 16-byte aligned) for any number of `gemmPackedWith` calls, e.g. an LSTM's Wh over T steps. The
   * packed copy does not follow later changes to B: pack again after the optimizer step.
   */
  packWith(transB: boolean, n: number, k: number, b: number, packed: number): void {
    this.exports.packB(transB ? 1 : 0, n, k, b, packed);
  }

  /** Bytes `packWith` writes for op(B) of k×n: ⌈n/8⌉·8·k floats. */
  packedBytes(n: number, k: number): number {
    return this.exports.packedBytes(n, k);
  }

  /**
   * As `gemmWith` with op(B) already packed by `packWith(transB, n, k, b, packed)`: C (m×n) = op(A)·op(B),
   * or C += op(A)·op(B) with `accumulate`. `work` holds `packedWorkBytes()` (a `workBytes(n, k)` block
   * is larger and will do); C must not overlap A, packed or work.
   */
  gemmPackedWith(transA: boolean, m: number, n: number, k: number, a: number, packed: number, c: number, work: number, accumulate = false): void {
    this.exports.gemmPacked(transA ? 1 : 0, m, n, k, a, packed, c, work, accumulate ? 1 : 0);
  }

  /** Scratch bytes `gemmPackedWith` needs, whatever the shape. */
  packedWorkBytes(): number {
    return this.exports.packedWorkBytes();
  }

  /**
   * Scratch bytes `gemmWith` needs for an n-column, depth-k product: one k block (≤ 256 deep) of op(B) packed
   * in panels of 8 columns, and 192 KiB for the packed block of op(A).
   */
  workBytes(n: number, k: number): number {
    return this.exports.workBytes(n, k);
  }

  /**
   * As `gemmWith`, for float64 A, B (stored as for `gemm`) and C: they are converted to float32 inside
   * wasm, multiplied in float32, and C is written back as float64. `work` holds `work64Bytes(m, n, k)`.
   * Copying float64 rows in and out is a plain memory copy on the JS side, faster than converting there.
   */
  gemm64With(transA: boolean, transB: boolean, m: number, n: number, k: number, a: number, b: number, c: number, work: number): void {
    this.exports.gemm64(transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, b, c, work);
  }

  work64Bytes(m: number, n: number, k: number): number {
    return this.exports.work64Bytes(m, n, k);
  }

  /**
   * dst[i] = float32(src[i]) for i < count: float64 at byte address `src` (8-aligned) → float32 at `dst`,
   * rounded to nearest as `Float32Array.prototype.set` rounds, in SIMD; dst must not overlap src.
   */
  demote(src: number, dst: number, count: number): void {
    this.exports.demote(src, dst, count);
  }

  /** y[i] = σ(x[i]), i < count (y may be x). Float32, relative error ≤ 2.3e-7 where σ ≥ 1e-30 (measured over ±100). */
  sigmoid(x: number, y: number, count: number): void {
    this.exports.sigmoid(x, y, count);
  }

  /** y[i] = tanh(x[i]), i < count (y may be x). Float32, relative error ≤ 3.3e-7 (measured over ±100). */
  tanh(x: number, y: number, count: number): void {
    this.exports.tanh(x, y, count);
  }

  /**
   * One LSTM step's gate math after the products (book ch. 6.3, gate order f, g, i, o), N rows, H hidden:
   * a (N×4H) = x·Wx + h·Wh on entry; b (1×4H) is added and the activated gates are left in a (the backward
   * cache); writes cNext = f⊙cPrev + g⊙i, tanhC = tanh(cNext), hNext = o⊙tanhC (N×H each).
   */
  lstmForward(a: number, b: number, cPrev: number, cNext: number, hNext: number, tanhC: number, n: number, h: number): void {
    if (h % 4 !== 0) throw new RangeError(`lstmForward: expected H a multiple of 4, got ${h}`);
    this.exports.lstmForward(a, b, cPrev, cNext, hNext, tanhC, n, h);
  }

  /**
   * The gate math of LSTM.backward (book ch. 6.3): from the gates (N×4H) `lstmForward` left, cPrev, tanhC,
   * dhNext, dcNext (N×H) writes dA (N×4H, the gradient of x·Wx + h·Wh + b) and dcPrev = ds⊙f (N×H, may be dcNext).
   */
  lstmBackward(gates: number, cPrev: number, tanhC: number, dhNext: number, dcNext: number, dA: number, dcPrev: number, n: number, h: number): void {
    if (h % 4 !== 0) throw new RangeError(`lstmBackward: expected H a multiple of 4, got ${h}`);
    this.exports.lstmBackward(gates, cPrev, tanhC, dhNext, dcNext, dA, dcPrev, n, h);
  }

  /** y[i] += x[i], i < count (float32; x and y must not partly overlap). */
  addTo(x: number, y: number, count: number): void {
    this.exports.addTo(x, y, count);
  }

  /** out (1×cols) = column sums of x (rows×cols), float32: the bias gradient db = Σ_n dout. */
  sumRows(x: number, out: number, rows: number, cols: number): void {
    this.exports.sumRows(x, out, rows, cols);
  }

  /** Row-wise softmax with the row maximum subtracted: y (rows×cols) = softmax(x) (y may be x). */
  softmaxRows(x: number, y: number, rows: number, cols: number): void {
    this.exports.softmaxRows(x, y, rows, cols);
  }

  /**
   * Adam's step in place over `count` float64 (not float32) at p, g, m, v: m += a1·(g − m), v += a2·(g² − v),
   * p −= lrT·m/(√v + eps). Bit-identical to the same loop in TypeScript (src/optim/adam.ts), two lanes at once.
   */
  adam64(p: number, g: number, m: number, v: number, count: number, a1: number, a2: number, lrT: number, eps: number): void {
    this.exports.adam64(p, g, m, v, count, a1, a2, lrT, eps);
  }

  /** Σ x[i]² over `count` float64 at x: gradient clipping's squared norm (summed in another order than src/optim/clip.ts's loop). */
  sumSquares64(x: number, count: number): number {
    return this.exports.sumSquares64(x, count);
  }

  /** x[i] *= factor over `count` float64 at x, bit for bit as src/optim/clip.ts's loop. */
  scale64(x: number, count: number, factor: number): void {
    this.exports.scale64(x, count, factor);
  }

  /** The arena's Float64Array over the whole memory (index = byte address / 8), as SharedOptim.f64. */
  f64(): Float64Array {
    return this.arena.f64();
  }

  /** dst row r = table row ids[r] for r < count (float32 rows of `width`; ids int32 at `ids`, unchecked: 0 ≤ id < rows). */
  gatherRows(table: number, ids: number, dst: number, count: number, width: number): void {
    this.exports.gatherRows(table, ids, dst, count, width);
  }

  /** dst = `times` copies of the `bytes` at src, one after another (dst must not overlap src). */
  repeatBlock(src: number, dst: number, bytes: number, times: number): void {
    this.exports.repeatBlock(src, dst, bytes, times);
  }

  /**
   * Softmax with cross-entropy (book ch. 5.4), fused for training: x (rows×cols scores) becomes, in place,
   * (softmax(x) − onehot(t))·scale per row, where t is the row's int32 target at `targets`; a target < 0
   * (unchecked otherwise: t < cols) makes the row count for nothing and zeroes it. Returns the summed loss
   * Σ (log Σ_j e^x_j − x_t) over the counted rows.
   */
  softmaxCrossEntropy(x: number, targets: number, rows: number, cols: number, scale: number): number {
    return this.exports.softmaxCrossEntropy(x, targets, rows, cols, scale);
  }

  /** x[i] *= factor, i < count (float32). */
  scale(x: number, count: number, factor: number): void {
    this.exports.scale(x, count, factor);
  }

  /** table row ids[r] += src row r for r < count, repeated ids adding up (float32 rows of `width`; ids unchecked). */
  scatterAddRows(src: number, ids: number, table: number, count: number, width: number): void {
    this.exports.scatterAddRows(src, ids, table, count, width);
  }

  // Attention (book ch. 8, src/matrix/asm/attention.ts). Series are batch-major: row (r, t) of a series of T
  // steps and width h at float index (r·T + t)·h; weights and scores are (n·tq × tk), row (r, i) over the tk encoder steps.

  /** out[(r·tq + i)·tk + j] = q(r, i) · k(r, j): q (n·tq × h), k (n·tk × h). */
  attentionDots(q: number, k: number, out: number, tq: number, tk: number, n: number, h: number): void {
    this.exports.attentionDots(q, k, out, tq, tk, n, h);
  }

  /**
   * a = softmax_j(q(r, i) · k(r, j)), scores and softmax fused; `mask` (a byte per (r, j), batch-major, 0 at PAD;
   * 0 for none) gives weight exactly 0 there, and a row with no real position gets zeros.
   */
  attentionWeights(q: number, k: number, mask: number, a: number, tq: number, tk: number, n: number, h: number): void {
    this.exports.attentionWeights(q, k, mask, a, tq, tk, n, h);
  }

  /** Softmax backward over rows of tk: ds = a ⊙ (da − Σ_j a·da) (ds may be da). */
  attentionSoftmaxBackward(a: number, da: number, ds: number, rows: number, tk: number): void {
    this.exports.attentionSoftmaxBackward(a, da, ds, rows, tk);
  }

  /** out(r, i) = Σ_j w(r, i)[j] · v(r, j) (out must not overlap w or v). */
  attentionMix(w: number, v: number, out: number, tq: number, tk: number, n: number, h: number): void {
    this.exports.attentionMix(w, v, out, tq, tk, n, h);
  }

  /** out(r, j) += Σ_i w(r, i)[j] · v(r, i) (out must not overlap w or v). */
  attentionMixT(w: number, v: number, out: number, tq: number, tk: number, n: number, h: number): void {
    this.exports.attentionMixT(w, v, out, tq, tk, n, h);
  }
}

/** A fresh module of the fastest wasm build this runtime runs ('relaxed', else 'simd'), or null without wasm SIMD. */
export function createWasmCompute(): WasmCompute | null {
  const name = availableKernels()[0];
  return name === 'typescript' ? null : new WasmCompute(name);
}

/** The shared optimizer module's exports (src/matrix/asm/optim.ts built alone, memory imported). */
type SharedOptimExports = Pick<ModuleExports, 'adam64' | 'sumSquares64' | 'scale64' | 'add64'>;

let sharedOptimModule: object | null | undefined;

/**
 * The optimizer kernels (float64 Adam step, squared norm, scaling, adding) on one shared wasm memory that
 * several threads address at once: the data-parallel trainer (src/train/parallel.ts) keeps the params, every
 * thread's gradients and Adam's moments there, so that its helper threads read the params and leave their
 * gradients with no copy, and this thread adds them in wasm. The memory is sized once, at `bytes` plus the
 * first page (left to the module), and never grows: views of it stay valid for its life. Its `buffer` is a
 * SharedArrayBuffer, to hand to worker threads. Byte addresses, 16-byte aligned, as WasmCompute's.
 */
export class SharedOptim {
  /** First byte callers may use (the first page is the module's). */
  readonly base = PAGE;
  readonly buffer: SharedArrayBuffer;
  /** As WasmCompute's: Adam's step, Σ x², x *= factor (float64, byte addresses on this memory). */
  readonly adam64: SharedOptimExports['adam64'];
  readonly sumSquares64: SharedOptimExports['sumSquares64'];
  readonly scale64: SharedOptimExports['scale64'];
  /** y[i] += x[i] over `count` float64 at x and y, bit for bit the TypeScript loop's. */
  readonly add64: SharedOptimExports['add64'];
  private readonly view: Float64Array;

  private constructor(api: WasmApi, module: object, bytes: number) {
    const pages = 1 + Math.ceil(bytes / PAGE);
    const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
    const exports = new api.Instance(module, { env: { memory } }).exports as SharedOptimExports;
    this.adam64 = exports.adam64; // wasm exports need no `this`
    this.sumSquares64 = exports.sumSquares64;
    this.scale64 = exports.scale64;
    this.add64 = exports.add64;
    this.buffer = memory.buffer as unknown as SharedArrayBuffer;
    this.view = new Float64Array(this.buffer);
  }

  /**
   * A module on a new shared memory with `bytes` for the caller, or null where this runtime cannot make one
   * (no WebAssembly SIMD or threads, no SharedArrayBuffer, as in a browser without cross-origin isolation,
   * or no generated module): the caller then keeps its data in plain memory.
   */
  static create(bytes: number): SharedOptim | null {
    if (!(Number.isInteger(bytes) && bytes >= 0)) throw new RangeError(`SharedOptim.create: expected a byte count ≥ 0, got ${bytes}`);
    const api = wasmApi();
    if (api === undefined || typeof SharedArrayBuffer === 'undefined') return null;
    if (sharedOptimModule === undefined) {
      const text = loadBinaries()?.sharedOptimWasm;
      sharedOptimModule = null;
      if (text !== undefined) {
        const code = decodeBase64(text);
        try {
          if (api.validate(code)) sharedOptimModule = new api.Module(code);
        } catch {
          sharedOptimModule = null;
        }
      }
    }
    if (sharedOptimModule === null) return null;
    try {
      return new SharedOptim(api, sharedOptimModule, bytes);
    } catch {
      return null; // no memory for it: plain memory will do
    }
  }

  /** A Float64Array over the whole memory, index = byte address / 8. */
  f64(): Float64Array {
    return this.view;
  }
}
