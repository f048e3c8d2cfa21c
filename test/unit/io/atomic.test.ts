import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/io/atomic';
import { crc32 } from '../../../src/io/crc32';
import { sha256Hex } from '../../../src/io/hash';

describe('writeFileAtomic', () => {
  test('replaces the target and leaves no temp file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-atomic-'));
    try {
      const target = join(dir, 'model.s2s');
      writeFileSync(target, 'old');
      writeFileAtomic(target, new Uint8Array([1, 2, 3]));
      assert.deepEqual(Array.from(readFileSync(target)), [1, 2, 3]);
      assert.deepEqual(readdirSync(dir), ['model.s2s']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails without touching anything when the folder does not exist', () => {
    assert.throws(() => writeFileAtomic(join(tmpdir(), 'no-such-folder-s2s', 'x.bin'), new Uint8Array(1)), /ENOENT/);
  });
});

describe('checksums', () => {
  test('crc32 matches the standard check value', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  });

  test('sha256Hex matches the standard test vector', () => {
    assert.equal(sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
