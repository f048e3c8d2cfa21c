/**
 * The matrix products of one training iteration of the bench's model (book ch. 7.4 PeekySeq2seq with
 * reversed input, D = 16, H = 128, N = 128, T = 7 questions / 5 answer steps), op(a) m×k times op(b) k×n:
 * the list bench/bench.ts and bench/gemm-shapes.ts time, and GEMM_SHAPES in bench/numpy_seq2seq.py.
 */
export type Form = 'nn' | 'tn' | 'nt';

export interface GemmShape {
  readonly name: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly form: Form;
}

export const GEMM_SHAPES: readonly GemmShape[] = [
  { name: 'x·Wx (encoder)', m: 128, k: 16, n: 512, form: 'nn' },
  { name: '[h;x]·Wx (peeky decoder)', m: 128, k: 144, n: 512, form: 'nn' },
  { name: 'h·Wh', m: 128, k: 128, n: 512, form: 'nn' },
  { name: '[h;h]·W affine (one step)', m: 128, k: 256, n: 13, form: 'nn' },
  { name: '[h;h]·W affine (N·T rows)', m: 640, k: 256, n: 13, form: 'nn' },
  { name: 'dWx = xᵀ·dA', m: 16, k: 128, n: 512, form: 'tn' },
  { name: 'dWh = hᵀ·dA', m: 128, k: 128, n: 512, form: 'tn' },
  { name: 'dW affine = xᵀ·dscore', m: 256, k: 640, n: 13, form: 'tn' },
  { name: 'dx = dA·Wxᵀ', m: 128, k: 512, n: 16, form: 'nt' },
  { name: 'dh = dA·Whᵀ', m: 128, k: 512, n: 128, form: 'nt' },
  { name: 'dx affine = dscore·Wᵀ', m: 640, k: 13, n: 256, form: 'nt' },
];

/** dWh of the encoder as the layer now computes it: Σ over T = 7 steps as one product of depth T·N. */
export const DEEP_SHAPE: GemmShape = { name: 'dWh deep (T·N = 896)', m: 128, k: 896, n: 512, form: 'tn' };
