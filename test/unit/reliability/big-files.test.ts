/**
 * Files just under the 50 MiB limit with far more than maxPairs records: the readers check the count (and
 * line and field lengths) as they go, so a file that is refused never builds all its records. Each file
 * is read in a child process (heap capped at 512 MB) whose peak RSS may rise by at most 2× the file + 100 MB
 * while reading (the bytes, the decoded text, and the pairs up to the limit).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PAIR_LIMITS } from '../../../src/data';

const CHILD = join(__dirname, '../../reliability/read-pairs.js');

interface ChildResult {
  readonly pairs?: number;
  readonly error?: string;
  readonly line?: number;
  readonly ms: number;
  readonly peakRssBytes: number;
  /** The child's peak RSS before it read the file (Node and the engine's modules, about 45 MB). */
  readonly startRssBytes: number;
}

function readInChild(path: string): ChildResult {
  const r = spawnSync(process.execPath, ['--max-old-space-size=512', CHILD, path], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `the reader died (${r.signal ?? r.status}): ${r.stderr.slice(-800)}`);
  return JSON.parse(r.stdout) as ChildResult;
}

/** `record` repeated to just under `bytes`, with an optional head and tail. */
function repeated(record: string, bytes: number, head = '', tail = ''): Uint8Array {
  const enc = new TextEncoder();
  const count = Math.floor((bytes - head.length - tail.length) / record.length);
  const body = count * record.length;
  const out = new Uint8Array(head.length + body + tail.length);
  out.set(enc.encode(head), 0);
  out.set(enc.encode(record), head.length);
  // Double the filled part until the body is full.
  for (let filled = record.length; filled < body; filled *= 2) out.copyWithin(head.length + filled, head.length, head.length + Math.min(filled, body - filled));
  out.set(enc.encode(tail), head.length + body);
  return out;
}

const MB = 1e6;
const UNDER_LIMIT = 52 * MB; // 52,000,000 bytes, under 50 MiB (52,428,800)

describe('big files fail at the first record over the limit, in bounded memory', () => {
  // Files are made in each test, not up front: the children would count them (see read-pairs.ts).
  const cases: [string, () => Uint8Array, number][] = [
    ['pairs.csv', () => repeated('a,b\n', UNDER_LIMIT), DEFAULT_PAIR_LIMITS.maxPairs + 1],
    ['pairs.tsv', () => repeated('a\tb\n', UNDER_LIMIT), DEFAULT_PAIR_LIMITS.maxPairs + 1],
    ['pairs.jsonl', () => repeated('{"q":"a","a":"b"}\n', UNDER_LIMIT), DEFAULT_PAIR_LIMITS.maxPairs + 1],
    ['pairs.txt', () => repeated('a_b\n', UNDER_LIMIT), DEFAULT_PAIR_LIMITS.maxPairs + 1],
    ['pairs.json', () => repeated('{"q":"a","a":"b"},\n', UNDER_LIMIT, '[\n', '{"q":"a","a":"b"}]\n'), DEFAULT_PAIR_LIMITS.maxPairs + 2],
  ];
  for (const [name, make, line] of cases) {
    test(`${name}: 52 MB of tiny records fails with the max-pairs error at line ${line.toLocaleString('en-US')}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 's2s-big-'));
      try {
        const path = join(dir, name);
        let bytes: Uint8Array | undefined = make();
        const size = bytes.length;
        writeFileSync(path, bytes);
        bytes = undefined;
        const r = readInChild(path);
        const bound = 2 * size + 100 * MB;
        const rise = r.peakRssBytes - r.startRssBytes;
        console.log(
          `reliability/big-files: ${name} ${(size / MB).toFixed(1)} MB → ${r.error ?? `${r.pairs} pairs`} at line ${r.line} in ${r.ms.toFixed(0)} ms; ` +
            `peak RSS ${(r.peakRssBytes / MB).toFixed(0)} MB, ${(rise / MB).toFixed(0)} MB above the start (bound ${(bound / MB).toFixed(0)} MB)`,
        );
        assert.match(r.error ?? '', /^more than 200,000 pairs \(limit maxPairs/);
        assert.equal(r.line, line);
        assert.ok(rise <= bound, `expected the peak RSS to rise ≤ ${(bound / MB).toFixed(0)} MB, got ${(rise / MB).toFixed(0)} MB`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
