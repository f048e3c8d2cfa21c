/**
 * Iteration-level comparison with a reference run of the book's AttentionSeq2seq (issue #11): loads a
 * JSON dump — the reference's initial weights (book param order), the question/answer ids of each batch in
 * order, and its per-iteration loss and gradient norm — starts our AttentionSeq2seq from the same weights,
 * feeds the same batches with the same clip (5) and Adam (0.001), and prints both losses side by side and
 * the first iteration where they part by more than --tol (relative).
 *
 *   node out/bench/book-compare.js <dump.json> [--iters N] [--kernel typescript|simd|relaxed] [--tol 1e-3]
 *                                  [--own-init SEED] [--dates SEED] [--live-reserved SEED]
 *
 * --own-init SEED: start from our own initialisation (createModel with Random(SEED), reserved ids as in
 * training) instead of the dump's weights; --dates SEED: feed batches of our generated date data
 * (experiments/dates.ts, reversed, shuffled with Random(SEED)) instead of the dump's. Either way the
 * losses are also printed as means over windows of 50 iterations, to compare learning speed.
 * --live-reserved SEED: the dump's weights, but the 4 reserved ids live as in training (their output
 * columns drawn like the others', randn/√(2H), bias 0; their embedding rows randn/100): the one
 * difference from the reference is then 4 extra output classes that are never a target.
 *
 * Dump format: { V, params: [{shape, data}] × 10, xs: number[][], ts: number[][], losses: number[],
 * norms: number[] }, reference ids 0..V−1 (we shift them by FIRST_TOKEN_ID: ids 0..3 are reserved here;
 * their output scores get a bias of −1e30, so they take no probability, no gradient and no Adam step:
 * the two models compute the same function). Questions are given as the encoder reads them (reversed
 * already), so the model runs with reverse off.
 */
import * as fs from 'node:fs';
import { Matrix } from 'ml-matrix';
import { AttentionSeq2seq } from '../src/models/attention';
import { FIRST_TOKEN_ID } from '../src/models/tokens';
import { Adam } from '../src/optim/adam';
import { clipGrads } from '../src/optim/clip';
import { kernelByName, rowsOf, setKernel } from '../src/matrix';
import type { KernelName } from '../src/matrix';
import { Random } from '../src/random';
import { createModel } from '../src/models/factory';
import { CharVocab } from '../src/experiments/addition';
import { makeDateData } from '../src/experiments/dates';
import type { Seq2seqModel } from '../src/models/types';

interface Dump {
  V: number;
  params: { shape: number[]; data: number[] }[];
  xs: number[][];
  ts: number[][];
  losses: number[];
  norms: number[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
}

/** Copies a reference param into ours; `rowShift`/`colShift` place it past our reserved ids. */
function load(dst: Matrix, src: { shape: number[]; data: number[] }, rowShift: number, colShift: number): void {
  const rows = src.shape.length === 1 ? 1 : src.shape[0];
  const cols = src.shape.length === 1 ? src.shape[0] : src.shape[1];
  if (dst.rows !== rows + rowShift || dst.columns !== cols + colShift) {
    throw new RangeError(`book-compare: param ${src.shape.join('×')} does not fit (${dst.rows}×${dst.columns})`);
  }
  const D = rowsOf(dst);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) D[r + rowShift][c + colShift] = src.data[r * cols + c];
}

/** Our AttentionSeq2seq holding the dump's initial weights (reserved ids: zero embedding, −1e30 output bias). */
export function modelFromDump(dump: Dump, H: number, D: number): AttentionSeq2seq {
  const model = new AttentionSeq2seq({ vocabSize: dump.V + FIRST_TOKEN_ID, wordvec: D, hidden: H, reverse: false }, new Random(0));
  const shifts: [number, number][] = [[FIRST_TOKEN_ID, 0], [0, 0], [0, 0], [0, 0], [FIRST_TOKEN_ID, 0], [0, 0], [0, 0], [0, 0], [0, FIRST_TOKEN_ID], [0, FIRST_TOKEN_ID]];
  model.params.forEach((p, i) => {
    for (const row of rowsOf(p)) row.fill(0);
    load(p, dump.params[i], shifts[i][0], shifts[i][1]);
  });
  const bias = rowsOf(model.params[9])[0];
  for (let k = 0; k < FIRST_TOKEN_ID; k++) bias[k] = -1e30;
  return model;
}

const shift = (rows: number[][]): number[][] => rows.map((r) => r.map((id) => id + FIRST_TOKEN_ID));

function main(): void {
  const file = process.argv[2];
  if (file === undefined || file.startsWith('--')) throw new RangeError('usage: node out/bench/book-compare.js <dump.json> [--iters N] [--kernel K] [--tol T]');
  const dump = JSON.parse(fs.readFileSync(file, 'utf8')) as Dump;
  const kernel = arg('--kernel', '');
  if (kernel !== '') setKernel(kernelByName(kernel as KernelName));
  const tol = Number(arg('--tol', '1e-3'));
  const N = 128;
  const iters = Math.min(Number(arg('--iters', String(dump.losses.length))), arg('--dates', '') === '' ? dump.losses.length : Infinity);
  const H = dump.params[2].shape[0];
  const D = dump.params[0].shape[1];
  const ownInit = arg('--own-init', '');
  const datesSeed = arg('--dates', '');
  let V = dump.V + FIRST_TOKEN_ID;
  let batchOf = (it: number): { xs: number[][]; ts: number[][] } => ({
    xs: shift(dump.xs.slice(it * N, (it + 1) * N)),
    ts: shift(dump.ts.slice(it * N, (it + 1) * N)),
  });
  if (datesSeed !== '') {
    // As runDates does: one Random makes the data; the first 45,000 train; shuffled once per epoch.
    const rng = new Random(Number(datesSeed));
    const data = makeDateData(50000, rng).slice(0, 45000);
    const vocab = new CharVocab(data.flatMap((d) => [d.question, d.answer]));
    V = vocab.size;
    const xs = data.map((d) => vocab.encode(d.question).reverse());
    const ts = data.map((d) => vocab.encode(d.answer));
    const per = Math.floor(xs.length / N);
    let order: number[] = [];
    batchOf = (it: number) => {
      if (it % per === 0) order = rng.permutation(xs.length);
      const b = order.slice((it % per) * N, (it % per + 1) * N);
      return { xs: b.map((i) => xs[i]), ts: b.map((i) => ts[i]) };
    };
  }
  const model: Seq2seqModel = ownInit === ''
    ? modelFromDump(dump, H, D)
    : createModel('attention', { vocabSize: V, wordvec: D, hidden: H, reverse: false }, new Random(Number(ownInit)));
  const live = arg('--live-reserved', '');
  if (live !== '' && ownInit === '') {
    const rng = new Random(Number(live));
    const [encE, , , , decE, , , , W] = model.params;
    for (const E of [encE, decE]) for (let k = 0; k < FIRST_TOKEN_ID; k++) rowsOf(E)[k].forEach((_, j, row) => { row[j] = rng.normal() / 100; });
    for (const row of rowsOf(W)) for (let k = 0; k < FIRST_TOKEN_ID; k++) row[k] = rng.normal() / Math.sqrt(W.rows);
    rowsOf(model.params[9])[0].fill(0, 0, FIRST_TOKEN_ID);
  }
  const opt = new Adam(0.001);
  const windows: number[] = [];
  let parted = -1;
  console.log(`book-compare: ${file}, V=${dump.V} D=${D} H=${H}, ${iters} iterations of ${N}, kernel ${kernel || 'default'}`);
  console.log('iter  loss(ref)  loss(ours)  rel.diff  norm(ref)  norm(ours)');
  for (let it = 0; it < iters; it++) {
    const { xs, ts } = batchOf(it);
    const loss = model.forward(xs, ts);
    model.backward();
    const norm = clipGrads(model.grads, 5);
    opt.update(model.params, model.grads);
    windows[Math.floor(it / 50)] = (windows[Math.floor(it / 50)] ?? 0) + loss / 50;
    const ref = dump.losses[it];
    const rel = Math.abs(loss - ref) / Math.abs(ref);
    if (parted < 0 && rel > tol) parted = it;
    if (it < 5 || it % 10 === 0 || it === iters - 1 || it === parted) {
      console.log(`${String(it).padStart(4)}  ${ref.toFixed(5)}  ${loss.toFixed(5)}  ${rel.toExponential(2)}  ${dump.norms[it].toFixed(4)}  ${norm.toFixed(4)}`);
    }
  }
  const refWindows = Array.from({ length: windows.length }, (_, w) => dump.losses.slice(w * 50, w * 50 + 50).reduce((a, b) => a + b, 0) / 50);
  console.log(`mean loss per 50 iterations, ref : ${refWindows.map((x) => x.toFixed(3)).join(' ')}`);
  console.log(`mean loss per 50 iterations, ours: ${windows.map((x) => x.toFixed(3)).join(' ')}`);
  console.log(parted < 0 ? `losses agree within ${tol} for all ${iters} iterations` : `losses part (rel > ${tol}) first at iteration ${parted}`);
}

if (require.main === module) main();
