import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PairFileError, readPairs } from '../../../src/data';

/** UTF-16 code units of `text`, little- or big-endian, with an optional byte-order mark. */
function utf16(text: string, endian: 'le' | 'be', bom = false): Uint8Array {
  const units = (bom ? '\ufeff' : '') + text;
  const bytes = new Uint8Array(units.length * 2);
  for (let i = 0; i < units.length; i++) {
    const u = units.charCodeAt(i);
    bytes[2 * i + (endian === 'le' ? 0 : 1)] = u & 0xff;
    bytes[2 * i + (endian === 'le' ? 1 : 0)] = u >> 8;
  }
  return bytes;
}

describe('a UTF-16 pairs file', () => {
  const text = 'hello\thi!\ncat\tねこ\ndog\tいぬ\n';
  for (const endian of ['le', 'be'] as const) {
    for (const bom of [false, true]) {
      test(`UTF-16${endian.toUpperCase()} ${bom ? 'with' : 'without'} a BOM is refused with a message saying so (it was read as UTF-8 with NULs)`, () => {
        assert.throws(
          () => readPairs(utf16(text, endian, bom), 'pairs.tsv'),
          (e: unknown) => e instanceof PairFileError && e.line === 0 && /looks like UTF-16/.test(e.message) && /save it as UTF-8/.test(e.message),
        );
      });
    }
  }

  test('UTF-8 text with a few NULs is not taken for UTF-16', () => {
    const r = readPairs(new TextEncoder().encode('a\0b\tc\nd\te\n'), 'pairs.tsv');
    assert.equal(r.pairs.length, 2);
  });
});
