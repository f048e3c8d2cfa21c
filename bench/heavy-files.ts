/**
 * Files of the heavy one-off operations that bench:ext (test/host/benchExt.ts) and bench:import
 * (bench/import-replay.ts) measure the extension host's thread on.
 */
import { ChatModel } from '../src/chat/model';
import { DEFAULT_TRAIN_OPTIONS } from '../src/chat/defaults';
import { serializeModel } from '../src/chat/serialize';
import { createModel } from '../src/models';
import { Random } from '../src/random';
import { Vocabulary } from '../src/text';
import { DEFAULT_PAIR_LIMITS } from '../src/data/limits';

/**
 * A peeky model of random weights with a V-token vocabulary (CJK characters), wordvec 32, `hidden`, and
 * `questions` trained questions ("question number i about things") over at most 1,000 answers ("answer i").
 */
export function syntheticModel(V: number, questions: number, hidden = 64): ChatModel {
  const vocabulary = Vocabulary.fromTokens(['<pad>', '<s>', '</s>', '<unk>', ...Array.from({ length: V - 4 }, (_, i) => String.fromCodePoint(0x4e00 + i))]);
  const engine = createModel('peeky', { vocabSize: V, wordvec: 32, hidden, reverse: true }, new Random(1));
  const answers = Array.from({ length: Math.min(1000, questions) }, (_, i) => `answer ${i}`);
  const qs = Array.from({ length: questions }, (_, i) => ({ text: `question number ${i} about things`, answer: i % answers.length }));
  return new ChatModel(engine, vocabulary, { ...DEFAULT_TRAIN_OPTIONS }, undefined, { answers, questions: qs, maxReplyLength: 40, threshold: 0.5 });
}

/**
 * The model Import Model is measured on: a peeky model with a 30,000-token vocabulary (the default
 * maxVocabulary; CJK characters), wordvec 32, hidden 64, and 20,000 trained questions over 1,000
 * answers. About 24.5 MB as a file.
 */
export function largeModel(): Uint8Array {
  return serializeModel(syntheticModel(30_000, 20_000));
}

/** A pairs file just under the 50 MiB limit (45.5 MB) with 200,001 pairs: read to its last line, then refused by maxPairs. */
export function nearLimitPairs(): string {
  const pad = 'x'.repeat(200);
  const lines: string[] = [];
  for (let i = 0; i <= DEFAULT_PAIR_LIMITS.maxPairs; i++) lines.push(`question ${i} ${pad}\tanswer ${i % 977}\n`);
  return lines.join('');
}

/** The longest gap between the ticks of a 2 ms timer while `work` runs: this thread's longest block. */
export async function longestBlock<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  let last = performance.now();
  let ms = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    ms = Math.max(ms, now - last);
    last = now;
  }, 2);
  try {
    return { value: await work(), ms };
  } finally {
    clearInterval(ticker);
  }
}
