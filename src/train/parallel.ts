/**
 * Data parallelism for one mini-batch (the issue's "two worker threads"): the batch's rows are split between
 * this thread and `threads − 1` worker threads, each with a replica of the model; every part runs the
 * book's forward and backward on its rows, and the gradients are added here.
 *
 * The loss is a mean over the batch's non-PAD targets (TimeSoftmaxWithLoss), so a part with c of the C
 * targets runs backward(c / C): its gradients are then its share of the whole batch's, and the sum of the
 * parts equals the gradient of the whole batch (up to float rounding in the sums: every row's forward is
 * the same arithmetic as in one thread). The optimizer stays on this thread.
 *
 * Everything the threads exchange lies in one shared memory: the params, and each helper's gradients. Under a
 * wasm kernel that memory is the optimizer kernels' own (SharedOptim), and it is also where this thread's
 * Adam keeps the params, the gradients and its moments (setOptimizerHome): the params the helpers read are
 * then the ones Adam has just updated, with no copy, and a helper's gradients are added to this thread's in
 * wasm. Otherwise (the TypeScript kernel, another optimizer) the params are copied there before each batch
 * and the gradients added in TypeScript: the same numbers either way.
 *
 * `computeGradients` is synchronous, like the trainer's callback: this thread waits with Atomics.wait
 * (allowed in Node's main thread and in workers). When a worker's part throws (bad data), the whole batch
 * runs again here, so the caller gets the very error one thread gives. A worker that cannot build its replica,
 * hangs or dies is dropped (after a timeout for the last two) and its rows run here from then on: training
 * goes on in fewer threads.
 */
import { existsSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Matrix } from 'ml-matrix';
import { currentKernel, KERNEL_NAMES, rowsOf, SharedOptim } from '../matrix';
import { paddedLayout, setOptimizerHome } from '../optim/adam';
import type { KernelName } from '../matrix';
import type { ModelKind } from '../chat/types';
import type { ModelConfig, Seq2seqModel } from '../models/types';
import { PAD } from '../models/tokens';

/** `workerData` of a gradient worker (the training worker's script runs it when `role` is 'gradients'). */
export interface GradientWorkerData {
  readonly role: 'gradients';
  readonly kind: ModelKind;
  readonly config: ModelConfig;
  readonly kernel: KernelName;
  /** The shared memory: the params and this worker's gradients, float64 each in `paddedLayout` order. */
  readonly memory: SharedArrayBuffer;
  /** Byte address of the params (the owner's, read by every worker). */
  readonly paramsAt: number;
  /** Byte address of this worker's gradients, written by it for each job. */
  readonly gradsAt: number;
  /** Int32Array(CONTROL_SLOTS): the job counter this side bumps, the counter the worker bumps when done. */
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** A job as posted to a worker (on its MessagePort, read with receiveMessageOnPort). */
export interface GradientJob {
  readonly xs: number[][];
  readonly ts: number[][];
  /** backward(dout): the part's share of the batch's targets. */
  readonly dout: number;
}

/** What a worker answers on its port for each job. */
export type GradientReply =
  | { readonly ok: true; readonly loss: number }
  /** fatal: the worker cannot work at all (it could not build its replica); else only this job failed. */
  | { readonly ok: false; readonly message: string; readonly fatal: boolean };

/** Slots of GradientWorkerData.control: the job counter the owner bumps, the one the worker bumps when done. */
export const JOB = 0;
export const DONE = 1;
export const CONTROL_SLOTS = 2;

/** Non-PAD targets of ts (decoder targets are ts[:, 1:], book ch. 7.3 teacher forcing). */
export function targetCount(ts: readonly (readonly number[])[]): number {
  let count = 0;
  for (const row of ts) for (let t = 1; t < row.length; t++) if (row[t] !== PAD) count++;
  return count;
}

/** Where matrix i's values start in a flat array (offsets[i], in floats, rows one after another), and its length. */
export interface Layout {
  readonly offsets: readonly number[];
  readonly total: number;
}

/** The matrices one after another with no gaps. */
function contiguous(ms: readonly Matrix[]): Layout {
  const offsets: number[] = [];
  let total = 0;
  for (const m of ms) {
    offsets.push(total);
    total += m.rows * m.columns;
  }
  return { offsets, total };
}

/** Writes the matrices' values into `out` at the layout's offsets (default: one after another). */
export function packMatrices(ms: readonly Matrix[], out: Float64Array, layout: Layout = contiguous(ms)): void {
  ms.forEach((m, i) => {
    let at = layout.offsets[i];
    for (const row of rowsOf(m)) {
      out.set(row, at);
      at += row.length;
    }
  });
}

/**
 * Makes the matrices' rows views of `src` in packMatrices' layout (same order and shapes), so that they read
 * and write `src` itself: a worker's replica then takes the params and leaves its gradients in shared memory
 * with no copy per job. Returns the views, for `sameRows` (src/matrix).
 */
export function viewMatrices(src: Float64Array, ms: readonly Matrix[], layout: Layout = contiguous(ms)): Float64Array[][] {
  if (src.length !== layout.total) throw new RangeError(`viewMatrices: expected ${layout.total} values for the matrices, got ${src.length}`);
  return ms.map((m, i) => {
    const R = rowsOf(m);
    let at = layout.offsets[i];
    for (let r = 0; r < R.length; r++) {
      R[r] = src.subarray(at, at + m.columns);
      at += m.columns;
    }
    return [...R];
  });
}

/** Whether every row of the matrices is the view of `memory` that viewMatrices would make at byte address `at`. */
function viewsOf(ms: readonly Matrix[], memory: ArrayBufferLike, at: number, layout: Layout): boolean {
  return ms.every((m, i) => {
    const R = rowsOf(m);
    const start = at + layout.offsets[i] * 8;
    for (let r = 0; r < R.length; r++) {
      const row = R[r];
      if (row.buffer !== memory || row.byteOffset !== start + r * m.columns * 8 || row.length !== m.columns) return false;
    }
    return true;
  });
}

interface Replica {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly control: Int32Array;
  /** Its gradients in the shared memory, at byte address `gradsAt`. */
  readonly grads: Float64Array;
  readonly gradsAt: number;
  jobs: number;
  /** Set when the worker emitted 'error' or exited (seen between batches, when this thread's event loop runs). */
  failure: string | null;
}

/** Smallest batch (rows) at which two threads beat one by default (issue #11: measured with bench/bench.ts). */
export const AUTO_THREADS_MIN_BATCH = 64;

/**
 * The threads to use when the user named none: 2 when the batch size is at least AUTO_THREADS_MIN_BATCH and
 * there are 2 processors or more, else 1. Smaller batches lose more to the per-batch exchange with the helper
 * thread than they gain (the default of 16 rows among them), and the user's explicit `threads` always wins.
 */
export function autoThreads(batchSize: number, cores: number): number {
  return batchSize >= AUTO_THREADS_MIN_BATCH && cores >= 2 ? 2 : 1;
}

export interface DataParallelOptions {
  /** Threads in all, this one included (≥ 2 to use any worker). */
  readonly threads: number;
  /** The training worker script (dist/worker.js, or out/src/worker/trainWorker.js), run with role 'gradients'. */
  readonly workerFile: string;
  /** Longest wait for a worker's part before it is dropped, in ms. Default 120 000. */
  readonly timeoutMs?: number;
  /** Told once when a worker is dropped (its rows then run on this thread). */
  readonly onWorkerLost?: (message: string) => void;
}

export class DataParallel {
  private replicas: Replica[] = [];
  private readonly layout: Layout;
  /** The memory shared with the workers, and where the params lie in it (byte address). */
  private readonly memory: SharedArrayBuffer;
  private readonly paramsAt: number;
  /** The params as the workers read them (one copy for all: Adam's own, or written once per batch). */
  private readonly params: Float64Array;
  /** The optimizer kernels on `memory`, and where this thread's gradients lie there once Adam has taken them; null under the TypeScript kernel. */
  private readonly shared: { readonly optim: SharedOptim; readonly gradsAt: number } | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly model: Seq2seqModel, private readonly options: DataParallelOptions) {
    if (!(Number.isInteger(options.threads) && options.threads >= 1)) {
      throw new RangeError(`DataParallel: threads must be an integer ≥ 1, got ${options.threads}`);
    }
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.layout = paddedLayout(model.params);
    const bytes = this.layout.total * 8;
    const name = currentKernel().name;
    const kernel = (KERNEL_NAMES as readonly string[]).includes(name) ? (name as KernelName) : 'typescript'; // the replicas compute as this thread does
    const missing = options.threads > 1 && !existsSync(options.workerFile);
    const workers = missing ? 0 : options.threads - 1;
    // regions of `bytes` each: the params, then (with the optimizer kernels) this thread's gradients and
    // Adam's m and v, then one per worker for its gradients
    const optim = workers > 0 && (kernel === 'simd' || kernel === 'relaxed') ? SharedOptim.create((4 + workers) * bytes) : null;
    const base = optim?.base ?? 0;
    const own = optim === null ? 1 : 4;
    this.memory = optim?.buffer ?? new SharedArrayBuffer(workers > 0 ? (own + workers) * bytes : 0);
    this.paramsAt = base;
    this.params = new Float64Array(this.memory, base, workers > 0 ? this.layout.total : 0);
    if (optim !== null) {
      this.shared = { optim, gradsAt: base + bytes };
      setOptimizerHome(model.params, { kernel: optim, p: base, grad: base + bytes, m: base + 2 * bytes, v: base + 3 * bytes, taken: false });
    }
    if (missing) {
      // say so now rather than after a job's timeout
      options.onWorkerLost?.(`the training worker script ${options.workerFile} is missing, so no helper thread could start; training goes on without them`);
      return;
    }
    for (let i = 0; i < workers; i++) {
      const gradsAt = base + (own + i) * bytes;
      const control = new SharedArrayBuffer(CONTROL_SLOTS * 4);
      const { port1, port2 } = new MessageChannel();
      const data: GradientWorkerData = { role: 'gradients', kind: model.kind, config: model.config, kernel, memory: this.memory, paramsAt: base, gradsAt, control, port: port2 };
      const worker = new Worker(options.workerFile, { workerData: data, transferList: [port2] });
      worker.unref(); // a forgotten close() must not keep the process alive
      const replica: Replica = { worker, port: port1, control: new Int32Array(control), grads: new Float64Array(this.memory, gradsAt, this.layout.total), gradsAt, jobs: 0, failure: null };
      // without an 'error' listener a worker's uncaught exception would throw in this thread
      worker.on('error', (e) => (replica.failure ??= `a training worker thread failed (${e.message}); training goes on without it`));
      worker.on('exit', (code) => (replica.failure ??= `a training worker thread exited (code ${code}); training goes on without it`));
      this.replicas.push(replica);
    }
  }

  /** Worker threads still in use. */
  get workers(): number {
    return this.replicas.length;
  }

  /**
   * Forward and backward of the whole batch (xs questions N×Tₑ, ts answers N×T_d, as Seq2seqModel.forward
   * takes them), split by rows: fills model.grads with the batch's gradient and returns its mean loss.
   */
  computeGradients(xs: number[][], ts: number[][]): number {
    for (const r of this.replicas.filter((x) => x.failure !== null)) {
      this.options.onWorkerLost?.(r.failure as string);
      this.drop(r);
    }
    const N = xs.length;
    const parts = Math.min(this.replicas.length + 1, N);
    const total = targetCount(ts);
    if (parts <= 1 || total === 0) return this.alone(xs, ts);
    const bounds = Array.from({ length: parts + 1 }, (_, k) => Math.round((k * N) / parts));
    const slice = (k: number): { xs: number[][]; ts: number[][] } => ({ xs: xs.slice(bounds[k], bounds[k + 1]), ts: ts.slice(bounds[k], bounds[k + 1]) });
    // the params where the workers read them (there already once Adam has taken them), then the jobs
    // (parts 1.. to the workers; part 0 stays here)
    if (!viewsOf(this.model.params, this.memory, this.paramsAt, this.layout)) packMatrices(this.model.params, this.params, this.layout);
    const posted: { replica: Replica; part: { xs: number[][]; ts: number[][] }; count: number }[] = [];
    for (let k = 1; k < parts; k++) {
      const replica = this.replicas[k - 1];
      const part = slice(k);
      const count = targetCount(part.ts);
      const job: GradientJob = { ...part, dout: count / total };
      replica.port.postMessage(job);
      replica.jobs++;
      Atomics.store(replica.control, JOB, replica.jobs);
      Atomics.notify(replica.control, JOB);
      posted.push({ replica, part, count });
    }
    const mine = slice(0);
    const myCount = targetCount(mine.ts);
    let loss = 0;
    let failed = false;
    try {
      if (myCount > 0) {
        loss += this.model.forward(mine.xs, mine.ts) * (myCount / total);
        this.model.backward(myCount / total);
      } else {
        for (const g of this.model.grads) for (const row of rowsOf(g)) row.fill(0);
      }
    } catch {
      failed = true; // bad data in this part: after the workers answer (each reply is read before the next job)
    }
    // add the workers' gradients (or run a lost worker's part here)
    const lost: Replica[] = [];
    for (const { replica, part, count } of posted) {
      const reply = this.await(replica);
      if (reply.ok) {
        loss += reply.loss;
        if (count > 0) this.addGradients(replica);
      } else if (!reply.fatal) {
        failed = true; // bad data in that part: the whole batch again below, for one thread's error
      } else {
        lost.push(replica);
        this.options.onWorkerLost?.(reply.message);
        if (count > 0 && !failed) {
          const kept = this.model.grads.map((g) => g.clone());
          loss += this.model.forward(part.xs, part.ts) * (count / total);
          this.model.backward(count / total);
          this.model.grads.forEach((g, i) => g.add(kept[i]));
        }
      }
    }
    for (const r of lost) this.drop(r);
    return failed ? this.alone(xs, ts) : loss;
  }

  /** Stops the workers (this thread then trains alone). */
  async close(): Promise<void> {
    const replicas = this.replicas;
    this.replicas = [];
    await Promise.all(replicas.map((r) => this.stop(r)));
  }

  /** This thread's gradients += the replica's: in wasm where Adam keeps them in the shared memory, else in TypeScript. */
  private addGradients(replica: Replica): void {
    const s = this.shared;
    if (s !== null && viewsOf(this.model.grads, this.memory, s.gradsAt, this.layout)) s.optim.add64(replica.gradsAt, s.gradsAt, this.layout.total);
    else addPacked(replica.grads, this.model.grads, this.layout);
  }

  private alone(xs: number[][], ts: number[][]): number {
    const loss = this.model.forward(xs, ts);
    this.model.backward();
    return loss;
  }

  /** Waits for the replica's answer to its latest job. */
  private await(replica: Replica): GradientReply {
    const deadline = Date.now() + this.timeoutMs;
    while (Atomics.load(replica.control, DONE) !== replica.jobs) {
      const left = deadline - Date.now();
      if (left <= 0) return { ok: false, fatal: true, message: `a training worker thread did not answer within ${Math.round(this.timeoutMs / 1000)} s; training goes on without it` };
      Atomics.wait(replica.control, DONE, Atomics.load(replica.control, DONE), Math.min(left, 1000));
    }
    const m = receiveMessageOnPort(replica.port);
    if (m === undefined) return { ok: false, fatal: true, message: 'a training worker thread finished a job without its result; training goes on without it' };
    const reply = m.message as GradientReply;
    if (reply.ok || !reply.fatal) return reply;
    return { ok: false, fatal: true, message: `a training worker thread could not start (${reply.message}); training goes on without it` };
  }

  private drop(replica: Replica): void {
    this.replicas = this.replicas.filter((r) => r !== replica);
    void this.stop(replica);
  }

  private async stop(replica: Replica): Promise<void> {
    replica.failure ??= 'stopped';
    replica.port.close();
    await replica.worker.terminate();
  }
}

/** grads += the values packMatrices wrote (in `layout`) for matrices of the same shapes. */
function addPacked(values: Float64Array, grads: readonly Matrix[], layout: Layout): void {
  for (let i = 0; i < grads.length; i++) {
    let at = layout.offsets[i];
    for (const row of rowsOf(grads[i])) {
      // four at a time, read into locals first (as in the optimizer's loops): the same sums, about 1.5× faster
      // on this path, which runs while the worker waits
      const n = row.length;
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        const a = row[j] + values[at + j];
        const b = row[j + 1] + values[at + j + 1];
        const c = row[j + 2] + values[at + j + 2];
        const d = row[j + 3] + values[at + j + 3];
        row[j] = a;
        row[j + 1] = b;
        row[j + 2] = c;
        row[j + 3] = d;
      }
      for (; j < n; j++) row[j] += values[at + j];
      at += n;
    }
  }
}
