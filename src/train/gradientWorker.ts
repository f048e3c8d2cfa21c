/**
 * The worker side of DataParallel (parallel.ts): a replica of the model that waits for jobs (a part of a
 * mini-batch), takes the current params from shared memory, runs the book's forward and backward on its
 * rows, and leaves its gradients in shared memory. Started by the training worker's script with
 * `role: 'gradients'`; it loops until the owner terminates it.
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import { kernelByName, sameRows, setKernel } from '../matrix';
import { createModel } from '../models/factory';
import { Random } from '../random';
import { paddedLayout } from '../optim/adam';
import { CONTROL_SLOTS, DONE, JOB, packMatrices, viewMatrices } from './parallel';
import type { GradientJob, GradientReply, GradientWorkerData } from './parallel';

export function runGradientWorker(data: GradientWorkerData): void {
  const control = new Int32Array(data.control);
  if (control.length !== CONTROL_SLOTS) throw new RangeError(`gradient worker: control expected ${CONTROL_SLOTS} slots, got ${control.length}`);
  let model: ReturnType<typeof createModel> | null = null;
  let setupError = '';
  let layout = { offsets: [] as number[], total: 0 };
  let params: Float64Array = new Float64Array(0);
  let grads: Float64Array = new Float64Array(0);
  try {
    setKernel(kernelByName(data.kernel));
    model = createModel(data.kind, data.config, new Random(0)); // weights come from the owner at each job
    layout = paddedLayout(model.params); // the owner's: same kind and config, same shapes
    params = new Float64Array(data.memory, data.paramsAt, layout.total);
    grads = new Float64Array(data.memory, data.gradsAt, layout.total);
  } catch (e) {
    model = null;
    setupError = e instanceof Error ? e.message : String(e);
  }
  // the replica's params and grads are views of the shared memory (packMatrices' layout): the owner's params
  // are read and the gradients left there with no copy per job; re-made if anything swapped a row
  let views: { params: Float64Array[][]; grads: Float64Array[][] } | null = null;
  let seen = 0;
  for (;;) {
    Atomics.wait(control, JOB, seen);
    const job = Atomics.load(control, JOB);
    if (job === seen) continue;
    seen = job;
    let reply: GradientReply;
    const m = receiveMessageOnPort(data.port);
    if (m === undefined) reply = { ok: false, fatal: true, message: 'no job message arrived with the job signal' };
    else if (model === null) reply = { ok: false, fatal: true, message: setupError };
    else {
      try {
        const { xs, ts, dout } = m.message as GradientJob;
        if (views === null || !sameRows(model.params, views.params) || !sameRows(model.grads, views.grads)) {
          views = { params: viewMatrices(params, model.params, layout), grads: viewMatrices(grads, model.grads, layout) };
        }
        const loss = model.forward(xs, ts) * dout;
        model.backward(dout);
        if (!sameRows(model.grads, views.grads)) packMatrices(model.grads, grads, layout); // a layer swapped a gradient: copy it
        reply = { ok: true, loss };
      } catch (e) {
        reply = { ok: false, fatal: false, message: e instanceof Error ? e.message : String(e) };
      }
    }
    data.port.postMessage(reply);
    Atomics.store(control, DONE, seen);
    Atomics.notify(control, DONE);
  }
}
