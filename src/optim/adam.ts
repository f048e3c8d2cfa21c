/**
 * Adam (book `common/optimizer.py`, Kingma & Ba 2015) in the book's form: the bias correction is folded
 * into the step size, lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ), and ε = 1e-7 is added to √v.
 *
 * The book de-duplicates shared weights before updating (`remove_duplicate`); our models share no
 * weights, so params and grads are used as they are.
 *
 * Under a wasm kernel the params' and grads' rows become views of the optimizer's wasm memory at the first
 * update (the Matrix objects stay the same); code that swaps a row or a Matrix is noticed and its values
 * moved there at the next update. The data-parallel trainer chooses that memory instead (`setOptimizerHome`):
 * a shared one that its helper threads read the params from and leave their gradients in.
 */
import { Matrix } from 'ml-matrix';
import { currentKernel, rowsOf, sameRows, ShapeError, WasmCompute } from '../matrix';
import type { Optimizer } from './optimizer';

const EPS = 1e-7;

/** The float64 kernels an Adam step and clipping run: WasmCompute's or SharedOptim's (src/matrix). */
interface OptimKernel {
  adam64(p: number, g: number, m: number, v: number, count: number, a1: number, a2: number, lrT: number, eps: number): void;
  sumSquares64(x: number, count: number): number;
  scale64(x: number, count: number, factor: number): void;
  /** A Float64Array over the whole memory, index = byte address / 8. */
  f64(): Float64Array;
}

/**
 * Adam's wasm memory (float64): four regions of `total` floats — the params, the grads, m and v — with
 * param i's run at `offsets[i]` in each (its size rounded up to even, for the two-lane loop: `paddedLayout`).
 * The params' and grads' ml-matrix rows are moved there (each Matrix keeps its identity; its rows become
 * views of this memory), so a step is one wasm call with no copies. The memory is sized once and never
 * grows afterwards, which would detach the views. Kept for the optimizer's life.
 */
interface WasmState {
  readonly g: OptimKernel;
  readonly sizes: number[];
  readonly offsets: number[];
  readonly total: number;
  readonly p: number;
  readonly grad: number;
  readonly m: number;
  readonly v: number;
  /** The row views `adopt` made, by region: `owns` compares rows by identity (reading each row's buffer cost more). */
  readonly views: Map<number, Float64Array[][]>;
}

/**
 * Where an Adam keeps a model's params, grads and moments when another part of the engine chose the place:
 * the data-parallel trainer (src/train/parallel.ts) puts them on a shared memory its helper threads read.
 * Regions are byte addresses of `paddedLayout(params).total` float64 each, zero-filled.
 */
export interface OptimizerHome {
  readonly kernel: OptimKernel;
  readonly p: number;
  readonly grad: number;
  readonly m: number;
  readonly v: number;
  /** Set by the Adam that took the home: one optimizer per home (a second one keeps its own memory). */
  taken: boolean;
}

const homes = new WeakMap<readonly Matrix[], OptimizerHome>();

/** The next Adam that starts updating exactly this `params` array puts its state in `home` (see OptimizerHome). */
export function setOptimizerHome(params: readonly Matrix[], home: OptimizerHome): void {
  homes.set(params, home);
}

/** Param i's run starts at offsets[i] floats; each run is rounded up to even, so that every run is 16-byte aligned. */
export function paddedLayout(params: readonly Matrix[]): { sizes: number[]; offsets: number[]; total: number } {
  const sizes = params.map((p) => p.rows * p.columns);
  const offsets: number[] = [];
  let total = 0;
  for (const n of sizes) {
    offsets.push(total);
    total += n + (n & 1);
  }
  return { sizes, offsets, total };
}

export interface AdamOptions {
  /** Learning rate, default 0.001. */
  lr?: number;
  /** Decay of the first moment, default 0.9. */
  beta1?: number;
  /** Decay of the second moment, default 0.999. */
  beta2?: number;
}

export class Adam implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  /** Number of updates done so far (t in the bias correction). */
  iter = 0;
  private m: Matrix[] | null = null;
  private v: Matrix[] | null = null;
  /** Where the moments live when a wasm kernel was active at the first update (decided once). */
  private wasm: WasmState | null = null;

  /** `new Adam(0.001, 0.9, 0.999)` as in the book, or `new Adam({ lr })` with the other fields defaulted. */
  constructor(lr: number | AdamOptions = 0.001, beta1 = 0.9, beta2 = 0.999) {
    const o: AdamOptions = typeof lr === 'number' ? { lr, beta1, beta2 } : lr;
    this.lr = o.lr ?? 0.001;
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    for (const [name, v] of [['lr', this.lr], ['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(v >= 0) || !Number.isFinite(v) || (name !== 'lr' && v >= 1)) {
        throw new RangeError(`Adam: ${name} must be ${name === 'lr' ? 'a finite number ≥ 0' : 'in [0, 1)'}, got ${v}`);
      }
    }
  }

  update(params: Matrix[], grads: Matrix[]): void {
    checkPairs('Adam.update', params, grads);
    if (this.m === null && this.wasm === null) {
      // The first update decides where the state lives: with a wasm kernel active, the moments and the
      // params' and grads' rows move into wasm memory (same arithmetic, bit for bit; no copies per step),
      // else float64 matrices beside the params.
      const build = currentKernel().name;
      const home = homes.get(params);
      if (home !== undefined && !home.taken) {
        home.taken = true;
        this.wasm = homeState(home, params);
      } else if (build === 'simd' || build === 'relaxed') this.wasm = wasmState(new WasmCompute(build), params);
      else {
        this.m = params.map((p) => new Matrix(p.rows, p.columns));
        this.v = params.map((p) => new Matrix(p.rows, p.columns));
      }
    }
    const sizes = this.wasm?.sizes ?? this.m?.map((p) => p.rows * p.columns) ?? [];
    if (sizes.length !== params.length) {
      throw new ShapeError(`Adam.update: optimizer state is for ${sizes.length} params, got ${params.length}`);
    }
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      if (p.rows * p.columns !== sizes[i]) {
        throw new ShapeError(`Adam.update: optimizer state for params[${i}] has ${sizes[i]} entries, got (${p.rows}×${p.columns})`);
      }
    }
    this.iter++;
    const { beta1, beta2 } = this;
    const lrT = (this.lr * Math.sqrt(1 - beta2 ** this.iter)) / (1 - beta1 ** this.iter);
    if (this.wasm !== null) {
      updateInWasm(this.wasm, params, grads, 1 - beta1, 1 - beta2, lrT);
      return;
    }
    const Ms = this.m ?? [];
    const Vs = this.v ?? [];
    for (let i = 0; i < params.length; i++) {
      const P = rowsOf(params[i]);
      const G = rowsOf(grads[i]);
      const M = rowsOf(Ms[i]);
      const V = rowsOf(Vs[i]);
      for (let r = 0; r < P.length; r++) adamRow(P[r], G[r], M[r], V[r], beta1, beta2, lrT);
    }
  }
}

function wasmState(g: WasmCompute, params: Matrix[]): WasmState {
  const { sizes, offsets, total } = paddedLayout(params);
  const arena = g.arena;
  const region = (): number => arena.alloc(total * 8);
  const state = { g, sizes, offsets, total, p: region(), grad: region(), m: region(), v: region(), views: new Map<number, Float64Array[][]>() };
  arena.f64().fill(0, state.p / 8, state.v / 8 + total); // padding entries stay 0: p, g, m, v of 0 step to 0
  return state;
}

/** The state in a home another part of the engine made (regions already there); m and v start at 0. */
function homeState(home: OptimizerHome, params: Matrix[]): WasmState {
  const { sizes, offsets, total } = paddedLayout(params);
  const f64 = home.kernel.f64();
  for (const region of [home.m, home.v]) f64.fill(0, region / 8, region / 8 + total);
  return { g: home.kernel, sizes, offsets, total, p: home.p, grad: home.grad, m: home.m, v: home.v, views: new Map<number, Float64Array[][]>() };
}

/**
 * Whether the matrices' rows are the views `adopt` made for `region` (another caller may have swapped a
 * Matrix or its rows). The memory never grows after `wasmState`, so those views stay attached and in place.
 */
function owns(s: WasmState, ms: readonly Matrix[], region: number): boolean {
  const views = s.views.get(region);
  return views !== undefined && sameRows(ms, views);
}

/** Copies the matrices' values into `region` and makes their rows views of it (in place: same Matrix objects). */
function adopt(s: WasmState, ms: Matrix[], region: number): void {
  const f64 = s.g.f64();
  ms.forEach((m, i) => {
    const R = rowsOf(m);
    let at = region / 8 + s.offsets[i];
    for (let r = 0; r < R.length; r++) {
      const view = f64.subarray(at, at + R[r].length);
      view.set(R[r]);
      R[r] = view;
      at += view.length;
    }
  });
  s.views.set(region, ms.map((m) => [...rowsOf(m)]));
}

/** One Adam step over every param at once, in wasm memory; first moves any param or grad rows that are not there yet. */
function updateInWasm(s: WasmState, params: Matrix[], grads: Matrix[], a1: number, a2: number, lrT: number): void {
  if (!owns(s, params, s.p)) adopt(s, params, s.p);
  if (!owns(s, grads, s.grad)) adopt(s, grads, s.grad);
  resident.set(grads, s);
  s.g.adam64(s.p, s.grad, s.m, s.v, s.total, a1, a2, lrT, EPS);
}

/** The wasm state that last adopted a grads array, by that array (the model's `grads`, the same object every call). */
const resident = new WeakMap<readonly Matrix[], WasmState>();

/** Gradient clipping's two passes over every gradient at once (see `gradsInWasm`). */
export interface WasmGrads {
  /** Σ g² over every entry of every gradient. */
  sumSquares(): number;
  /** g *= factor, every entry, in place. */
  scale(factor: number): void;
}

/**
 * When an Adam holds these grads in its wasm memory (the rows it adopted, still the matrices' rows), their
 * squared norm and scaling as single SIMD passes over that memory, for gradient clipping
 * (src/optim/clip.ts), which otherwise loops over every row in TypeScript; null otherwise. The padding
 * entries between params are 0, so they add nothing to the sum.
 */
export function gradsInWasm(grads: readonly Matrix[]): WasmGrads | null {
  const s = resident.get(grads);
  if (s === undefined || !owns(s, grads, s.grad)) return null;
  return {
    sumSquares: () => s.g.sumSquares64(s.grad, s.total),
    scale: (factor) => s.g.scale64(s.grad, s.total, factor),
  };
}

/**
 * One row of the update, in place: m += (1−β₁)(g − m), v += (1−β₂)(g² − v), p −= lr_t·m/(√v + ε).
 * Each entry is read once into locals (writes to one typed array would otherwise force re-reads of the
 * others, which may alias as far as the compiler knows): about 1.5× faster than indexing throughout.
 */
function adamRow(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, beta1: number, beta2: number, lrT: number): void {
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  const n = p.length;
  for (let j = 0; j < n; j++) {
    const gj = g[j];
    const mj = m[j] + a1 * (gj - m[j]);
    const vj = v[j] + a2 * (gj * gj - v[j]);
    m[j] = mj;
    v[j] = vj;
    p[j] -= (lrT * mj) / (Math.sqrt(vj) + EPS);
  }
}

/** Params and grads must pair up one to one with equal shapes. */
export function checkPairs(where: string, params: Matrix[], grads: Matrix[]): void {
  if (params.length !== grads.length) throw new ShapeError(`${where}: ${params.length} params but ${grads.length} grads`);
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const g = grads[i];
    if (p.rows !== g.rows || p.columns !== g.columns) {
      throw new ShapeError(`${where}: grads[${i}] expected (${p.rows}×${p.columns}) like params[${i}], got (${g.rows}×${g.columns})`);
    }
  }
}
