import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sha256HexPure } from '../../../src/io/sha256';
import { sha256Hex as webSha256Hex } from '../../../src/io/hash.web';
import { Random } from '../../../src/random';

const nodeDigest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('sha256HexPure (the browser build\'s hash)', () => {
  test('gives the FIPS 180-4 digests of "" and "abc"', () => {
    assert.equal(sha256HexPure(new Uint8Array()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256HexPure(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('matches node:crypto at every length around the one- and two-block padding edges', () => {
    const rng = new Random(7);
    for (let n = 0; n <= 200; n++) {
      const bytes = new Uint8Array(n).map(() => rng.int(256));
      assert.equal(sha256HexPure(bytes), nodeDigest(bytes), `length ${n}`);
    }
  });

  test('hashes a subarray by its own bytes, not its buffer, and a 1 MB file like node:crypto', () => {
    const big = new Uint8Array(1 << 20).map((_, i) => (i * 2654435761) >>> 24);
    assert.equal(webSha256Hex(big), nodeDigest(big));
    const part = big.subarray(3, 1003);
    assert.equal(sha256HexPure(part), nodeDigest(part));
  });
});
