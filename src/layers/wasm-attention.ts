/**
 * TimeAttention's float32 WebAssembly path (book ch. 8.1–8.2: AttentionWeight, WeightSum, one Attention per
 * decoder step), used only while a wasm matmul kernel is active; with the TypeScript kernel TimeAttention keeps
 * its float64 code, the reference the gradient checks use (src/layers/attention.ts).
 *
 * Every decoder step attends over the same encoder states independently, so all Td steps run in one call of
 * each kernel (src/matrix/asm/attention.ts): the scores and their softmax over the encoder steps fused, the
 * weighted sum, and in backward the transposed sums into the encoder states' gradient. Layout (float32,
 * batch-major, so that one batch row's steps are contiguous: see the kernels' header):
 *   K  (N·Te×H) encoder states   Q  (N·Td×H) decoder states   M  (N·Te bytes) mask, 0 at PAD
 *   A  (N·Td×Te) attention weights   C  (N·Td×H) contexts
 * and for backward dC (N·Td×H), dA (N·Td×Te, then the scores' gradient in place), dK (N·Te×H), dQ (N·Td×H).
 * The time series cross as T × (N×W) ml-matrix lists, transposed while they are copied (`putSeries`, `series`).
 */
import type { Matrix } from 'ml-matrix';
import { rowsOf, WasmCompute } from '../matrix';
import type { TimeMask } from './time-lstm';
import { LayerWasm } from './wasm-layers';
import { zeros } from './util';

/** Writes a series T × (N×W) batch-major at float index `at`: row n of step t at (n·T + t)·W, as float32. */
function putSeries(f32: Float32Array, at: number, xs: Matrix[]): void {
  const T = xs.length;
  for (let t = 0; t < T; t++) {
    const rows = rowsOf(xs[t]);
    const W = xs[t].columns;
    for (let n = 0; n < rows.length; n++) f32.set(rows[n], at + (n * T + t) * W);
  }
}

/** Reads T steps of N×W, batch-major at float index `at`, into a new series T × (N×W) (float64). */
function series(f32: Float32Array, at: number, T: number, N: number, W: number): Matrix[] {
  const out: Matrix[] = [];
  for (let t = 0; t < T; t++) {
    const m = zeros(N, W);
    const rows = rowsOf(m);
    for (let n = 0; n < N; n++) {
      const row = rows[n];
      const o = at + (n * T + t) * W;
      if (W >= 64) row.set(f32.subarray(o, o + W)); // converting set: native, faster than a loop on long rows
      else for (let j = 0; j < W; j++) row[j] = f32[o + j];
    }
    out.push(m);
  }
  return out;
}

export class WasmTimeAttention {
  private readonly wasm = new LayerWasm();
  private g: WasmCompute | null = null;
  private Te = 0;
  private Td = 0;
  private N = 0;
  private H = 0;
  private a = { K: 0, Q: 0, M: 0, A: 0, C: 0, dC: 0, dA: 0, dK: 0, dQ: 0 };

  /** Whether a wasm kernel is active (else the caller takes the float64 path). */
  ready(): boolean {
    return this.wasm.get() !== null;
  }

  /**
   * hsEnc Te × (N×H), hsDec Td × (N×H) (both non-empty, shapes checked by the caller), mask[t][n] false at
   * padded encoder positions → contexts Td × (N×H) and the weights Td × (N×Te).
   */
  forward(hsEnc: Matrix[], hsDec: Matrix[], mask: TimeMask | undefined): { cs: Matrix[]; weights: Matrix[] } {
    const g = this.wasm.get();
    if (g === null) throw new Error('WasmTimeAttention.forward: no wasm kernel is active');
    this.g = g;
    const Te = hsEnc.length;
    const Td = hsDec.length;
    const N = hsEnc[0].rows;
    const H = hsEnc[0].columns;
    [this.Te, this.Td, this.N, this.H] = [Te, Td, N, H];
    const arena = g.arena;
    arena.reset();
    const f = (floats: number): number => arena.alloc(floats * 4);
    const a = this.a;
    a.K = f(Te * N * H);
    a.Q = f(Td * N * H);
    a.M = mask === undefined ? 0 : arena.alloc(Te * N);
    a.A = f(Td * N * Te);
    a.C = f(Td * N * H);
    a.dC = f(Td * N * H);
    a.dA = f(Td * N * Te);
    a.dK = f(Te * N * H);
    a.dQ = f(Td * N * H);
    const m = arena.f32(); // after the last alloc: growing the memory detaches older views
    putSeries(m, a.K / 4, hsEnc);
    putSeries(m, a.Q / 4, hsDec);
    if (mask !== undefined) {
      const bytes = new Uint8Array(m.buffer, a.M, N * Te);
      for (let t = 0; t < Te; t++) for (let n = 0; n < N; n++) bytes[n * Te + t] = mask[t][n] ? 1 : 0;
    }
    g.attentionWeights(a.Q, a.K, a.M, a.A, Td, Te, N, H); // a_i = softmax_t(hs_t · h_i): (N·Td×Te)
    g.attentionMix(a.A, a.K, a.C, Td, Te, N, H); // c_i = Σ_t a_i[t]·hs_t: (N·Td×H)
    return { cs: series(m, a.C / 4, Td, N, H), weights: series(m, a.A / 4, Td, N, Te) };
  }

  /** dout Td × (N×H) (the contexts' gradient) → dhsEnc Te × (N×H) (summed over decoder steps), dhsDec Td × (N×H). */
  backward(dout: Matrix[]): { dhsEnc: Matrix[]; dhsDec: Matrix[] } {
    const g = this.g;
    if (g === null) throw new Error('WasmTimeAttention.backward called before forward');
    const { Te, Td, N, H, a } = this;
    const m = g.arena.f32();
    putSeries(m, a.dC / 4, dout);
    g.attentionDots(a.dC, a.K, a.dA, Td, Te, N, H); // WeightSum: da_i[t] = dc_i · hs_t
    m.fill(0, a.dK / 4, a.dK / 4 + Te * N * H);
    g.attentionMixT(a.A, a.dC, a.dK, Td, Te, N, H); // WeightSum: dhs_t += Σ_i a_i[t]·dc_i
    g.attentionSoftmaxBackward(a.A, a.dA, a.dA, Td * N, Te); // ds = a ⊙ (da − Σ a·da)
    g.attentionMix(a.dA, a.K, a.dQ, Td, Te, N, H); // AttentionWeight: dh_i = Σ_t ds_i[t]·hs_t
    g.attentionMixT(a.dA, a.Q, a.dK, Td, Te, N, H); // AttentionWeight: dhs_t += Σ_i ds_i[t]·h_i
    return { dhsEnc: series(m, a.dK / 4, Te, N, H), dhsDec: series(m, a.dQ / 4, Td, N, H) };
  }
}
