/**
 * Short training-speed probe for before/after comparisons (no GEMM table, no NumPy): ms per iteration of
 * the book's ch. 7 addition setup (PeekySeq2seq, reverse, D = 16, H = 128, N = 128 or --batch) with clipping and Adam.
 *
 *   node out/bench/iter.js [--iters N] [--kernel typescript|simd|relaxed] [--model peeky|simple|attention] [--threads T] [--batch N]
 *
 * Prints the median and the best of three windows of N/3 iterations each, after 3 warm-up iterations, and the
 * best CPU time per iteration (process.cpuUsage), which a machine shared with other work disturbs less.
 */
import { createModel } from '../src/models/factory';
import { Adam } from '../src/optim/adam';
import { clipGrads } from '../src/optim/clip';
import { currentKernel, kernelByName, setKernel } from '../src/matrix';
import type { KernelName } from '../src/matrix';
import { Random } from '../src/random';
import { DataParallel } from '../src/train/parallel';
import * as path from 'node:path';
import { additionBatch as batch, CHARS, PAD_IDS as FIRST } from './addition-batch';
import type { ModelKind } from '../src/chat/types';


function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
}

const iters = Number(arg('--iters', '21'));
const kernel = arg('--kernel', '');
if (kernel !== '') setKernel(kernelByName(kernel as KernelName));
const kind = arg('--model', 'peeky') as ModelKind;
const hidden = Number(arg('--hidden', '128'));
const rng = new Random(1984);
const model = createModel(kind, { vocabSize: FIRST + CHARS.length, wordvec: 16, hidden, reverse: true }, rng);
const opt = new Adam(0.001);
const threads = Number(arg('--threads', '1'));
const parallel = threads > 1 ? new DataParallel(model, { threads, workerFile: path.join(__dirname, '..', 'src', 'worker', 'trainWorker.js') }) : null;
const rows = Number(arg('--batch', '128'));
const data = Array.from({ length: 8 }, () => batch(rng, rows));
let k = 0;
const step = (): number => {
  const { xs, ts } = data[k++ % data.length];
  let loss: number;
  if (parallel !== null) loss = parallel.computeGradients(xs, ts);
  else {
    loss = model.forward(xs, ts);
    model.backward();
  }
  clipGrads(model.grads, 5);
  opt.update(model.params, model.grads);
  return loss;
};
for (let i = 0; i < 3; i++) step();
const windows: number[] = [];
const cpu: number[] = [];
let loss = 0;
const per = Math.max(1, Math.floor(iters / 3));
for (let w = 0; w < 3; w++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < per; i++) loss = step();
  windows.push((performance.now() - t0) / per);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000 / per);
}
windows.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
void parallel?.close();
console.log(`${kind} H=${hidden} kernel ${currentKernel().name}, ${threads} thread(s): best ${windows[0].toFixed(1)} ms/iter, median ${windows[1].toFixed(1)} ms/iter (${per}×3 iters); CPU time best ${cpu[0].toFixed(1)} ms/iter (steadier on a loaded machine); loss ${loss.toFixed(4)}`);
