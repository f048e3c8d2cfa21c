/**
 * A decoded model file in the form the worker hands to the extension host (src/worker/tasks.ts): a few
 * large objects instead of tens of thousands of small ones. The host receives a message in one block of
 * its thread (structured-clone deserialisation), so a header of 30,000 tokens and 20,000 questions as
 * strings and arrays costs it one long block; as one string with a table of end offsets per list, it
 * costs about a copy of the text. The host rebuilds the lists in steps (`unpackModel`, driven by
 * src/chat/serialize.ts between turns of its event loop).
 *
 * The weights travel as float64, the engine's type, converted in the worker: the host adopts those
 * buffers as the network's rows, with no allocation and no copy of its own.
 */
import type { ModelFileContent, ModelFileHeader, StoredKnowledge } from './model-file';

/** A list of strings as their concatenation and the end offset of each (UTF-16 code units). */
export interface PackedStrings {
  readonly text: string;
  readonly ends: Uint32Array;
}

/** The header less its long lists, which travel packed (`PackedModel.lists`). */
export type PackedHeader = Omit<ModelFileHeader, 'vocabulary' | 'knowledge'> & {
  readonly knowledge?: Pick<StoredKnowledge, 'maxReplyLength' | 'threshold'>;
};

export interface PackedModel {
  readonly header: PackedHeader;
  readonly lists: {
    readonly vocabulary: PackedStrings;
    readonly questionVocabulary?: PackedStrings;
    readonly answers?: PackedStrings;
    readonly questions?: PackedStrings;
    /** knowledge.questions' answer indices, by question. */
    readonly questionAnswers?: Uint32Array;
  };
  /** Every parameter, row-major, in header.shapes order, as float64: the receiver adopts these buffers. */
  readonly weights: readonly Float64Array[];
  /** Packed without its weights (`weights` is empty): the model answers elsewhere (the reply worker). */
  readonly weightless?: true;
}

export function packStrings(list: readonly string[]): PackedStrings {
  const ends = new Uint32Array(list.length);
  let at = 0;
  list.forEach((s, i) => {
    at += s.length;
    ends[i] = at;
  });
  return { text: list.join(''), ends };
}

/** The strings of `p`, `perStep` at a time: yields how many each step cut out. */
export function* unpackStrings(p: PackedStrings, perStep: number): Generator<number, string[], void> {
  const out: string[] = [];
  let start = 0;
  for (let from = 0; from < p.ends.length; from += perStep) {
    const to = Math.min(p.ends.length, from + perStep);
    for (let i = from; i < to; i++) {
      const end = p.ends[i];
      if (end < start || end > p.text.length) throw new RangeError(`packed strings: end offset ${end} of string ${i} is outside [${start}, ${p.text.length}]`);
      out.push(p.text.slice(start, end));
      start = end;
    }
    yield to - from;
  }
  return out;
}

/**
 * `content` packed for the host (in the worker). `weights: false`: without its weights (`weights` empty,
 * `weightless` true): the host builds the network's shapes and the model's header only (serialize.ts).
 */
export function packModel(content: ModelFileContent, { weights = true }: { readonly weights?: boolean } = {}): PackedModel {
  const { vocabulary, knowledge, ...rest } = content.header;
  const lists: PackedModel['lists'] = {
    vocabulary: packStrings(vocabulary),
    ...(knowledge
      ? {
          ...(knowledge.questionVocabulary ? { questionVocabulary: packStrings(knowledge.questionVocabulary) } : {}),
          answers: packStrings(knowledge.answers),
          questions: packStrings(knowledge.questions.map(([text]) => text)),
          questionAnswers: Uint32Array.from(knowledge.questions, ([, answer]) => answer),
        }
      : {}),
  };
  const header: PackedHeader = { ...rest, ...(knowledge ? { knowledge: { maxReplyLength: knowledge.maxReplyLength, threshold: knowledge.threshold } } : {}) };
  if (!weights) return { header, lists, weights: [], weightless: true };
  return { header, lists, weights: content.weights.map((w) => Float64Array.from(w)) };
}

/** The buffers of `p` a message transfers (weights, offsets): after it they belong to the receiver. */
export function packedBuffers(p: PackedModel): ArrayBuffer[] {
  const { vocabulary, questionVocabulary, answers, questions, questionAnswers } = p.lists;
  const typed = [vocabulary.ends, questionVocabulary?.ends, answers?.ends, questions?.ends, questionAnswers, ...p.weights];
  return typed.flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
}

/**
 * The content `p` packs, its lists cut out `perStep` strings at a time (yields how many each step cut);
 * the weights are `p`'s own buffers.
 */
export function* unpackModel(p: PackedModel, perStep: number): Generator<number, ModelFileContent & { readonly weights: readonly Float64Array[] }, void> {
  const { knowledge, ...rest } = p.header;
  const vocabulary = yield* unpackStrings(p.lists.vocabulary, perStep);
  let stored: StoredKnowledge | undefined;
  const { answers, questions, questionAnswers, questionVocabulary } = p.lists;
  if (knowledge) {
    if (!answers || !questions || !questionAnswers) throw new RangeError('packed model: the header has knowledge but its answers or questions are missing');
    const q = questionVocabulary ? yield* unpackStrings(questionVocabulary, perStep) : undefined;
    const answerTexts = yield* unpackStrings(answers, perStep);
    const texts = yield* unpackStrings(questions, perStep);
    if (questionAnswers.length !== texts.length) throw new RangeError(`packed model: ${texts.length} questions but ${questionAnswers.length} answer indices`);
    const pairs: (readonly [string, number])[] = [];
    for (let from = 0; from < texts.length; from += perStep) {
      const to = Math.min(texts.length, from + perStep);
      for (let i = from; i < to; i++) pairs.push([texts[i], questionAnswers[i]]);
      yield to - from;
    }
    stored = { ...(q ? { questionVocabulary: q } : {}), answers: answerTexts, questions: pairs, ...knowledge };
  }
  return { header: { ...rest, vocabulary, ...(stored ? { knowledge: stored } : {}) }, weights: p.weights };
}
