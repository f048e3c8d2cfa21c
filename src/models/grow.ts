/**
 * Vocabulary growth for fine-tuning: a model whose vocabularies gain tokens keeps every weight it has and
 * gets new rows for the new ids, initialised as the book initialises a fresh model (ch. 7.2 `Encoder`,
 * `Decoder`): embedding rows randn/100, output-layer columns randn/√I (I = the affine layer's input width)
 * with a zero bias. Old ids keep their rows, so everything the model learnt still reads and writes the same.
 *
 * Works for every kind without knowing its layers: a fresh model of the grown size is built with the book's
 * initialisers, then each parameter takes the old values where the shapes overlap. Every parameter either
 * keeps its shape (LSTM weights), gains rows (an embedding: V×D → V'×D; the encoder's bag of embeddings: V×H → V'×H) or gains columns (the output layer:
 * I×V → I×V', 1×V → 1×V').
 */
import type { Matrix } from 'ml-matrix';
import { rowsOf, ShapeError } from '../matrix';
import { Random } from '../random';
import { shapeOf } from '../layers/util';
import { createModel } from './factory';
import type { Seq2seqModel } from './types';

/** The sizes a grown model has; each at least the model's own. */
export interface GrownSizes {
  /** V′: the answers' (decoder's) vocabulary. */
  readonly vocabSize: number;
  /** The questions' (encoder's) vocabulary when it is a table of its own (config.sourceVocabSize). */
  readonly sourceVocabSize?: number;
}

/** A copy of `model` with room for `sizes` tokens; `rng` draws the new rows. The model itself is not changed. */
export function growModel(model: Seq2seqModel, sizes: GrownSizes, rng: Random): Seq2seqModel {
  const old = model.config;
  const separate = old.sourceVocabSize !== undefined;
  if (sizes.sourceVocabSize !== undefined && !separate) {
    throw new RangeError('growModel: the model shares one vocabulary between questions and answers; expected no sourceVocabSize');
  }
  if (sizes.vocabSize < old.vocabSize) throw new RangeError(`growModel: expected vocabSize at least ${old.vocabSize}, got ${sizes.vocabSize}`);
  const source = sizes.sourceVocabSize ?? old.sourceVocabSize;
  if (source !== undefined && old.sourceVocabSize !== undefined && source < old.sourceVocabSize) {
    throw new RangeError(`growModel: expected sourceVocabSize at least ${old.sourceVocabSize}, got ${source}`);
  }
  const grown = createModel(model.kind, { ...old, vocabSize: sizes.vocabSize, ...(source !== undefined ? { sourceVocabSize: source } : {}) }, rng);
  grown.params.forEach((p, i) => keepOverlap(p, model.params[i], i));
  return grown;
}

/** Writes `from` into the top-left of `to`, which has as many columns and more rows, or as many rows and more columns. */
function keepOverlap(to: Matrix, from: Matrix, index: number): void {
  const moreRows = to.columns === from.columns && to.rows >= from.rows;
  const moreColumns = to.rows === from.rows && to.columns >= from.columns;
  if (!moreRows && !moreColumns) {
    throw new ShapeError(`growModel: params[${index}] ${shapeOf(from)} can grow only in rows or in columns, got ${shapeOf(to)}`);
  }
  const T = rowsOf(to);
  rowsOf(from).forEach((row, r) => T[r].set(row));
}
