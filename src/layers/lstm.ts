/**
 * LSTM, one time step (book ch. 6.3, `common/time_layers.py` LSTM).
 *
 * Gate layout of the fused weights: the 4H columns of Wx (D×4H), Wh (H×4H) and b (1×4H) are
 * [f | g | i | o] — forget, candidate (tanh), input, output — the book's order. (tfjs uses i, f, c, o.)
 *
 *   A = x·Wx + h_prev·Wh + b
 *   f = σ(A_f)  g = tanh(A_g)  i = σ(A_i)  o = σ(A_o)
 *   c = f⊙c_prev + g⊙i        h = o⊙tanh(c)
 *
 * The step functions are shared by `LSTM` (one step, own weight gradients) and `TimeLSTM` (which stacks
 * the per-step dA and takes each weight gradient with one product over all steps).
 */
import { Matrix } from 'ml-matrix';
import { matmul, matmulNT, matmulTN, rowsOf } from '../matrix';
import { expectShape, sigmoid, sumRowsInto, zeros } from './util';
import { wasmLstmStep, type WeightsPin } from './wasm-layers';

/** What a step's backward needs: inputs, post-activation gates (N×4H, [f|g|i|o]) and tanh(c). */
export interface LstmStepCache {
  readonly x: Matrix; // (N×D)
  readonly hPrev: Matrix; // (N×H)
  readonly cPrev: Matrix; // (N×H)
  readonly gates: Matrix; // (N×4H)
  readonly tanhC: Matrix; // (N×H)
}

export interface LstmStepOutput {
  readonly h: Matrix; // (N×H)
  readonly c: Matrix; // (N×H)
  readonly cache: LstmStepCache;
}

export interface LstmStepGradients {
  readonly dA: Matrix; // (N×4H), pre-activation gradient [df|dg|di|do]
  readonly dx: Matrix | null; // (N×D); null when not asked for
  readonly dhPrev: Matrix; // (N×H)
  readonly dcPrev: Matrix; // (N×H)
}

/** Checks Wx (D×4H), Wh (H×4H), b (1×4H) agree; returns [D, H]. */
export function lstmDims(where: string, Wx: Matrix, Wh: Matrix, b: Matrix): [number, number] {
  const H = Wh.rows;
  expectShape(where, 'Wh', Wh, H, 4 * H);
  expectShape(where, 'Wx', Wx, undefined, 4 * H);
  expectShape(where, 'b', b, 1, 4 * H);
  return [Wx.rows, H];
}

/**
 * One forward step. `xWx`, when given, holds the N rows of x·Wx already computed (TimeLSTM does one
 * product for all steps); otherwise it is computed here.
 */
export function lstmStepForward(
  x: Matrix, hPrev: Matrix, cPrev: Matrix, Wx: Matrix, Wh: Matrix, b: Matrix, xWx?: Float64Array[],
): LstmStepOutput {
  const D = Wx.rows;
  const H = Wh.rows;
  const N = x.rows;
  expectShape('LSTM.forward', 'x', x, N, D);
  expectShape('LSTM.forward', 'h_prev', hPrev, N, H);
  expectShape('LSTM.forward', 'c_prev', cPrev, N, H);
  const gates = matmul(hPrev, Wh, zeros(N, 4 * H)); // (N×H)(H×4H) → (N×4H)
  const XW = xWx ?? rowsOf(matmul(x, Wx, zeros(N, 4 * H))); // (N×D)(D×4H) → (N×4H)
  const bias = rowsOf(b)[0];
  const h = zeros(N, H);
  const c = zeros(N, H);
  const tanhC = zeros(N, H);
  const G = rowsOf(gates);
  const Cp = rowsOf(cPrev);
  const Hn = rowsOf(h);
  const Cn = rowsOf(c);
  const Tc = rowsOf(tanhC);
  for (let n = 0; n < N; n++) {
    const a = G[n];
    const xw = XW[n];
    for (let j = 0; j < 4 * H; j++) a[j] += xw[j] + bias[j]; // A = x·Wx + h_prev·Wh + b
    const cp = Cp[n];
    for (let j = 0; j < H; j++) {
      const f = sigmoid(a[j]);
      const g = Math.tanh(a[H + j]);
      const i = sigmoid(a[2 * H + j]);
      const o = sigmoid(a[3 * H + j]);
      a[j] = f;
      a[H + j] = g;
      a[2 * H + j] = i;
      a[3 * H + j] = o;
      const cn = f * cp[j] + g * i;
      const tc = Math.tanh(cn);
      Cn[n][j] = cn;
      Tc[n][j] = tc;
      Hn[n][j] = o * tc;
    }
  }
  return { h, c, cache: { x, hPrev, cPrev, gates, tanhC } };
}

/**
 * One forward step for decoding (no backward cache): on the float32 wasm path when a wasm kernel is active
 * (the gate math there is ~30× faster than the float64 loop above), else `lstmStepForward`. `pin`: the
 * decode's WeightsPin, so that the weights are copied into wasm memory once per decode (wasm-layers.ts).
 */
export function lstmDecodeStep(x: Matrix, hPrev: Matrix, cPrev: Matrix, Wx: Matrix, Wh: Matrix, b: Matrix, pin?: WeightsPin): { h: Matrix; c: Matrix } {
  const H = Wh.rows;
  const N = x.rows;
  expectShape('LSTM.forward', 'x', x, N, Wx.rows);
  expectShape('LSTM.forward', 'h_prev', hPrev, N, H);
  expectShape('LSTM.forward', 'c_prev', cPrev, N, H);
  if (N > 0) {
    const fast = wasmLstmStep(x, hPrev, cPrev, Wx, Wh, b, pin);
    if (fast !== null) return fast;
  }
  const { h, c } = lstmStepForward(x, hPrev, cPrev, Wx, Wh, b);
  return { h, c };
}

/** One backward step; with `withDx` false, dx is left to the caller (TimeLSTM takes it for all steps at once). */
export function lstmStepBackward(
  cache: LstmStepCache, dhNext: Matrix, dcNext: Matrix, Wx: Matrix, Wh: Matrix, withDx = true,
): LstmStepGradients {
  const { gates, tanhC, cPrev } = cache;
  const N = gates.rows;
  const H = Wh.rows;
  expectShape('LSTM.backward', 'dh_next', dhNext, N, H);
  expectShape('LSTM.backward', 'dc_next', dcNext, N, H);
  const dA = zeros(N, 4 * H);
  const dcPrev = zeros(N, H);
  const G = rowsOf(gates);
  const Tc = rowsOf(tanhC);
  const Cp = rowsOf(cPrev);
  const Dh = rowsOf(dhNext);
  const Dc = rowsOf(dcNext);
  const DA = rowsOf(dA);
  const DCp = rowsOf(dcPrev);
  for (let n = 0; n < N; n++) {
    const a = G[n];
    const da = DA[n];
    for (let j = 0; j < H; j++) {
      const f = a[j];
      const g = a[H + j];
      const i = a[2 * H + j];
      const o = a[3 * H + j];
      const tc = Tc[n][j];
      const dh = Dh[n][j];
      // c flows to h through tanh: ds = dc + dh·o·(1 − tanh²c)
      const ds = Dc[n][j] + dh * o * (1 - tc * tc);
      DCp[n][j] = ds * f;
      da[j] = ds * Cp[n][j] * f * (1 - f); // σ' = σ(1 − σ)
      da[H + j] = ds * i * (1 - g * g); // tanh' = 1 − tanh²
      da[2 * H + j] = ds * g * i * (1 - i);
      da[3 * H + j] = dh * tc * o * (1 - o);
    }
  }
  const dx = withDx ? matmulNT(dA, Wx, zeros(N, Wx.rows)) : null; // (N×4H)(D×4H)ᵀ → (N×D)
  const dhPrev = matmulNT(dA, Wh, zeros(N, H)); // (N×4H)(H×4H)ᵀ → (N×H)
  return { dA, dx, dhPrev, dcPrev };
}

/** One LSTM step as a layer. params: [Wx (D×4H), Wh (H×4H), b (1×4H)]. */
export class LSTM {
  readonly params: Matrix[];
  private gradsCache: Matrix[] | undefined;
  private cache: LstmStepCache | null = null;

  constructor(Wx: Matrix, Wh: Matrix, b: Matrix) {
    lstmDims('LSTM', Wx, Wh, b);
    this.params = [Wx, Wh, b];
  }

  /** Allocated on first use: a network built only to answer (the extension host's model) never needs them. */
  get grads(): Matrix[] {
    return (this.gradsCache ??= this.params.map((p) => zeros(p.rows, p.columns)));
  }

  /** x (N×D), h_prev (N×H), c_prev (N×H) → h_next, c_next (N×H). */
  forward(x: Matrix, hPrev: Matrix, cPrev: Matrix): { h: Matrix; c: Matrix } {
    const [Wx, Wh, b] = this.params;
    const out = lstmStepForward(x, hPrev, cPrev, Wx, Wh, b);
    this.cache = out.cache;
    return { h: out.h, c: out.c };
  }

  backward(dhNext: Matrix, dcNext: Matrix): { dx: Matrix; dhPrev: Matrix; dcPrev: Matrix } {
    if (this.cache === null) throw new Error('LSTM.backward called before forward');
    const [Wx, Wh] = this.params;
    const { dA, dx, dhPrev, dcPrev } = lstmStepBackward(this.cache, dhNext, dcNext, Wx, Wh);
    if (dx === null) throw new Error('LSTM.backward: dx missing');
    matmulTN(this.cache.x, dA, this.grads[0]); // dWx = xᵀ·dA, in place
    matmulTN(this.cache.hPrev, dA, this.grads[1]); // dWh = h_prevᵀ·dA
    sumRowsInto(dA, this.grads[2]); // db = Σ_n dA
    return { dx, dhPrev, dcPrev };
  }
}
