/**
 * ChatModel ↔ model-file bytes (container in src/io/model-file.ts). Weights are stored as float32; the
 * network is rebuilt with `createModel` from the stored config and every stored shape is checked against it.
 */
import { Matrix } from 'ml-matrix';
import { checkShapes, decodeModelFile, encodeModelFile, ModelFileError, type ModelFileContent, type ModelFileHeader, type StoredKnowledge } from '../io/model-file';
import { rowsOf } from '../matrix';
import { createModel } from '../models';
import { ZeroRandom } from '../random';
import { Vocabulary } from '../text';
import { DEFAULT_TRAIN_OPTIONS } from './defaults';
import { ChatModel, type ModelKnowledge } from './model';
import type { TrainOptions } from './types';

export const CREATED_BY = 'seq2seq-chat 0.1.0';

function storedKnowledge(k: ModelKnowledge): StoredKnowledge {
  return {
    ...(k.questionVocabulary ? { questionVocabulary: k.questionVocabulary.tokens } : {}),
    answers: k.answers,
    questions: k.questions.map((q) => [q.text, q.answer] as const),
    maxReplyLength: k.maxReplyLength,
    threshold: k.threshold,
  };
}

export function serializeModel(model: ChatModel): Uint8Array {
  const { engine } = model;
  const header: ModelFileHeader = {
    kind: model.kind,
    config: {
      vocabSize: engine.config.vocabSize,
      ...(engine.config.sourceVocabSize !== undefined ? { sourceVocabSize: engine.config.sourceVocabSize } : {}),
      wordvec: engine.config.wordvec,
      hidden: engine.config.hidden,
      ...(engine.config.bag === true ? { bag: true } : {}),
    },
    reverse: engine.config.reverse,
    tokenizer: model.options.tokenizer,
    vocabulary: model.vocabulary.tokens,
    normalize: model.options.normalize,
    shapes: engine.params.map((p) => [p.rows, p.columns] as const),
    options: model.options,
    ...(model.report ? { report: model.report } : {}),
    createdBy: CREATED_BY,
    ...(model.knowledge ? { knowledge: storedKnowledge(model.knowledge) } : {}),
    ...(model.history.length > 0 ? { history: model.history } : {}),
  };
  const weights = engine.params.map((p) => {
    const flat = new Float32Array(p.rows * p.columns);
    rowsOf(p).forEach((row, i) => flat.set(row, i * p.columns));
    return flat;
  });
  return encodeModelFile({ header, weights });
}

export function deserializeModel(bytes: Uint8Array, source = 'model file'): ChatModel {
  return modelFromContent(decodeModelFile(bytes, source), source);
}

/**
 * Copies `w` (row-major, rows × n) into `rows`: one native copy when the rows are consecutive views of one
 * buffer (as `zeros` makes them), else row by row (30,000 rows of an embedding cost ~100 ms that way).
 */
function copyInto(rows: Float64Array[], n: number, w: Float32Array): void {
  const first = rows[0];
  let contiguous = first !== undefined;
  if (contiguous) {
    const buffer = first.buffer;
    for (let r = 0; r < rows.length && contiguous; r++) contiguous = rows[r].byteOffset === first.byteOffset + r * n * 8 && rows[r].buffer === buffer;
  }
  if (contiguous) new Float64Array(first.buffer, first.byteOffset, rows.length * n).set(w.subarray(0, rows.length * n));
  else rows.forEach((row, r) => row.set(w.subarray(r * n, (r + 1) * n)));
}

/**
 * The model a decoded file describes (decodeModelFile's content, e.g. from the worker: its checksum and
 * header already checked there). Costs about as much as copying the weights once.
 */
export function modelFromContent(content: ModelFileContent, source = 'model file'): ChatModel {
  const steps = buildSteps(content, source);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * modelFromContent in slices: `pause` runs between them (the extension host passes a macrotask turn, yieldToEventLoop, so a
 * 25 MB model is built in several short blocks, not one: the vocabularies, the network's allocation, each
 * large weight matrix's copy, the trained questions).
 */
export async function modelFromContentInSlices(content: ModelFileContent, source: string, pause: () => Promise<void>): Promise<ChatModel> {
  const steps = buildSteps(content, source);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
  }
}

/** Weight matrices at least this large get a slice of their own. */
const SLICE_WEIGHTS = 500_000;

/** The work of modelFromContent; yields where a caller may pause. */
function* buildSteps(content: ModelFileContent, source: string): Generator<void, ChatModel, void> {
  const { header, weights } = content;
  let vocabulary: Vocabulary;
  let questionVocabulary: Vocabulary | undefined;
  try {
    vocabulary = Vocabulary.fromTokens(header.vocabulary);
    const q = header.knowledge?.questionVocabulary;
    questionVocabulary = q ? Vocabulary.fromTokens(q) : undefined;
  } catch (e) {
    throw new ModelFileError(source, `invalid header: ${e instanceof Error ? e.message : String(e)}`);
  }
  const config = {
    vocabSize: header.config.vocabSize,
    ...(header.config.sourceVocabSize !== undefined ? { sourceVocabSize: header.config.sourceVocabSize } : {}),
    wordvec: header.config.wordvec,
    hidden: header.config.hidden,
    reverse: header.reverse,
    ...(header.config.bag === true ? { bag: true } : {}),
  };
  // Before building the network, check that the config fits the weights the file really stores: the
  // encoder alone holds V×D (embedding) + D×4H + H×4H (LSTM) weights. A header that claims more is
  // inconsistent, and building it could allocate gigabytes (hidden 1e9 → a RangeError, 1e5 → out of memory).
  const storedWeights = header.shapes.reduce((s, [r, c]) => s + r * c, 0);
  const least = (config.sourceVocabSize ?? config.vocabSize) * config.wordvec + 4 * config.hidden * (config.wordvec + config.hidden);
  if (!(least <= storedWeights)) {
    throw new ModelFileError(source, `invalid shapes: a ${header.kind} model with vocabulary ${config.vocabSize}, wordvec ${config.wordvec}, hidden ${config.hidden} needs at least ${least} weights, the file stores ${storedWeights}`);
  }
  yield;
  const engine = createModel(header.kind, config, new ZeroRandom());
  checkShapes(source, header, engine.params.map((p) => [p.rows, p.columns] as const));
  for (let i = 0; i < engine.params.length; i++) {
    const p: Matrix = engine.params[i];
    const w = weights[i];
    const n = p.columns;
    if (p.rows * n >= SLICE_WEIGHTS) yield;
    // a typed array converts in one native copy; a plain array (a hand-made content) element by element
    if (ArrayBuffer.isView(w)) copyInto(rowsOf(p), n, w as Float32Array);
    else rowsOf(p).forEach((row, r) => {
      for (let c = 0; c < n; c++) row[c] = w[r * n + c];
    });
  }
  yield;
  // The stored options win; fields a file lacks (older writer) fall back to the defaults, but the parts
  // that shape the model always come from the header itself.
  const stored: Partial<TrainOptions> = typeof header.options === 'object' && header.options !== null ? header.options : {};
  const options: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    ...stored,
    model: header.kind,
    reverse: header.reverse,
    tokenizer: header.tokenizer,
    normalize: header.normalize,
    wordvec: header.config.wordvec,
    hidden: header.config.hidden,
  };
  const k = header.knowledge;
  const knowledge: ModelKnowledge | undefined = k && {
    ...(questionVocabulary ? { questionVocabulary } : {}),
    answers: k.answers,
    questions: k.questions.map(([text, answer]) => ({ text, answer })),
    maxReplyLength: k.maxReplyLength,
    threshold: k.threshold,
  };
  return new ChatModel(engine, vocabulary, options, header.report, knowledge, header.history ?? []);
}
