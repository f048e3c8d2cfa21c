/**
 * fineTuneChatModel: a trained ChatModel and a few corrections (question → the answer it should have given)
 * → a model that gives the corrected answers and still gives the others (issue #14; docs/corrections.md).
 *
 * A short training from the current weights (the book's ch. 7.3 loop, as in src/chat/train.ts) on the
 * corrections, each repeated, mixed with a seeded replay sample of the original pairs so that what was learnt
 * is rehearsed, not overwritten (experience replay). New words or characters grow the vocabularies
 * (src/models/grow.ts: old ids and weights kept, new rows initialised as the book does). The model's knowledge
 * follows: a corrected question's answer changes, a new question is added, the answer trie and the reply
 * limit take the new answers. Training stops once every correction and every replayed pair is answered
 * exactly; then the regression guard (src/chat/regression.ts) decides whether the new model replaces the old.
 */
import { growModel } from '../models';
import { Adam } from '../optim';
import { isCancelled, train } from '../train';
import { Random } from '../random';
import { normalizeAnswer, normalizeQuestion, type Vocabulary } from '../text';
import { TrainingError } from './errors';
import { padRows } from './greedy';
import { ChatModel, type ModelKnowledge } from './model';
import { checkPairs, DEFAULT_MAX_BROKEN, regressionCheck, type RegressionCheck } from './regression';
import { answeredRight, checkVocabularySize, exactMatch, replyLimit, type Example } from './train';
import type { CancellationTokenLike, CancelSignal, EpochReport, NormalizeOptions, Pair, TrainCallbacks } from './types';

export interface FineTuneOptions {
  /** Most passes over the corrections and the replay sample. Default 60; it stops as soon as all are right. */
  readonly epochs?: number;
  /**
   * Adam's step size. Default: a quarter of the model's own (TrainOptions.learningRate): at the full rate the
   * first steps on the new pairs moved the old answers (222/254 kept on the benchmark), at a quarter none
   * (254/254), and the corrections were still learnt in 10–14 epochs.
   */
  readonly learningRate?: number;
  /** Seed of the replay sample, the new rows and the shuffling. Default: the model's own. */
  readonly seed?: number;
  /** Original pairs replayed per correction. Default 8 (and at least 32 in all, when there are as many). */
  readonly replayPerCorrection?: number;
  /** Largest share of previously right answers allowed to break (the regression guard). Default 0.01. */
  readonly maxBroken?: number;
}

/** Defaults of FineTuneOptions. */
export const DEFAULT_FINE_TUNE = { epochs: 60, learningRateShare: 0.5, replayPerCorrection: 8, minReplay: 32, maxBroken: DEFAULT_MAX_BROKEN } as const;

/** Each correction appears this many times in an epoch: the few new pairs get as many steps as a good share of the replay. */
const CORRECTION_REPEATS = 4;

export interface FineTuneResult {
  /** The model to use: the fine-tuned one when the check accepted it, else the one given. */
  readonly model: ChatModel;
  /** The fine-tuned model, accepted or not. */
  readonly candidate: ChatModel;
  readonly check: RegressionCheck;
  readonly epochs: EpochReport[];
  /** Corrections after merging repeats (the last answer given for a question wins). */
  readonly corrections: readonly Pair[];
  /** Original pairs replayed. */
  readonly replayed: number;
  /** Tokens added: answer side, question side. */
  readonly grown: { readonly answers: number; readonly questions: number };
  readonly seconds: number;
}

/** The pairs a model was trained on, as its knowledge keeps them (line = position, 1-based). */
export function knownPairs(model: ChatModel): Pair[] {
  const k = model.knowledge;
  if (k === undefined) return [];
  return k.questions.map((q, i) => ({ question: q.text, answer: k.answers[q.answer], line: i + 1 }));
}

/** `count` pairs drawn without repetition from `pool` by a generator seeded with `seed`, in the pool's order. */
export function sampleReplay<T>(pool: readonly T[], count: number, seed: number): T[] {
  if (count >= pool.length) return [...pool];
  const chosen = new Random(seed).permutation(pool.length).slice(0, Math.max(0, count)).sort((a, b) => a - b);
  return chosen.map((i) => pool[i]);
}

/** Corrections with one entry per question (after normalisation): the last one given wins. */
export function mergeCorrections(corrections: readonly Pair[], normalize: NormalizeOptions): Pair[] {
  const last = new Map<string, Pair>();
  for (const c of corrections) {
    const q = normalizeQuestion(c.question, normalize);
    last.delete(q); // keep the order of the last occurrence
    last.set(q, c);
  }
  return [...last.values()];
}

/**
 * The knowledge after the corrections: a question asked before takes the corrected answer (every copy of it),
 * a new one is added; the answers are those some question still has, in order of first use; the reply limit
 * grows to fit the longest corrected answer (`longest`, in tokens).
 */
export function correctedKnowledge(k: ModelKnowledge, corrections: readonly Pair[], normalize: NormalizeOptions, longest: number, questionVocabulary?: Vocabulary): ModelKnowledge {
  const texts = k.questions.map((q) => ({ text: q.text, answer: k.answers[q.answer] }));
  const where = new Map<string, number[]>();
  texts.forEach((q, i) => {
    const key = normalizeQuestion(q.text, normalize);
    where.set(key, [...(where.get(key) ?? []), i]);
  });
  for (const c of corrections) {
    const answer = normalizeAnswer(c.answer, normalize);
    const at = where.get(normalizeQuestion(c.question, normalize));
    if (at === undefined) texts.push({ text: c.question, answer });
    else for (const i of at) texts[i].answer = answer;
  }
  const answers: string[] = [];
  const index = new Map<string, number>();
  const questions = texts.map((q) => {
    let a = index.get(q.answer);
    if (a === undefined) {
      a = answers.length;
      answers.push(q.answer);
      index.set(q.answer, a);
    }
    return { text: q.text, answer: a };
  });
  return {
    ...(questionVocabulary ? { questionVocabulary } : {}),
    answers,
    questions,
    maxReplyLength: Math.max(k.maxReplyLength, replyLimit(longest)),
    threshold: k.threshold,
  };
}

/**
 * Fine-tunes `base` on `corrections`. `original`: the pairs it was trained on, replayed and checked (default:
 * those its knowledge keeps, default small talk included). Never changes `base`; a cancel keeps the best
 * epoch so far, which still goes through the check.
 */
export async function fineTuneChatModel(
  base: ChatModel,
  corrections: readonly Pair[],
  options: FineTuneOptions = {},
  callbacks: TrainCallbacks = {},
  signal?: CancelSignal,
  original?: readonly Pair[],
): Promise<FineTuneResult> {
  const started = Date.now();
  const known = base.knowledge;
  if (known === undefined) throw new TrainingError('this model does not keep its training pairs (it was written by an older version); train it again from its pairs file before correcting it');
  if (corrections.length === 0) throw new TrainingError('expected at least one correction, got none');
  const o = base.options;
  const epochs = options.epochs ?? DEFAULT_FINE_TUNE.epochs;
  const maxBroken = options.maxBroken ?? DEFAULT_FINE_TUNE.maxBroken;
  const seed = options.seed ?? o.seed;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new TrainingError(`expected epochs to be a positive integer, got ${epochs}`);
  if (!(maxBroken >= 0 && maxBroken <= 1)) throw new TrainingError(`expected maxBroken in [0, 1], got ${maxBroken}`);
  const fixes = mergeCorrections(corrections, o.normalize);
  const corrected = new Set(fixes.map((c) => normalizeQuestion(c.question, o.normalize)));
  const knownAnswers = new Set(known.answers);
  // Original pairs the corrections leave as they were, and whose answer the model knows (a replay file may hold others).
  const pool = (original ?? knownPairs(base)).filter((p) => !corrected.has(normalizeQuestion(p.question, o.normalize)) && knownAnswers.has(normalizeAnswer(p.answer, o.normalize)));

  // Vocabularies grown by the corrections' new tokens; old ids unchanged.
  const answerTokens = fixes.map((c) => base.tokenizer.tokenize(normalizeAnswer(c.answer, o.normalize)));
  const questionTokens = fixes.map((c) => base.questionTokens(c.question));
  const separate = known.questionVocabulary !== undefined;
  const vocabulary = separate ? base.vocabulary.extend(answerTokens) : base.vocabulary.extend(fixes.flatMap((_, i) => [questionTokens[i], answerTokens[i]]));
  const questionVocabulary = known.questionVocabulary?.extend(questionTokens);
  checkVocabularySize(vocabulary, questionVocabulary, o);
  const rng = new Random(seed);
  const engine = growModel(base.engine, { vocabSize: vocabulary.size, ...(questionVocabulary ? { sourceVocabSize: questionVocabulary.size } : {}) }, rng);
  const longest = answerTokens.reduce((m, t) => Math.max(m, t.length), 1);
  const knowledge = correctedKnowledge(known, fixes, o.normalize, longest, questionVocabulary);
  const chat = new ChatModel(engine, vocabulary, o, base.report, knowledge);

  const answerOf = new Map(knowledge.answers.map((a, i) => [a, i]));
  const example = (p: Pair): Example => ({ x: chat.encodeQuestion(p.question), t: chat.encodeAnswer(p.answer), answer: answerOf.get(normalizeAnswer(p.answer, o.normalize)) ?? -1, pair: p });
  const replayCount = Math.min(pool.length, Math.max(DEFAULT_FINE_TUNE.minReplay, fixes.length * (options.replayPerCorrection ?? DEFAULT_FINE_TUNE.replayPerCorrection)));
  const fixExamples = fixes.map(example);
  const poolExamples = pool.map(example);
  // A fresh replay sample every epoch: over a few epochs most original pairs are rehearsed.
  let replaySeed = seed + 3;
  let replay = sampleReplay(poolExamples, replayCount, replaySeed);
  const repeated = Array.from({ length: CORRECTION_REPEATS }, () => fixExamples).flat();
  const slots = Array.from({ length: repeated.length + replayCount }, (_, i) => i);
  // Asked before training: which original pairs the old model answers right (the guard compares with them).
  const previouslyRight = checkPairs(base, pool).map((c) => c.right);
  // The original pairs (the corrected questions are not among them) the old model answered right: the guard's set.
  const guarded = poolExamples.filter((e, i) => previouslyRight[i] && e.answer >= 0);

  let solved = false;
  const stop: CancellationTokenLike = {
    get isCancellationRequested(): boolean {
      return solved || isCancelled(signal);
    },
  };
  const result = await train<number>(
    {
      model: engine,
      samples: slots,
      computeGradients(batch) {
        const examples = batch.map((i) => (i < repeated.length ? repeated[i] : replay[i - repeated.length]));
        const loss = engine.forward(padRows(examples.map((e) => e.x)), padRows(examples.map((e) => e.t)));
        engine.backward();
        return loss;
      },
      evaluate() {
        const fixed = exactMatch(chat, fixExamples);
        // Once every correction is learnt, every original pair the old model answered is asked (a constrained
        // pass, cheap beside an epoch): the ones it lost go first into the next epoch's replay, the rest of it
        // is a fresh sample. Training stops when nothing is lost; the guard's own check comes after.
        const right = fixed < 1 ? [] : answeredRight(chat, guarded);
        const lost = fixed < 1 ? [] : guarded.filter((_, i) => !right[i]);
        const kept = fixed < 1 ? 0 : guarded.length === 0 ? 1 : 1 - lost.length / guarded.length;
        solved = fixed === 1 && lost.length === 0;
        const fresh = sampleReplay(poolExamples, replayCount, ++replaySeed);
        replay = [...lost.slice(0, replayCount), ...fresh].slice(0, replayCount);
        // The corrections first (one more learnt outweighs any replay), then the original pairs kept.
        return { accuracy: fixed, score: fixed * (guarded.length + 1) + kept };
      },
    },
    { epochs, batchSize: o.batchSize, optimizer: new Adam({ lr: options.learningRate ?? o.learningRate * DEFAULT_FINE_TUNE.learningRateShare }), rng, clip: o.clip, signal: stop, callbacks },
  );
  if (result.stoppedBy === 'non-finite' && result.best === undefined) throw new TrainingError(result.message ?? 'fine-tuning diverged; try a lower learning rate');
  const check = regressionCheck(base, chat, pool, fixes, maxBroken, previouslyRight);
  return {
    model: check.accepted ? chat : base,
    candidate: chat,
    check,
    epochs: result.history,
    corrections: fixes,
    replayed: replayCount,
    grown: { answers: vocabulary.size - base.vocabulary.size, questions: (questionVocabulary?.size ?? 0) - (known.questionVocabulary?.size ?? 0) },
    seconds: (Date.now() - started) / 1000,
  };
}
