import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempName, writeFileAtomic, writeFileAtomicAsync } from '../../../src/io/atomic';
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
  test('writeFileAtomicAsync: the same replacement, the thread free meanwhile; a failed write leaves no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-atomic-'));
    try {
      const target = join(dir, 'model.s2s');
      writeFileSync(target, 'old');
      const bytes = Uint8Array.from({ length: 3_000_000 }, (_, i) => i % 251);
      let turns = 0;
      const ticking = setInterval(() => turns++, 0);
      await writeFileAtomicAsync(target, bytes);
      clearInterval(ticking);
      assert.ok(turns > 0, 'no timer ran while the file was written');
      assert.deepEqual(readFileSync(target), Buffer.from(bytes));
      assert.deepEqual(readdirSync(dir), ['model.s2s']);
      // a folder in the target's place: the rename fails, the temp file is removed, the folder kept
      const folder = join(dir, 'taken');
      mkdirSync(folder);
      await assert.rejects(writeFileAtomicAsync(folder, new Uint8Array(1)), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
      assert.deepEqual(readdirSync(dir).sort(), ['model.s2s', 'taken']);
      await assert.rejects(writeFileAtomicAsync(join(dir, 'no-such-folder', 'x.bin'), new Uint8Array(1)), /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('orphaned temp files', () => {
  /** The PID of a process that has exited (PIDs are not reused this soon). */
  const deadPid = (): number => {
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(r.stdout);
  };

  test('a fresh temp of a PID this process cannot see (another PID namespace or host) is kept; an hour-old one is removed', () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-atomic-'));
    try {
      const target = join(dir, 'model.s2s');
      const pid = deadPid();
      // Another container sharing the folder: its PIDs are not ours to probe, its tag differs.
      const foreign = `.model.s2s.${pid}.0badf00d.0123456789ab.tmp`;
      const foreignOld = `.model.s2s.${pid + 1}.0badf00d.0123456789ab.tmp`;
      // Written by an older version (no tag): only its age can tell.
      const untagged = `.model.s2s.${pid}.0123456789ab.tmp`;
      // Ours (same host and PID namespace) and its writer is gone: removed at once, as before.
      const ours = tempName(target, pid).slice(dir.length + 1);
      for (const name of [foreign, foreignOld, untagged, ours]) writeFileSync(join(dir, name), 'partial');
      const twoHoursAgo = Date.now() / 1000 - 2 * 3600;
      utimesSync(join(dir, foreignOld), twoHoursAgo, twoHoursAgo);
      writeFileAtomic(target, new Uint8Array([1]));
      assert.deepEqual(readdirSync(dir).sort(), [foreign, untagged, 'model.s2s'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a temp of a live writer with our tag is kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-atomic-'));
    try {
      const target = join(dir, 'model.s2s');
      const live = tempName(target, process.ppid).slice(dir.length + 1);
      writeFileSync(join(dir, live), 'partial');
      writeFileAtomic(target, new Uint8Array([1]));
      assert.deepEqual(readdirSync(dir).sort(), [live, 'model.s2s'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
