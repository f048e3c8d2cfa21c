/**
 * The CLI's files: reading a pairs or model file after checking it with `stat`, and checking `--out`
 * before any training. Both fail before any work, with a message that names the path and the reason.
 */
import { accessSync, closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkFileSize, PairFileError, type PairLimits } from '../chat';
import { limitHint, resolveLimits } from '../data/limits';
import { UsageError } from './args';

/** Bad input that is not a pairs or model file error (unreadable file, unwritable output). Exit code 1. */
export class BadInput extends Error {}

function describeKind(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'an unknown kind of file';
}

function cannotRead(path: string, e: unknown): BadInput {
  const code = (e as NodeJS.ErrnoException).code;
  return new BadInput(`${path}: cannot read (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : e instanceof Error ? e.message : String(e)})`);
}

/**
 * Reads a whole file, checked with `stat` first: a FIFO would block, /dev/zero would never end and a
 * folder cannot be read, so anything but a regular file is refused; a pairs file (`limits` given) over
 * maxFileBytes is refused from its size, with readPairs's message, before a byte is read.
 */
export function readBytes(path: string, limits?: Partial<PairLimits>): Uint8Array {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw cannotRead(path, e);
  }
  if (!st.isFile()) throw new BadInput(`${path}: cannot read: not a regular file (${describeKind(st)})`);
  if (limits !== undefined) checkFileSize(path, st.size, limits);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw cannotRead(path, e);
  }
  try {
    // The size again from the open file, which may have been replaced since the stat.
    const size = fstatSync(fd).size;
    if (limits !== undefined) checkFileSize(path, size, limits);
    const bytes = new Uint8Array(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, null);
      if (n === 0) break;
      read += n;
    }
    return read === size ? bytes : bytes.subarray(0, read);
  } catch (e) {
    if (e instanceof PairFileError) throw e;
    throw cannotRead(path, e);
  } finally {
    closeSync(fd);
  }
}


/** The name `-` stands for standard input; messages call it `<stdin>` (`<stdin>:3: expected …`). */
export const STDIN_NAME = '<stdin>';

export function displayName(path: string): string {
  return path === '-' ? STDIN_NAME : path;
}

/**
 * Reads all of `stdin` (the pairs file `-`), refusing it as soon as it passes maxFileBytes: a stream has no
 * size to check first, so the limit is checked on every chunk and nothing past it is kept.
 */
export async function readStream(stdin: NodeJS.ReadableStream, limits: Partial<PairLimits>): Promise<Uint8Array> {
  const { maxFileBytes } = resolveLimits(limits);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    size += bytes.length;
    if (size > maxFileBytes) {
      throw new PairFileError(STDIN_NAME, 0, `more than ${maxFileBytes.toLocaleString('en-US')} bytes, over the limit (${limitHint('maxFileBytes')})`);
    }
    chunks.push(bytes);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** A pairs or questions file's bytes: `-` reads standard input, anything else goes through readBytes. */
export async function readInput(path: string, stdin: NodeJS.ReadableStream, limits: Partial<PairLimits>): Promise<Uint8Array> {
  return path === '-' ? readStream(stdin, limits) : readBytes(path, limits);
}

/**
 * Refuses an output that cannot be written, before any training: '' (usage), the pairs file itself,
 * also through a symlink or hard link (usage), a folder or anything else that is not a regular file, a
 * missing folder or one that is not writable.
 */
export function checkOutput(out: string, pairsPath: string, flag = '--out', what = 'the model'): void {
  if (out === '') throw new UsageError(`${flag}: expected a file name, got ""`);
  const target = resolve(out);
  const there = (reason: string): BadInput => new BadInput(`${out}: cannot write ${what} there (${reason})`);
  let outStat: Stats | undefined;
  try {
    outStat = statSync(target);
  } catch {
    // Not there yet (or under something that is not a folder): the parent tells.
  }
  if (outStat !== undefined) {
    if (outStat.isDirectory()) throw there('it is a folder');
    // The rename would replace a FIFO, a socket or (as root) a device such as /dev/null with the model.
    if (!outStat.isFile()) throw there(`it is ${describeKind(outStat)}, not a regular file`);
    let inStat: Stats | undefined;
    try {
      inStat = statSync(pairsPath);
    } catch {
      // readBytes reports a missing pairs file
    }
    if (inStat !== undefined && inStat.dev === outStat.dev && inStat.ino === outStat.ino) {
      throw new UsageError(`${flag} ${out} is the pairs file ${pairsPath}; ${what} would replace it (choose another ${flag})`);
    }
  }
  const parent = dirname(target);
  let parentStat: Stats;
  try {
    parentStat = statSync(parent);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw there(code === 'ENOENT' ? `the folder ${parent} does not exist` : code === 'ENOTDIR' ? `${parent} is not under a folder` : `cannot stat the folder ${parent}: ${code ?? String(e)}`);
  }
  if (!parentStat.isDirectory()) throw there(`${parent} is not a folder`);
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch {
    throw there(`the folder ${parent} is not writable`);
  }
}

/** The date written into a reproducible model file: SOURCE_DATE_EPOCH (seconds) when set, else 1970; undefined when neither is asked for. */
export function fixedDate(deterministic: boolean): string | undefined {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    // reproducible-builds.org: a decimal integer of seconds since 1970-01-01 UTC.
    const seconds = /^\d{1,15}$/.test(epoch) ? Number(epoch) : Number.NaN;
    const date = new Date(seconds * 1000);
    if (Number.isNaN(date.getTime())) throw new UsageError(`SOURCE_DATE_EPOCH: expected a whole number of seconds since 1970, got ${JSON.stringify(epoch)}`);
    return date.toISOString();
  }
  return deterministic ? new Date(0).toISOString() : undefined;
}
