/** Tiny padded question/answer batches for model and decoder tests. */
import { END, PAD, START } from '../../../src/models/tokens';

/** Six question → reply pairs of different lengths, over ids 4..13 (V = 14). */
export const TINY_PAIRS: { question: number[]; reply: number[] }[] = [
  { question: [4, 5, 6], reply: [7, 8] },
  { question: [6, 5], reply: [9] },
  { question: [10, 11, 12, 13], reply: [4, 4, 5] },
  { question: [7], reply: [13, 12, 11, 10] },
  { question: [8, 9, 8], reply: [6, 6] },
  { question: [12, 4], reply: [5, 9, 5] },
];
export const TINY_V = 14;

/** Pads questions to the longest with PAD; answers become [START, …reply, END, PAD…]. */
export function batchOf(pairs: { question: number[]; reply: number[] }[]): { xs: number[][]; ts: number[][] } {
  const tq = Math.max(...pairs.map((p) => p.question.length));
  const ta = Math.max(...pairs.map((p) => p.reply.length)) + 2;
  const pad = (row: number[], n: number): number[] => [...row, ...new Array<number>(n - row.length).fill(PAD)];
  return {
    xs: pairs.map((p) => pad(p.question, tq)),
    ts: pairs.map((p) => pad([START, ...p.reply, END], ta)),
  };
}
