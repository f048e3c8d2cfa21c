/**
 * ChatModel ↔ model-file bytes (container in src/io/model-file.ts). Weights are stored as float32; the
 * network is rebuilt with `createModel` from the stored config and every stored shape is checked against it.
 */
import { Matrix } from 'ml-matrix';
import { checkShapes, decodeModelFile, encodeModelFile, ModelFileError, type ModelFileContent, type ModelFileHeader, type StoredKnowledge } from '../io/model-file';
import { rowsOf } from '../matrix';
import { adoptRows } from '../layers/util';
import { unpackModel, type PackedModel } from '../io/packed-model';
import { createModel } from '../models';
import { LoadingRandom } from '../random';
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
 * The model a decoded file describes (decodeModelFile's content, its checksum and header already checked).
 * Costs about as much as converting the weights to float64 once.
 */
export function modelFromContent(content: ModelFileContent, source = 'model file'): ChatModel {
  const steps = modelSteps(content, source);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** At most this many strings (tokens, answers, questions) or weight rows are handled in one build step. */
export const STEP_ITEMS = 20_000;
/** At most this many weights are converted (float32 → float64) in one build step. */
export const STEP_VALUES = 500_000;

/**
 * What one build step did: `count` tokens indexed, strings cut out of a packed list, questions rebuilt,
 * rows given their views, weights converted, or (`network`) the network built without its weights.
 */
export interface BuildStep {
  readonly what: 'tokens' | 'strings' | 'questions' | 'rows' | 'values' | 'network';
  readonly count: number;
}

/** Runs `steps` to the end with `pause` between two steps (the extension host passes a turn of its event loop). */
export async function runInSteps<T>(steps: Generator<BuildStep, T, void>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
  }
}

/**
 * The building of the model `content` describes, in steps of bounded work (STEP_ITEMS, STEP_VALUES): a
 * caller that pauses between them (runInSteps) builds a 25 MB model as many short blocks, not one.
 * The weights are converted to new float64 buffers; `content` is left as it is.
 */
export function modelSteps(content: ModelFileContent, source = 'model file'): Generator<BuildStep, ChatModel, void> {
  return buildSteps(content, source, false);
}

/**
 * modelSteps for a packed model (src/io/packed-model.ts, the worker's reply): its lists are cut out in
 * steps too, and its float64 weights become the network's rows: `packed` must not be used afterwards.
 */
export function* packedModelSteps(packed: PackedModel, source: string): Generator<BuildStep, ChatModel, void> {
  let content: ModelFileContent;
  try {
    content = yield* counted('strings', unpackModel(packed, STEP_ITEMS));
  } catch (e) {
    throw new ModelFileError(source, `invalid header: ${e instanceof Error ? e.message : String(e)}`);
  }
  return yield* buildSteps(content, source, true, packed.weightless === true);
}

/**
 * Whether `model` holds its weights: false for a model built from a weightless packed model (a large model
 * whose replies the reply worker computes; the extension host keeps its header only). Such a model must not
 * be asked to reply: its matrices have no rows.
 */
export function hasWeights(model: ChatModel): boolean {
  return model.engine.params.every((p) => p.rows === 0 || rowsOf(p)[0] !== undefined);
}

/** `steps`' counts reported as `what`. */
function* counted<T>(what: BuildStep['what'], steps: Generator<number, T, void>): Generator<BuildStep, T, void> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    yield { what, count: r.value };
  }
}

/** `w` as float64 in a new buffer, STEP_VALUES at a time (a typed array in native copies, a plain array element by element). */
function* toFloat64(w: ArrayLike<number>): Generator<BuildStep, Float64Array, void> {
  const flat = new Float64Array(w.length);
  for (let from = 0; from < w.length; from += STEP_VALUES) {
    const to = Math.min(w.length, from + STEP_VALUES);
    if (ArrayBuffer.isView(w)) flat.set((w as Float32Array).subarray(from, to), from);
    else for (let i = from; i < to; i++) flat[i] = w[i];
    yield { what: 'values', count: to - from };
  }
  return flat;
}

/**
 * The work of modelSteps. `adopt`: float64 weights become the network's rows as they are (the worker
 * transferred them to this thread); otherwise every parameter gets a new buffer. `weightless`: the network's
 * matrices keep no rows at all (`hasWeights` false; the content has no weights).
 */
function* buildSteps(content: ModelFileContent, source: string, adopt: boolean, weightless = false): Generator<BuildStep, ChatModel, void> {
  const { header, weights } = content;
  let vocabulary: Vocabulary;
  let questionVocabulary: Vocabulary | undefined;
  try {
    vocabulary = yield* counted('tokens', Vocabulary.fromTokensInSteps(header.vocabulary, STEP_ITEMS));
    const q = header.knowledge?.questionVocabulary;
    questionVocabulary = q ? yield* counted('tokens', Vocabulary.fromTokensInSteps(q, STEP_ITEMS)) : undefined;
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
  // The weight matrices are built without rows (LoadingRandom); each gets the file's below.
  const engine = createModel(header.kind, config, new LoadingRandom());
  checkShapes(source, header, engine.params.map((p) => [p.rows, p.columns] as const));
  yield { what: 'network', count: engine.params.length };
  for (let i = 0; i < (weightless ? 0 : engine.params.length); i++) {
    const p: Matrix = engine.params[i];
    const w = weights[i];
    if (w.length !== p.rows * p.columns) throw new ModelFileError(source, `invalid weights: parameter ${i} holds ${w.length} values, expected ${p.rows}×${p.columns}`);
    const flat = adopt && w instanceof Float64Array ? w : yield* toFloat64(w);
    const rows: Float64Array[] = [];
    for (let from = 0; from < p.rows; from += STEP_ITEMS) {
      const to = Math.min(p.rows, from + STEP_ITEMS);
      adoptRows(p, flat, from, to, rows);
      yield { what: 'rows', count: to - from };
    }
  }
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
  let knowledge: ModelKnowledge | undefined;
  if (k) {
    const questions: { text: string; answer: number }[] = [];
    for (let from = 0; from < k.questions.length; from += STEP_ITEMS) {
      const to = Math.min(k.questions.length, from + STEP_ITEMS);
      for (let i = from; i < to; i++) questions.push({ text: k.questions[i][0], answer: k.questions[i][1] });
      yield { what: 'questions', count: to - from };
    }
    knowledge = { ...(questionVocabulary ? { questionVocabulary } : {}), answers: k.answers, questions, maxReplyLength: k.maxReplyLength, threshold: k.threshold };
  }
  return new ChatModel(engine, vocabulary, options, header.report, knowledge, header.history ?? []);
}
