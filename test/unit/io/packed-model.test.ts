/**
 * The worker's reply to the extension host for a decoded model file (src/io/packed-model.ts): lists as one
 * string and end offsets, cut out again in bounded steps, to exactly the content decodeModelFile gave.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModelFile, encodeModelFile, type ModelFileHeader } from '../../../src/io';
import { packModel, packStrings, unpackModel, unpackStrings } from '../../../src/io/packed-model';
import { DEFAULT_NORMALIZE_OPTIONS } from '../../../src/text/normalize';

/** Runs a step generator to its end; the counts it yielded and its value. */
function drain<T>(steps: Generator<number, T, void>): { counts: number[]; value: T } {
  const counts: number[] = [];
  for (;;) {
    const r = steps.next();
    if (r.done) return { counts, value: r.value };
    counts.push(r.value);
  }
}

describe('packed strings', () => {
  test('come back as they were (empty strings, surrogate pairs, separators inside), at most perStep a step', () => {
    const list = ['', 'a', '😺ね', '', 'tab\there\nnewline', '\u0000', 'x'.repeat(1000)];
    const packed = packStrings(list);
    assert.equal(packed.ends.length, list.length);
    const { counts, value } = drain(unpackStrings(packed, 3));
    assert.deepEqual(value, list);
    assert.deepEqual(counts, [3, 3, 1]);
    assert.deepEqual(drain(unpackStrings(packStrings([]), 3)), { counts: [], value: [] });
  });

  test('end offsets out of order or past the text are refused, not read as other strings', () => {
    assert.throws(() => drain(unpackStrings({ text: 'abc', ends: Uint32Array.from([2, 1]) }, 10)), /end offset 1 of string 1 is outside \[2, 3\]/);
    assert.throws(() => drain(unpackStrings({ text: 'abc', ends: Uint32Array.from([4]) }, 10)), /end offset 4 of string 0 is outside \[0, 3\]/);
  });
});

describe('packed model', () => {
  const header: ModelFileHeader = {
    kind: 'simple',
    config: { vocabSize: 6, sourceVocabSize: 7, wordvec: 2, hidden: 1 },
    reverse: true,
    tokenizer: 'char',
    vocabulary: ['<pad>', '<s>', '</s>', '<unk>', 'ね', '😺'],
    normalize: { ...DEFAULT_NORMALIZE_OPTIONS, foldAnswers: false },
    shapes: [
      [7, 2],
      [2, 4],
      [1, 4],
    ],
    knowledge: {
      questionVocabulary: ['<pad>', '<s>', '</s>', '<unk>', 'cat', 'dog', ''],
      answers: ['ね', '😺😺'],
      questions: [
        ['cat', 0],
        ['dog', 1],
        ['', 1],
      ],
      maxReplyLength: 5,
      threshold: 0.25,
    },
  };
  const weights = header.shapes.map(([r, c], p) => Float32Array.from({ length: r * c }, (_, i) => (p + 1) * 0.1 + i / 3));
  const content = decodeModelFile(encodeModelFile({ header, weights }), 'k.s2s');

  test('unpacks to the header decodeModelFile gave and its weights as float64 of the same values', () => {
    const packed = packModel(content);
    assert.equal(Object.keys(packed.header).includes('vocabulary'), false, 'the lists travel packed, not as arrays');
    assert.deepEqual(packed.header.knowledge, { maxReplyLength: 5, threshold: 0.25 });
    const { counts, value } = drain(unpackModel(packed, 2));
    assert.deepEqual(value.header, content.header);
    value.weights.forEach((w, i) => {
      assert.ok(w instanceof Float64Array);
      assert.deepEqual(Array.from(w), Array.from(content.weights[i]));
    });
    assert.ok(counts.every((n) => n <= 2), `a step of more than 2 strings: ${counts.join(', ')}`);
    // vocabulary 6, question vocabulary 7, answers 2, question texts 3, question pairs 3
    assert.equal(counts.reduce((a, b) => a + b, 0), 6 + 7 + 2 + 3 + 3);
  });

  test('a model without knowledge packs and unpacks too', () => {
    const { knowledge: _, ...plain } = content.header;
    const bare = { header: { ...plain, config: { vocabSize: 6, wordvec: 2, hidden: 1 } }, weights: content.weights };
    assert.deepEqual(drain(unpackModel(packModel(bare), 100)).value.header, bare.header);
  });
});
