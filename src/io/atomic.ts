/**
 * Crash-safe file replacement: write a unique temp file in the target's folder, fsync it, rename it over
 * the target (atomic on POSIX and on NTFS within one volume), then fsync the folder where the platform
 * allows it. A crash at any point leaves either the old file or the new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

/**
 * Names this host and PID namespace (8 hex digits of a hash of the host name and, on Linux, the PID
 * namespace's inode). A temp file's PID can be probed only by a process with the same tag: a container
 * sharing the folder has its own PIDs, and PID 1234 there says nothing about PID 1234 here.
 */
function namespaceTag(): string {
  let ns = '';
  try {
    ns = readlinkSync('/proc/self/ns/pid');
  } catch {
    // not Linux, or no /proc: the host name alone
  }
  return createHash('sha256').update(`${hostname()}\0${ns}`).digest('hex').slice(0, 8);
}

const TAG = namespaceTag();

/** Temp files of writers we cannot probe are removed only once they are this old (by mtime): no save takes an hour. */
export const ORPHAN_AGE_MS = 60 * 60 * 1000;

/** The temp file a writer with process id `pid` in this PID namespace uses for `path`: `.name.<pid>.<tag>.<random>.tmp`. */
export function tempName(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.${pid}.${TAG}.${randomBytes(6).toString('hex')}.tmp`);
}

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const dir = dirname(path);
  const temp = tempName(path);
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
 * writeFileAtomic with the writes, the fsync and the rename on libuv's thread pool: a thread that must stay
 * responsive (the extension host saving a 25 MB model: 100 ms and more of its thread otherwise) only
 * waits. Same steps and guarantees; the orphans' removal (a listing of one folder) stays synchronous.
 */
export async function writeFileAtomicAsync(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temp = tempName(path);
  const file = await open(temp, 'wx', 0o644);
  let renamed = false;
  try {
    try {
      let written = 0;
      while (written < bytes.length) written += (await file.write(bytes, written, bytes.length - written)).bytesWritten;
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined); // the temp file may already be gone
  }
  if (process.platform !== 'win32') {
    // as syncFolder: some file systems refuse fsync on folders; the rename itself is still atomic
    const folder = await open(dir, 'r').catch(() => undefined);
    await folder?.sync().catch(() => undefined);
    await folder?.close();
  }
  removeOrphanedTemps(dir, basename(path));
}

/**
 * A writer killed between creating its temp file and renaming it leaves `.name.<pid>.<tag>.<hex>.tmp` behind
 * (never read, but never removed either). After a successful save, delete those that are provably orphaned:
 * with our tag (same host and PID namespace) and a PID that is gone, or of any writer and over an hour old.
 * Temps of live processes (another writer mid-save, or this process) and fresh ones of writers we cannot
 * probe (another container, another host on a network drive, an older version's untagged name) are left alone.
 */
export function removeOrphanedTemps(dir: string, base: string, now = Date.now()): number {
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
    const parts = name.slice(prefix.length).split('.'); // pid, tag, random, 'tmp' (older: pid, random, 'tmp')
    const pid = Number(parts[0]);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const ours = parts.length === 4 && parts[1] === TAG;
    if (ours && (pid === process.pid || isAlive(pid))) continue;
    if (!ours && !olderThan(join(dir, name), now - ORPHAN_AGE_MS)) continue;
    try {
      unlinkSync(join(dir, name));
      removed++;
    } catch {
      // another writer removed it first
    }
  }
  return removed;
}

function olderThan(path: string, time: number): boolean {
  try {
    return statSync(path).mtimeMs < time;
  } catch {
    return false;
  }
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
