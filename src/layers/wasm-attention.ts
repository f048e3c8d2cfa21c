/**
 * TimeAttention's float32 WebAssembly path (book ch. 8.1–8.2: AttentionWeight, WeightSum, one Attention per
 * decoder step), used only while a wasm matmul kernel is active; with the TypeScript kernel TimeAttention keeps
 * its float64 code, the reference the gradient checks use (src/layers/attention.ts).
 *
 * Every decoder step attends over the same encoder states independently, so all Td steps run in one call of
 * each kernel (src/matrix/asm/attention.ts): the scores and their softmax over the encoder steps fused, the
 * weighted sum, and in backward the transposed sums into the encoder states' gradient. Layout (float32,
 * time-major like the TimeLSTM's hidden states):
 *   K  (Te·N×H) encoder states   Q  (Td·N×H) decoder states   M  (Te·N bytes) mask, 0 at PAD
 *   A  (Td·N×Te) attention weights   C  (Td·N×H) contexts
 * and for backward dC (Td·N×H), dA (Td·N×Te, then the scores' gradient in place), dK (Te·N×H), dQ (Td·N×H).
 */
import type { Matrix } from 'ml-matrix';
import { rowsOf, WasmCompute } from '../matrix';
import type { TimeMask } from './time-lstm';
import { LayerWasm, matrixAt, putRows } from './wasm-layers';

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
    for (let t = 0; t < Te; t++) putRows(m, a.K / 4 + t * N * H, rowsOf(hsEnc[t]));
    for (let t = 0; t < Td; t++) putRows(m, a.Q / 4 + t * N * H, rowsOf(hsDec[t]));
    if (mask !== undefined) {
      const bytes = new Uint8Array(m.buffer, a.M, Te * N);
      for (let t = 0; t < Te; t++) for (let n = 0; n < N; n++) bytes[t * N + n] = mask[t][n] ? 1 : 0;
    }
    g.attentionWeights(a.Q, a.K, a.M, a.A, Td, Te, N, H); // a_i = softmax_t(hs_t · h_i): (Td·N×Te)
    g.attentionMix(a.A, a.K, a.C, Td, Te, N, H); // c_i = Σ_t a_i[t]·hs_t: (Td·N×H)
    const cs: Matrix[] = [];
    const weights: Matrix[] = [];
    for (let t = 0; t < Td; t++) {
      cs.push(matrixAt(m, a.C / 4 + t * N * H, N, H));
      weights.push(matrixAt(m, a.A / 4 + t * N * Te, N, Te));
    }
    return { cs, weights };
  }

  /** dout Td × (N×H) (the contexts' gradient) → dhsEnc Te × (N×H) (summed over decoder steps), dhsDec Td × (N×H). */
  backward(dout: Matrix[]): { dhsEnc: Matrix[]; dhsDec: Matrix[] } {
    const g = this.g;
    if (g === null) throw new Error('WasmTimeAttention.backward called before forward');
    const { Te, Td, N, H, a } = this;
    const m = g.arena.f32();
    for (let t = 0; t < Td; t++) putRows(m, a.dC / 4 + t * N * H, rowsOf(dout[t]));
    g.attentionDots(a.dC, a.K, a.dA, Td, Te, N, H); // WeightSum: da_i[t] = dc_i · hs_t
    m.fill(0, a.dK / 4, a.dK / 4 + Te * N * H);
    g.attentionMixT(a.A, a.dC, a.dK, Td, Te, N, H); // WeightSum: dhs_t += Σ_i a_i[t]·dc_i
    g.attentionSoftmaxBackward(a.A, a.dA, a.dA, Td * N, Te); // ds = a ⊙ (da − Σ a·da)
    g.attentionMix(a.dA, a.K, a.dQ, Td, Te, N, H); // AttentionWeight: dh_i = Σ_t ds_i[t]·hs_t
    g.attentionMixT(a.dA, a.Q, a.dK, Td, Te, N, H); // AttentionWeight: dhs_t += Σ_i ds_i[t]·h_i
    const dhsEnc: Matrix[] = [];
    const dhsDec: Matrix[] = [];
    for (let t = 0; t < Te; t++) dhsEnc.push(matrixAt(m, a.dK / 4 + t * N * H, N, H));
    for (let t = 0; t < Td; t++) dhsDec.push(matrixAt(m, a.dQ / 4 + t * N * H, N, H));
    return { dhsEnc, dhsDec };
  }
}
