/**
 * A tiny trained model as the extension holds it: trained on `pairs` (TSV), serialised, and read back from
 * its file (float32 weights), as the reply worker reads it too, so replies computed here and there agree.
 */
import { deserializeModel, readPairs, serializeModel, trainChatModel, type ChatModel } from '../../../src/chat';

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
