import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModelFile, encodeModelFile, checkShapes, ModelFileError, MODEL_FORMAT_VERSION, type ModelFileContent, type ModelFileHeader } from '../../../src/io';
import { DEFAULT_NORMALIZE_OPTIONS } from '../../../src/text/normalize';
import { Random } from '../../../src/random';
import { headerOf, rebuild, reseal } from '../helpers/model-file-bytes';

function sample(): ModelFileContent {
  const header: ModelFileHeader = {
    kind: 'peeky',
    config: { vocabSize: 6, wordvec: 3, hidden: 2 },
    reverse: true,
    tokenizer: 'char',
    vocabulary: ['<pad>', '<s>', '</s>', '<unk>', 'ね', '😺'],
    normalize: DEFAULT_NORMALIZE_OPTIONS,
    shapes: [
      [6, 3],
      [3, 8],
      [1, 8],
    ],
  };
  const rng = new Random(7);
  const weights = header.shapes.map(([r, c]) => Float64Array.from({ length: r * c }, () => rng.normal() * 1e3));
  return { header, weights };
}

function expectModelError(bytes: Uint8Array, reason: RegExp): void {
  assert.throws(() => decodeModelFile(bytes, 'm.s2s'), (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    assert.match(e.message, /^m\.s2s: /);
    assert.match(e.reason, reason);
    return true;
  });
}

/** Re-encodes with a hand-edited header (bypassing encode's own validation). */
function withHeader(content: ModelFileContent, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const bytes = encodeModelFile(content);
  const { header, rest } = headerOf(bytes);
  edit(header);
  return rebuild(bytes, header, rest);
}

describe('model file round trip', () => {
  test('is bit-exact for float32 weights and keeps the header', () => {
    const content = sample();
    const decoded = decodeModelFile(encodeModelFile(content));
    assert.deepEqual(decoded.header, JSON.parse(JSON.stringify(content.header)));
    decoded.weights.forEach((w, i) => assert.deepEqual(Array.from(w), Array.from(Float32Array.from(content.weights[i]))));
    // Encoding the decoded file again gives the same bytes.
    assert.deepEqual(encodeModelFile(decoded), encodeModelFile(content));
  });

  test('starts with the magic and the format version', () => {
    const bytes = encodeModelFile(sample());
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), 'S2SCHAT\0');
    assert.equal(new DataView(bytes.buffer).getUint32(8, true), MODEL_FORMAT_VERSION);
  });
});

describe('model file validation', () => {
  test('rejects a truncated file', () => {
    const bytes = encodeModelFile(sample());
    expectModelError(bytes.subarray(0, bytes.length - 10), /^truncated|^corrupted: checksum/);
    expectModelError(reseal(bytes.slice(0, bytes.length - 8)), /^truncated: \d+ bytes, expected \d+/);
    expectModelError(bytes.subarray(0, 30), /^truncated/);
    expectModelError(bytes.subarray(0, 12), /^truncated/);
  });

  test('rejects a flipped byte as corrupted', () => {
    for (const at of [20, 200]) {
      const bytes = encodeModelFile(sample()).slice();
      bytes[Math.min(at, bytes.length - 6)] ^= 0x10;
      expectModelError(bytes, /^corrupted: checksum mismatch/);
    }
  });

  test('rejects a foreign file', () => {
    expectModelError(new TextEncoder().encode('PK\x03\x04 this is a zip'), /^not a Seq2Seq Chat model file/);
    expectModelError(new Uint8Array(0), /^truncated/);
  });

  test('rejects a newer format version with both numbers', () => {
    const bytes = encodeModelFile(sample()).slice();
    new DataView(bytes.buffer).setUint32(8, MODEL_FORMAT_VERSION + 1, true);
    expectModelError(reseal(bytes), new RegExp(`made by a newer version of Seq2Seq Chat \\(format ${MODEL_FORMAT_VERSION + 1}, this reads up to ${MODEL_FORMAT_VERSION}\\)`));
  });

  test('rejects bad header JSON and inconsistent headers', () => {
    const bytes = encodeModelFile(sample()).slice();
    bytes[16] = 0x7e; // '{' → '~'
    expectModelError(reseal(bytes), /^invalid header JSON/);
    expectModelError(withHeader(sample(), (h) => ((h.config as Record<string, number>).vocabSize = 7)), /vocabulary has 6 tokens but config\.vocabSize is 7/);
    expectModelError(withHeader(sample(), (h) => (h.kind = 'transformer')), /expected model kind simple, peeky, attention, got "transformer"/);
    expectModelError(withHeader(sample(), (h) => (h.shapes = [[6, 3], [3, 8], [0, 8]])), /shapes\[2\]/);
    expectModelError(withHeader(sample(), (h) => delete h.normalize), /normalisation options/);
    expectModelError(withHeader(sample(), (h) => ((h.config as Record<string, unknown>).bag = 'yes')), /expected config\.bag to be a boolean, got "yes"/);
    expectModelError(withHeader(sample(), (h) => ((h.config as Record<string, unknown>).bag = true) && (h.kind = 'attention')), /config\.bag is set but the model kind is attention/);
  });

  test('reads a file written before normalize.foldAnswers existed as folding answers, as that writer did', () => {
    const old = withHeader(sample(), (h) => delete (h.normalize as Record<string, unknown>).foldAnswers);
    assert.equal(decodeModelFile(old).header.normalize.foldAnswers, true);
    assert.equal(decodeModelFile(encodeModelFile(sample())).header.normalize.foldAnswers, false);
    expectModelError(withHeader(sample(), (h) => ((h.normalize as Record<string, unknown>).foldAnswers = 'yes')), /expected normalize\.foldAnswers to be a boolean, got string/);
  });

  test('rejects non-finite weights', () => {
    const content = sample();
    const bytes = encodeModelFile(content).slice();
    const len = new DataView(bytes.buffer).getUint32(12, true);
    new DataView(bytes.buffer).setFloat32(16 + len + 4 * 20, Number.NaN, true);
    expectModelError(reseal(bytes), /parameter 1 holds a non-finite weight \(NaN\) at index 2/);
    assert.throws(() => encodeModelFile({ header: content.header, weights: [new Float32Array(18).fill(Infinity), new Float32Array(24), new Float32Array(8)] }), /finite/);
  });

  test('checkShapes names the parameter and both shapes', () => {
    const { header } = sample();
    assert.throws(() => checkShapes('m.s2s', header, [[6, 3], [3, 8], [1, 9]]), /^ModelFileError: m\.s2s: invalid shapes: parameter 2 is 1×8, expected 1×9 for a peeky model with vocabulary 6/);
    assert.throws(() => checkShapes('m.s2s', header, [[6, 3]]), /3 parameters stored, expected 1/);
    checkShapes('m.s2s', header, header.shapes);
  });
});

describe('model file: limits before the header JSON is parsed (#10 item 10)', () => {
  /** A file with a valid checksum whose header is `json`, as a crafted file would be. */
  function craft(json: string): Uint8Array {
    const body = new TextEncoder().encode(json);
    const out = new Uint8Array(16 + body.length + 4);
    out.set(encodeModelFile(sample()).subarray(0, 12));
    new DataView(out.buffer).setUint32(12, body.length, true);
    out.set(body, 16);
    return reseal(out);
  }

  test('a header of deeply nested arrays (seconds and gigabytes in JSON.parse) is refused in one pass over its bytes', () => {
    const depth = 4_000_000;
    const bytes = craft('['.repeat(depth) + ']'.repeat(depth));
    const t0 = performance.now();
    expectModelError(bytes, /^invalid header: it nests more than 24 levels deep, a model header at most 6$/);
    assert.ok(performance.now() - t0 < 1000, `refused in ${(performance.now() - t0).toFixed(0)} ms`);
  });

  test('brackets inside strings do not count, so real headers with "[" in their vocabulary load', () => {
    const c = sample();
    const content = { ...c, header: { ...c.header, vocabulary: ['<pad>', '<s>', '</s>', '<unk>', '[[[[[[[[', '\\"{{{{{{{{'] } };
    assert.deepEqual(decodeModelFile(encodeModelFile(content)).header.vocabulary, content.header.vocabulary);
  });

  test('a damaged header is reported by its checksum, before its JSON is read', () => {
    const bytes = encodeModelFile(sample());
    bytes[20] = '['.charCodeAt(0); // inside the header
    expectModelError(bytes, /^corrupted: checksum mismatch/);
  });
});
