/**
 * A tiny trained model as the extension holds it: trained on `pairs` (TSV), serialised, and read back from
 * its file (float32 weights), as the reply worker reads it too, so replies computed here and there agree.
 */
import { deserializeModel, optionsForFormat, readPairs, serializeModel, trainChatModel, type ChatModel } from '../../../src/chat';
import { Random } from '../../../src/random';

export async function tinyModelFile(pairs: string, seed: number): Promise<{ model: ChatModel; bytes: Uint8Array }> {
  const read = readPairs(new TextEncoder().encode(pairs), 't.tsv').pairs;
  const bytes = serializeModel((await trainChatModel(read, { hidden: 16, wordvec: 8, epochs: 60, batchSize: 3, validation: 0, patience: 0, seed })).model);
  return { model: deserializeModel(bytes, 't.s2s'), bytes };
}

/** Two tiny models trained on the same questions with other answers (a model change shows in every reply). */
export async function twoTinyModels(): Promise<{ a: { model: ChatModel; bytes: Uint8Array }; b: { model: ChatModel; bytes: Uint8Array } }> {
  return {
    a: await tinyModelFile('hello\thi there\nbye\tsee you\nname\tseq2seq\n', 1),
    b: await tinyModelFile('hello\tgood morning\nbye\tfarewell\nname\tthe other one\n', 2),
  };
}

/** The book's fixed-width lines (`abcd  _abcd`) of a copy task: a character task whose answers are computed. */
export function copyLines(words: readonly string[]): string {
  return words.map((w) => `${w}  _${w}\n`).join('');
}

/**
 * A copy task trained as `seq2seq-chat train` trains a fixed-width file (optionsForFormat: characters, padded
 * questions, no noise, no small talk), in seconds: 300 four-letter words of a–f, and 60 new ones (`fresh`)
 * whose answers were never trained. The model is read back from its file, as the extension holds it.
 */
export async function copyTaskModel(): Promise<{ model: ChatModel; bytes: Uint8Array; trained: string[]; fresh: string[] }> {
  const rng = new Random(11);
  const words = new Set<string>();
  while (words.size < 360) words.add(Array.from({ length: 4 }, () => 'abcdef'[rng.int(6)]).join(''));
  const [trained, fresh] = [[...words].slice(0, 300), [...words].slice(300)];
  const read = readPairs(new TextEncoder().encode(copyLines(trained)), 'copy.txt');
  if (read.format !== 'fixed') throw new Error(`expected the fixed-width format, got ${read.format}`);
  const given = { model: 'attention', reverse: true, epochs: 4, patience: 0, batchSize: 16, hidden: 32, wordvec: 8, learningRate: 0.01, threads: 1, validation: 0, seed: 1 } as const;
  const bytes = serializeModel((await trainChatModel(read.pairs, optionsForFormat(read.format, given))).model);
  return { model: deserializeModel(bytes, 'copy.s2s'), bytes, trained, fresh };
}
