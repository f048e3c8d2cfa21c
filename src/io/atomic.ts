/**
 * Crash-safe file replacement: write a unique temp file in the target's folder, fsync it, rename it over
 * the target (atomic on POSIX and on NTFS within one volume), then fsync the folder where the platform
 * allows it. A crash at any point leaves either the old file or the new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // the temp file may already be gone
    }
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing more to clean
    }
    throw e;
  }
  syncFolder(dir);
  removeOrphanedTemps(dir, basename(path));
}

/**
 * A writer killed between creating its temp file and renaming it leaves `.name.<pid>.<hex>.tmp` behind
 * (never read, but never removed either). After a successful save, delete those whose process is gone.
 * Temps of live processes (another writer mid-save, or this process) are left alone.
 */
export function removeOrphanedTemps(dir: string, base: string): number {
  const prefix = `.${base}.`;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
      removed++;
    } catch {
      // another writer removed it first
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** fsync on a directory makes the rename durable on Linux/macOS; Windows cannot open folders this way, so skip there. */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on folders; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
