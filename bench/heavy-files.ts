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
 * The model Import Model is measured on: a peeky model with a 30,000-token vocabulary (the default
 * maxVocabulary; CJK characters), wordvec 32, hidden 64, and 20,000 trained questions over 1,000
 * answers. About 24.5 MB as a file.
 */
export function largeModel(): Uint8Array {
  const V = 30_000;
  const vocabulary = Vocabulary.fromTokens(['<pad>', '<s>', '</s>', '<unk>', ...Array.from({ length: V - 4 }, (_, i) => String.fromCodePoint(0x4e00 + i))]);
  const engine = createModel('peeky', { vocabSize: V, wordvec: 32, hidden: 64, reverse: true }, new Random(1));
  const answers = Array.from({ length: 1000 }, (_, i) => `answer ${i}`);
  const questions = Array.from({ length: 20_000 }, (_, i) => ({ text: `question number ${i} about things`, answer: i % 1000 }));
  return serializeModel(new ChatModel(engine, vocabulary, { ...DEFAULT_TRAIN_OPTIONS }, undefined, { answers, questions, maxReplyLength: 40, threshold: 0.5 }));
}

/** A pairs file just under the 50 MiB limit (45.5 MB) with 200,001 pairs: read to its last line, then refused by maxPairs. */
export function nearLimitPairs(): string {
  const pad = 'x'.repeat(200);
  const lines: string[] = [];
  for (let i = 0; i <= DEFAULT_PAIR_LIMITS.maxPairs; i++) lines.push(`question ${i} ${pad}\tanswer ${i % 977}\n`);
  return lines.join('');
}
