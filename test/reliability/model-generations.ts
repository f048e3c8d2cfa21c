/**
 * Models that carry their own "generation" number, for the crash-safety tests: generation g has
 * `options.seed = g` in its header and every weight set to weightOf(g, parameter, index). A file that
 * loads is therefore exactly one generation (header and weights agree) or a mix (they do not).
 */
import { ChatModel, DEFAULT_TRAIN_OPTIONS, deserializeModel, serializeModel } from '../../src/chat';
import { rowsOf } from '../../src/matrix';
import { createModel } from '../../src/models';
import { Random } from '../../src/random';
import { Vocabulary } from '../../src/text';

/** V = 4 + 40 characters, D 16, H 48: about 45,000 weights (≈ 180 kB on disk), so a save takes a while. */
const TOKENS = Array.from('abcdefghijklmnopqrstuvwxyz0123456789 ?!.');

/** A weight that depends on the generation, the parameter and the index; exact in float32. */
export function weightOf(g: number, p: number, i: number): number {
  return (((g * 131 + p * 17 + i) % 2048) - 1024) / 1024;
}

export class GenerationWriter {
  private readonly engine = createModel('peeky', { vocabSize: 4 + TOKENS.length, wordvec: 16, hidden: 48, reverse: true }, new Random(1));
  private readonly vocabulary = Vocabulary.build([TOKENS]);

  /** serializeModel of generation g. */
  bytesOf(g: number): Uint8Array {
    this.engine.params.forEach((m, p) => {
      rowsOf(m).forEach((row, r) => {
        for (let c = 0; c < m.columns; c++) row[c] = weightOf(g, p, r * m.columns + c);
      });
    });
    return serializeModel(new ChatModel(this.engine, this.vocabulary, { ...DEFAULT_TRAIN_OPTIONS, seed: g }, undefined));
  }
}

/** The generation a model file holds; throws (ModelFileError) when it does not load, Error when header and weights disagree. */
export function generationOf(bytes: Uint8Array, source: string): number {
  const model = deserializeModel(bytes, source);
  const g = model.options.seed;
  model.engine.params.forEach((m, p) => {
    rowsOf(m).forEach((row, r) => {
      for (let c = 0; c < m.columns; c++) {
        const i = r * m.columns + c;
        if (row[c] !== weightOf(g, p, i)) throw new Error(`${source}: a mix: header says generation ${g}, but parameter ${p} weight ${i} is ${row[c]}, expected ${weightOf(g, p, i)}`);
      }
    });
  });
  return g;
}
