/**
 * The model file: a versioned binary container (pure: bytes in, bytes out; no fs here).
 *
 *   offset  size  field
 *   0       8     magic "S2SCHAT\0"
 *   8       4     format version, uint32 LE (this code writes 1 and reads up to MODEL_FORMAT_VERSION)
 *   12      4     header length L in bytes, uint32 LE
 *   16      L     header: UTF-8 JSON (ModelFileHeader: kind, config, reverse, tokenizer, vocabulary,
 *                 normalisation, parameter shapes in `model.params` order, options, training report)
 *   16+L    4·W   weights: every parameter in header order, row-major, float32 little-endian
 *   end-4   4     CRC-32 of every byte before it, uint32 LE
 *
 * Weights are stored as float32 (the engine computes in float64; a saved model replies the same up to
 * float32 rounding). Loading validates everything and throws ModelFileError with one clear message.
 */
import type { ModelKind, NormalizeOptions, TrainOptions, TrainingReport } from '../chat/types';
import { normalizeOptionsProblem } from '../text/normalize';
import { historyProblem, type TrainingRun } from '../train/curves';
import { crc32 } from './crc32';

export const MODEL_FILE_MAGIC = 'S2SCHAT\0';
export const MODEL_FORMAT_VERSION = 1;
const PREFIX_BYTES = 16;
/** Largest header accepted: the knowledge of a 50 MB pairs file (every question, every answer) fits. */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;
/**
 * Largest model file accepted, checked before it is read: a training within the memory limit
 * (src/chat/memory.ts, 2 GiB at 32 bytes per weight) stores at most 64 M weights (256 MiB), plus the header.
 */
export const MAX_MODEL_FILE_BYTES = 256 * 1024 * 1024 + MAX_HEADER_BYTES;
/** Deepest nesting a header has: {"knowledge": {"questions": [["q", 0]]}} is 4. */
const MAX_HEADER_DEPTH = 6;

export class ModelFileError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'ModelFileError';
  }
}

/** The engine's size hyperparameters, as stored. `vocabSize` must equal the vocabulary's length. */
export interface ModelFileConfig {
  readonly vocabSize: number;
  /** The encoder's vocabulary size when questions have their own table (`knowledge.questionVocabulary`). */
  readonly sourceVocabSize?: number;
  readonly wordvec: number;
  readonly hidden: number;
  /** Simple and peeky: the encoder's bag of embeddings (one more V×H parameter); absent = false (older files). */
  readonly bag?: boolean;
}

export interface ModelFileHeader {
  readonly kind: ModelKind;
  readonly config: ModelFileConfig;
  readonly reverse: boolean;
  readonly tokenizer: 'char' | 'word';
  /** Every token by id; ids 0–3 are <pad>, <s>, </s>, <unk>. */
  readonly vocabulary: readonly string[];
  readonly normalize: NormalizeOptions;
  /** [rows, columns] of each parameter, in the model's `params` order. */
  readonly shapes: readonly (readonly [number, number])[];
  readonly options?: TrainOptions;
  readonly report?: TrainingReport;
  /** e.g. "seq2seq-chat 0.1.0". */
  readonly createdBy?: string;
  /** What the model knows of its training pairs (src/chat/answers.ts); absent in files written before it existed. */
  readonly knowledge?: StoredKnowledge;
  /**
   * The trainings behind this model, oldest first (src/train/curves.ts: options, data file and hash, curves,
   * final figures). Absent in files written before it existed, which load with an empty history.
   */
  readonly history?: readonly TrainingRun[];
}

/** The trained answers and questions, the question vocabulary and the reply limits, as stored. */
export interface StoredKnowledge {
  /** Questions are read as words (src/text/analyze.ts) with this table of their own; ids 0–3 reserved. */
  readonly questionVocabulary?: readonly string[];
  /** The distinct answers, as a correct reply spells them (normalised). */
  readonly answers: readonly string[];
  /** Every trained question as written, with the index of its answer. */
  readonly questions: readonly (readonly [string, number])[];
  /** Longest reply in tokens: the longest trained answer plus a margin. */
  readonly maxReplyLength: number;
  /** Confidence below which a reply is not sure. */
  readonly threshold: number;
}

function knowledgeProblem(value: unknown, config: Record<string, unknown>): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected "knowledge" to be an object';
  const k = value as Record<string, unknown>;
  const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((t) => typeof t === 'string');
  if (!isStrings(k.answers)) return 'expected knowledge.answers to be an array of strings';
  const answers = k.answers.length;
  if (!Array.isArray(k.questions) || !k.questions.every((q: unknown) => Array.isArray(q) && q.length === 2 && typeof q[0] === 'string' && Number.isInteger(q[1]) && q[1] >= 0 && q[1] < answers)) {
    return 'expected knowledge.questions to be [question, answer index] pairs';
  }
  if (!isPositiveInt(k.maxReplyLength)) return `expected knowledge.maxReplyLength to be a positive integer, got ${JSON.stringify(k.maxReplyLength)}`;
  if (typeof k.threshold !== 'number' || !(k.threshold >= 0 && k.threshold <= 1)) return `expected knowledge.threshold in [0, 1], got ${JSON.stringify(k.threshold)}`;
  if (k.questionVocabulary !== undefined) {
    if (!isStrings(k.questionVocabulary)) return 'expected knowledge.questionVocabulary to be an array of strings';
    if (k.questionVocabulary.length !== config.sourceVocabSize) return `questionVocabulary has ${k.questionVocabulary.length} tokens but config.sourceVocabSize is ${String(config.sourceVocabSize)}`;
    if (new Set(k.questionVocabulary).size !== k.questionVocabulary.length) return 'questionVocabulary lists a token twice';
  } else if (config.sourceVocabSize !== undefined) return 'config.sourceVocabSize is set but knowledge.questionVocabulary is missing';
  return undefined;
}

export interface ModelFileContent {
  readonly header: ModelFileHeader;
  /** One flat row-major array per parameter, matching header.shapes. */
  readonly weights: readonly ArrayLike<number>[];
}

const KINDS: readonly ModelKind[] = ['simple', 'peeky', 'attention'];

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function weightCount(shapes: readonly (readonly [number, number])[]): number {
  return shapes.reduce((s, [r, c]) => s + r * c, 0);
}

export function encodeModelFile(content: ModelFileContent): Uint8Array {
  const { weights } = content;
  // foldAnswers is always written: a file without it is read as folding answers (older writers did).
  const norm: unknown = content.header.normalize;
  const header: ModelFileHeader =
    typeof norm === 'object' && norm !== null ? { ...content.header, normalize: { ...content.header.normalize, foldAnswers: content.header.normalize.foldAnswers === true } } : content.header;
  const problem = headerProblem(header);
  if (problem) throw new ModelFileError('encode', problem);
  if (weights.length !== header.shapes.length) throw new ModelFileError('encode', `expected ${header.shapes.length} weight arrays, got ${weights.length}`);
  weights.forEach((w, i) => {
    const [r, c] = header.shapes[i];
    if (w.length !== r * c) throw new ModelFileError('encode', `parameter ${i}: expected ${r}×${c} = ${r * c} weights, got ${w.length}`);
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const count = weightCount(header.shapes);
  const total = PREFIX_BYTES + json.length + 4 * count + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) bytes[i] = MODEL_FILE_MAGIC.charCodeAt(i);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  bytes.set(json, PREFIX_BYTES);
  let at = PREFIX_BYTES + json.length;
  for (const w of weights) {
    for (let i = 0; i < w.length; i++, at += 4) {
      const v = w[i];
      if (!Number.isFinite(v)) throw new ModelFileError('encode', `weights must be finite numbers, got ${v}`);
      view.setFloat32(at, v, true);
    }
  }
  view.setUint32(at, crc32(bytes.subarray(0, at)), true);
  return bytes;
}

/** What is wrong with a parsed header, or undefined when it is complete and consistent. */
export function headerProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected the header to be a JSON object';
  const h = value as Record<string, unknown>;
  if (typeof h.kind !== 'string' || !KINDS.includes(h.kind as ModelKind)) return `expected model kind ${KINDS.join(', ')}, got ${JSON.stringify(h.kind)}`;
  if (typeof h.reverse !== 'boolean') return `expected "reverse" to be a boolean, got ${typeof h.reverse}`;
  if (h.tokenizer !== 'char' && h.tokenizer !== 'word') return `expected tokenizer "char" or "word", got ${JSON.stringify(h.tokenizer)}`;
  const config = h.config as Record<string, unknown> | null;
  if (typeof config !== 'object' || config === null) return 'expected "config" to be an object';
  for (const key of ['vocabSize', 'wordvec', 'hidden'] as const) {
    if (!isPositiveInt(config[key])) return `expected config.${key} to be a positive integer, got ${JSON.stringify(config[key])}`;
  }
  const vocab = h.vocabulary;
  if (!Array.isArray(vocab) || !vocab.every((t) => typeof t === 'string')) return 'expected "vocabulary" to be an array of strings';
  if (vocab.length !== config.vocabSize) return `vocabulary has ${vocab.length} tokens but config.vocabSize is ${String(config.vocabSize)}`;
  if (new Set(vocab).size !== vocab.length) return 'vocabulary lists a token twice';
  if (config.sourceVocabSize !== undefined && !isPositiveInt(config.sourceVocabSize)) return `expected config.sourceVocabSize to be a positive integer, got ${JSON.stringify(config.sourceVocabSize)}`;
  if (config.bag !== undefined && typeof config.bag !== 'boolean') return `expected config.bag to be a boolean, got ${JSON.stringify(config.bag)}`;
  if (config.bag === true && h.kind === 'attention') return 'config.bag is set but the model kind is attention (only simple and peeky models have a bag)';
  if (h.knowledge !== undefined) {
    const problem = knowledgeProblem(h.knowledge, config);
    if (problem) return problem;
  } else if (config.sourceVocabSize !== undefined) return 'config.sourceVocabSize is set but "knowledge" is missing';
  if (h.history !== undefined) {
    const problem = historyProblem(h.history);
    if (problem) return problem;
  }
  const norm = normalizeOptionsProblem(h.normalize);
  if (norm) return norm;
  const shapes = h.shapes;
  if (!Array.isArray(shapes) || shapes.length === 0) return 'expected "shapes" to be a non-empty array';
  for (let i = 0; i < shapes.length; i++) {
    const s: unknown = shapes[i];
    if (!Array.isArray(s) || s.length !== 2 || !isPositiveInt(s[0]) || !isPositiveInt(s[1])) return `expected shapes[${i}] to be [rows, columns] of positive integers, got ${JSON.stringify(s)}`;
  }
  return undefined;
}

/** Reads and validates a model file. `source` (a path or name) prefixes every error message. */
export function decodeModelFile(bytes: Uint8Array, source = 'model file'): ModelFileContent {
  const fail = (reason: string): never => {
    throw new ModelFileError(source, reason);
  };
  const magic = Array.from(MODEL_FILE_MAGIC, (c) => c.charCodeAt(0));
  const head = Math.min(bytes.length, 8);
  for (let i = 0; i < head; i++) {
    if (bytes[i] !== magic[i]) fail(`not a Seq2Seq Chat model file (expected it to start with "S2SCHAT", got ${JSON.stringify(String.fromCharCode(...bytes.subarray(0, head)))})`);
  }
  if (bytes.length < PREFIX_BYTES + 4) fail(`truncated: ${bytes.length} bytes, too short for a model file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version === 0) fail('invalid format version 0');
  if (version > MODEL_FORMAT_VERSION) fail(`made by a newer version of Seq2Seq Chat (format ${version}, this reads up to ${MODEL_FORMAT_VERSION}); update the extension`);
  if (bytes.length > MAX_MODEL_FILE_BYTES) fail(`${bytes.length} bytes, over the largest model file of ${MAX_MODEL_FILE_BYTES} bytes`);
  const headerLength = view.getUint32(12, true);
  const end = bytes.length - 4;
  if (headerLength > MAX_HEADER_BYTES) fail(`corrupted: header length ${headerLength} bytes is implausible`);
  if (PREFIX_BYTES + headerLength > end) fail(`truncated: ${bytes.length} bytes, but the header alone needs ${PREFIX_BYTES + headerLength + 4}`);
  // The checksum and the header's nesting before any JSON is parsed: a damaged file fails in one linear pass,
  // and a crafted header of nested arrays (seconds and gigabytes in JSON.parse) in another.
  const stored = view.getUint32(end, true);
  const actual = crc32(bytes.subarray(0, end));
  if (stored !== actual) fail(`corrupted: checksum mismatch (stored CRC-32 ${hex(stored)}, computed ${hex(actual)})`);
  const depth = nestingDepth(bytes, PREFIX_BYTES, PREFIX_BYTES + headerLength);
  if (depth > MAX_HEADER_DEPTH) fail(`invalid header: it nests ${depth > MAX_HEADER_DEPTH * 4 ? 'more than ' + MAX_HEADER_DEPTH * 4 : depth} levels deep, a model header at most ${MAX_HEADER_DEPTH}`);
  let header: unknown;
  let headerError: string | undefined;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
  } catch (e) {
    headerError = e instanceof Error ? e.message : String(e);
  }
  const problem = headerError === undefined ? headerProblem(header) : undefined;
  let h = header as ModelFileHeader;
  // Files written before `foldAnswers` existed lowercased (and NFKC-folded) answers: read them so, so that
  // evaluating such a model compares with the answers it was trained on.
  if (headerError === undefined && problem === undefined && h.normalize.foldAnswers === undefined) h = { ...h, normalize: { ...h.normalize, foldAnswers: true } };
  if (headerError === undefined && problem === undefined) {
    const expected = PREFIX_BYTES + headerLength + 4 * weightCount(h.shapes) + 4;
    if (bytes.length < expected) fail(`truncated: ${bytes.length} bytes, expected ${expected}`);
    if (bytes.length > expected) fail(`corrupted: ${bytes.length - expected} unexpected bytes after the weights (expected ${expected} bytes)`);
  }
  if (headerError !== undefined) fail(`invalid header JSON: ${headerError}`);
  if (problem !== undefined) fail(`invalid header: ${problem}`);
  const weights: Float32Array[] = [];
  let at = PREFIX_BYTES + headerLength;
  h.shapes.forEach(([r, c], p) => {
    const w = new Float32Array(r * c);
    for (let i = 0; i < w.length; i++, at += 4) {
      const v = view.getFloat32(at, true);
      if (!Number.isFinite(v)) fail(`parameter ${p} holds a non-finite weight (${v}) at index ${i}`);
      w[i] = v;
    }
    weights.push(w);
  });
  return { header: h, weights };
}

/**
 * How deep JSON brackets nest in bytes[from, to), strings skipped; stops counting a little past the
 * allowed depth, so a crafted header costs one pass over its bytes.
 */
function nestingDepth(bytes: Uint8Array, from: number, to: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > MAX_HEADER_DEPTH * 4) return deepest;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return deepest;
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/** Checks stored shapes against the shapes a freshly built model of the same config has. */
export function checkShapes(source: string, header: ModelFileHeader, expected: readonly (readonly [number, number])[]): void {
  const what = `a ${header.kind} model with vocabulary ${header.config.vocabSize}, wordvec ${header.config.wordvec}, hidden ${header.config.hidden}`;
  if (expected.length !== header.shapes.length) {
    throw new ModelFileError(source, `invalid shapes: ${header.shapes.length} parameters stored, expected ${expected.length} for ${what}`);
  }
  expected.forEach(([r, c], i) => {
    const [sr, sc] = header.shapes[i];
    if (sr !== r || sc !== c) throw new ModelFileError(source, `invalid shapes: parameter ${i} is ${sr}×${sc}, expected ${r}×${c} for ${what}`);
  });
}
