/** The book's ch. 7 addition batches for the benchmarks (bench.ts, iter.ts), generated with a seeded Random. */
import { Random } from '../src/random';

export const PAD_IDS = 4; // ids 0..3 are PAD, START, END, UNK (src/models/tokens.ts)
export const START = 1;
export const CHARS = '0123456789+ ';

/** The book's addition questions: `16+75  ` (7 chars), answers START + `91  ` (sum padded to 4). */
export function additionBatch(rng: Random, n: number): { xs: number[][]; ts: number[][] } {
  const id = (c: string): number => PAD_IDS + CHARS.indexOf(c);
  const xs: number[][] = [];
  const ts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.int(1000);
    const b = rng.int(1000);
    xs.push([...`${a}+${b}`.padEnd(7)].map(id));
    ts.push([START, ...`${a + b}`.padEnd(4)].map((c) => (typeof c === 'number' ? c : id(c))));
  }
  return { xs, ts };
}
