/**
 * Child process for the big-file tests (test/unit/reliability/big-files.test.ts): reads one pairs file as
 * the CLI does and prints one JSON line: the outcome, the time and the process's peak RSS.
 *
 *   node --max-old-space-size=512 out/test/reliability/read-pairs.js <file>
 */
import { readFileSync } from 'node:fs';
import { PairFileError, readPairs } from '../../src/data';

/**
 * This process's own peak RSS in bytes: VmHWM on Linux. (getrusage's maxRSS also counts the parent's
 * memory, which a child inherits at fork, so a parent holding 260 MB makes every child "peak" at 260 MB.)
 */
function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

function main(path: string): void {
  const startRss = peakRss();
  const t0 = performance.now();
  let outcome: { pairs: number } | { error: string; line: number };
  try {
    // The file's own buffer, as the CLI reads it (no copy).
    const buffer = readFileSync(path);
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    outcome = { pairs: readPairs(bytes, path).pairs.length };
  } catch (e) {
    if (!(e instanceof PairFileError)) throw e;
    outcome = { error: e.reason, line: e.line };
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ...outcome, ms, peakRssBytes: peakRss(), startRssBytes: startRss }) + '\n');
}

main(process.argv[2]);
