/**
 * How much memory a training needs, estimated from its shapes before anything is allocated, so that a
 * file within every pairs limit (15 answers of 2,000 characters over 29,900 distinct characters; on the
 * float64 path also 60 answers of 500) is refused with a message instead of taking 8 GB or failing in
 * `WebAssembly.Memory.grow`.
 *
 * The estimate counts the buffers the engine really allocates (sizes in bytes; V vocabulary, N batch rows,
 * Tₐ decoder steps = longest answer + 1, Tₑ question length, D wordvec, H hidden):
 *   decoder output  on the float32 path (a wasm kernel active: `float32`), the fused affine + softmax-with-loss
 *                   keeps the scores, then their gradient in place, and its inputs and their gradients in
 *                   its own wasm memory (src/layers/wasm-affine.ts): 4·Tₐ·N·(V + 2Hᵢ), Hᵢ the affine input's
 *                   width (H; 2H for peeky and attention); one memory for training and validation, so N is
 *                   the larger of the two batches. That is also the largest wasm memory.
 *                   On the float64 path: TimeAffine's scores, TimeSoftmaxWithLoss's softmax ys and its
 *                   gradient dx, each Tₐ × (N×V) float64 (src/layers/affine.ts, softmax.ts): 3 · 8·Tₐ·N·V
 *                   during a step; a validation pass (meanLoss, 64 rows) holds the first two.
 *   wasm kernel     (float64 path) every product copies A, B and C into one wasm memory that grows and never
 *                   shrinks (src/matrix/wasmKernel.ts): the largest, the output layer's, is
 *                   8·(Tₐ·N·Hᵢ + Hᵢ·V + Tₐ·N·V). wasm32 memory cannot pass 4 GiB whatever the machine has.
 *   decoding        the exact-match checks decode up to 64 rows at a time, each step allocating its scores and
 *                   probabilities (2 · 8·rows·V float64), which V8 frees only at a later collection: measured
 *                   80–130 MiB of them at the peak on the shapes below, so min(96 MiB, 2 · 8·Tₐ·rows·V).
 *   LSTM layers     each TimeLSTM's own wasm memory (float32 X, G, HS, CS, tanh c, dA, dX: about
 *                   4·T·N·(2D + 12H)) and its float64 hidden states for the next layer (3 · 8·T·N·H).
 *   parameters      float64 weights, gradients and (Adam) two moments: 8 · P · 4; each extra data-parallel
 *                   thread holds its own weights and gradients (8 · P · 2).
 * Measured on the float32 path (one-epoch trainings, test/unit/chat/memory.test.ts): within 25% of the growth
 * of the peak resident memory (1.02–1.05 and 0.89–1.04 of the estimate on a peeky and an attention shape, and 1.07 and 1.12 with batches of 64 and 48).
 */
import type { ModelKind } from './types';
import { TrainingError } from './errors';

/** Largest estimated training memory accepted: 2 GiB, well under wasm32's 4 GiB and a laptop's RAM. */
export const TRAINING_MEMORY_LIMIT = 2 * 1024 ** 3;
/** wasm32's hard ceiling: one memory cannot grow past 65,536 pages of 64 KiB. */
export const WASM_MEMORY_CEILING = 4 * 1024 ** 3;
/** Rows of a validation loss pass (meanLoss in train.ts) and of a decoding batch (answeredRight). */
const VALIDATION_ROWS = 64;
/** Garbage that decoding leaves before V8 collects it (see the file header). */
const DECODING_GARBAGE = 96 * 1024 ** 2;

export interface TrainingShape {
  readonly kind: ModelKind;
  /** Decoder (answer) vocabulary size V. */
  readonly vocabSize: number;
  /** Encoder vocabulary size when questions have their own table; else vocabSize. */
  readonly sourceVocabSize?: number;
  /** The encoder's bag of embeddings (ModelConfig.bag): Vs×H more weights. */
  readonly bag?: boolean;
  readonly wordvec: number;
  readonly hidden: number;
  /** Rows of the largest training batch: min(batchSize, training pairs). */
  readonly batch: number;
  /** Longest answer in tokens (without START/END). */
  readonly answerLength: number;
  /** Longest question in tokens. */
  readonly questionLength: number;
  /** Pairs held out for validation (0: none; the validation loss pass is skipped). */
  readonly validationPairs?: number;
  readonly optimizer?: 'adam' | 'sgd';
  readonly threads?: number;
  /**
   * Whether training runs the float32 wasm path (a wasm kernel is active: `activeWasmBuild()`); default
   * false, the float64 path's larger figure.
   */
  readonly float32?: boolean;
}

export interface MemoryEstimate {
  /** Everything below, in bytes. */
  readonly bytes: number;
  /** The decoder's scores, softmax and gradient, at the larger of a training step and a validation pass. */
  readonly decoderOutput: number;
  /** The largest wasm memory: the kernel's for the output product (float64 path), the fused output layer's (float32). */
  readonly wasm: number;
  /** Decoding's garbage before a collection. */
  readonly decoding: number;
  readonly lstm: number;
  readonly parameters: number;
}

/** Weights of a model of this shape, per kind (src/models: the params lists). */
export function parameterCount(s: Pick<TrainingShape, 'kind' | 'vocabSize' | 'sourceVocabSize' | 'wordvec' | 'hidden' | 'bag'>): number {
  const { vocabSize: V, wordvec: D, hidden: H } = s;
  const Vs = s.sourceVocabSize ?? V;
  const lstm = (input: number): number => input * 4 * H + H * 4 * H + 4 * H;
  const encoder = Vs * D + lstm(D) + (s.bag === true ? Vs * H : 0);
  // simple: [embed, lstm(D), affine H×V]; peeky: lstm(H+D), affine (2H)×V; attention: lstm(D), affine (2H)×V.
  const decoderLstm = s.kind === 'peeky' ? lstm(H + D) : lstm(D);
  const affineIn = s.kind === 'simple' ? H : 2 * H;
  return encoder + V * D + decoderLstm + affineIn * V + V;
}

export function estimateTrainingMemory(s: TrainingShape): MemoryEstimate {
  const { vocabSize: V, wordvec: D, hidden: H } = s;
  const Ta = s.answerLength + 1; // teacher forcing reads START..last token and predicts first token..END
  const Te = Math.max(1, s.questionLength);
  const N = s.batch;
  const Nv = s.validationPairs ? Math.min(VALIDATION_ROWS, s.validationPairs) : 0;
  const out = (rows: number): number => 8 * Ta * rows * V; // one Tₐ × (rows×V) float64 series
  const Hi = s.kind === 'simple' ? H : 2 * H;
  const rows = Math.max(N, Nv);
  const fused = 4 * Ta * rows * (V + 2 * Hi);
  const decoderOutput = s.float32 === true ? fused : Math.max(3 * out(N), 2 * out(Nv));
  const wasm = s.float32 === true ? fused : 8 * (Ta * rows * Hi + Hi * V + Ta * rows * V);
  const decoding = Math.min(DECODING_GARBAGE, 2 * 8 * Ta * Math.min(VALIDATION_ROWS, rows) * V);
  const lstmOf = (T: number): number => 4 * T * rows * (2 * D + 12 * H) + 3 * 8 * T * rows * H;
  const lstm = lstmOf(Te) + lstmOf(Ta);
  const P = parameterCount(s);
  const copies = s.optimizer === 'sgd' ? 2 : 4;
  const parameters = 8 * P * copies + 8 * P * 2 * Math.max(0, (s.threads ?? 1) - 1);
  const bytes = decoderOutput + (s.float32 === true ? 0 : wasm) + decoding + lstm + parameters; // float32: the output's wasm memory is decoderOutput
  return { bytes, decoderOutput, wasm, decoding, lstm, parameters };
}

const mib = (bytes: number): string => `${Math.ceil(bytes / 1024 ** 2).toLocaleString('en-US')} MiB`;

/**
 * Throws a TrainingError when a training of this shape would need more than `limit` bytes (or a wasm
 * memory past 4 GiB): the message gives the estimate, the limit, and the three ways to lower it.
 */
export function checkTrainingMemory(s: TrainingShape, batchSize: number, limit = TRAINING_MEMORY_LIMIT): MemoryEstimate {
  const e = estimateTrainingMemory(s);
  const over = e.bytes > limit ? `over the limit of ${mib(limit)}` : e.wasm > WASM_MEMORY_CEILING ? `its WebAssembly memory alone (${mib(e.wasm)}) over wasm's ceiling of 4 GiB` : '';
  if (over === '') return e;
  throw new TrainingError(
    `this training would need about ${mib(e.bytes)} of memory, ${over} ` +
      `(vocabulary ${s.vocabSize.toLocaleString('en-US')} tokens × longest answer ${s.answerLength.toLocaleString('en-US')} tokens × batch ${s.batch}). ` +
      `Lower it: a smaller batch (now ${batchSize}; --batch or the setting seq2seqChat.training.batchSize), ` +
      `shorter answers (split the longest ones), or a smaller vocabulary (fewer distinct characters or words; ` +
      `the limit maxVocabulary, --max-vocabulary or seq2seqChat.limits.maxVocabulary)`,
  );
}
