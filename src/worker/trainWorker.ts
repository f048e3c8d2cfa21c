/**
 * Training worker entry (bundled by webpack as dist/worker.js; also runs from out/ in unit tests).
 * Runs `trainChatModel` (book ch. 7–8 seq2seq training loop) on the pairs in `workerData` and posts
 * progress, per-epoch reports and finally the serialized model back to the extension host.
 * No vscode here: cancellation arrives through shared memory, the model leaves as bytes.
 * With workerData.role 'gradients' it is instead a data-parallel helper thread (src/train/gradientWorker.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { deserializeModel, fineTuneChatModel, serializeModel, trainChatModel } from '../chat';
import { DEFAULT_TRAIN_OPTIONS } from '../chat/defaults';
import { appendRun, CurveRecorder } from '../train/curves';
import type { TrainingReport } from '../chat/types';
import type { CancellationTokenLike } from '../chat/types';
import { runGradientWorker } from '../train/gradientWorker';
import type { GradientWorkerData } from '../train/parallel';
import { requestPairs, workerEnvironment } from './environment';
import type { TaskMessage, TaskRequest, TrainRequest, WorkerMessage } from './messages';
import { runTaskWorker } from './tasks';

function post(m: WorkerMessage, transfer?: ArrayBuffer[]): void {
  if (!parentPort) throw new Error('trainWorker: expected to run inside a worker_threads Worker, got no parentPort');
  parentPort.postMessage(m, transfer);
}

async function main(req: TrainRequest): Promise<void> {
  const flag = new Int32Array(req.cancel);
  const signal: CancellationTokenLike = {
    get isCancellationRequested(): boolean {
      return Atomics.load(flag, 0) !== 0;
    },
  };
  try {
    if (req.fineTune !== undefined) {
      await fineTune(req, signal);
      return;
    }
    const environment = workerEnvironment(req, (message) => post({ type: 'warning', message }));
    const { pairs, dataHash } = requestPairs(req);
    // The curves the host's dashboard draws, recorded here from the same callbacks for the model's history.
    const recorder = new CurveRecorder(req.options.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs);
    const { model, report, epochs } = await trainChatModel(
      pairs,
      req.options,
      {
        onProgress: (progress) => {
          recorder.onProgress(progress);
          post({ type: 'progress', progress });
        },
        onEpoch: (r) => {
          recorder.onEpoch(r);
          post({ type: 'epoch', report: r });
        },
        onWarning: (message) => post({ type: 'warning', message }),
      },
      signal,
      dataHash,
      environment,
    );
    let kept = model;
    // A cancelled run is not kept (the host keeps the previous model), so it joins no history.
    if (req.history !== undefined && report.stoppedBy !== 'cancelled' && !signal.isCancellationRequested) {
      recorder.finish(report.stoppedBy, report.message);
      kept = model.withHistory(appendRun(req.history.previous, { file: req.history.file, options: model.options, report, curves: recorder.curves() }));
    }
    const bytes = serializeModel(kept);
    const copy = bytes.slice(); // own buffer, so it can be transferred without detaching shared storage
    post({ type: 'done', model: copy, report, epochs }, [copy.buffer as ArrayBuffer]);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', name: err.name, message: err.message, stack: err.stack });
  }
}

/** Fine-tunes the model of `req.fineTune` on the corrections in `req.pairs` and posts it with the regression check. */
async function fineTune(req: TrainRequest, signal: CancellationTokenLike): Promise<void> {
  const job = req.fineTune;
  if (job === undefined) return;
  const base = deserializeModel(job.model, 'current model');
  const r = await fineTuneChatModel(base, requestPairs(req).pairs, job.maxBroken !== undefined ? { maxBroken: job.maxBroken } : {}, {
    onProgress: (progress) => post({ type: 'progress', progress }),
    onEpoch: (e) => post({ type: 'epoch', report: e }),
  }, signal);
  const last = r.epochs[r.epochs.length - 1];
  const report: TrainingReport = {
    dataHash: req.dataHash,
    pairs: r.corrections.length,
    epochs: r.epochs.length,
    stoppedBy: signal.isCancellationRequested ? 'cancelled' : 'completed',
    loss: last?.loss ?? Number.NaN,
    accuracy: r.check.corrections === 0 ? 0 : r.check.learned / r.check.corrections,
    date: new Date().toISOString(),
    seconds: r.seconds,
  };
  const copy = serializeModel(r.candidate).slice();
  post({ type: 'done', model: copy, report, epochs: r.epochs, check: r.check }, [copy.buffer as ArrayBuffer]);
}

// The same script also runs the helper threads of a data-parallel training (src/train/parallel.ts) and the
// one-off tasks (src/worker/tasks.ts).
const role = (workerData as { role?: string } | null)?.role;
if (role === 'gradients') runGradientWorker(workerData as GradientWorkerData);
else if (role === 'task') {
  runTaskWorker((workerData as { request: TaskRequest }).request, (m: TaskMessage, transfer?: ArrayBuffer[]) => parentPort?.postMessage(m, transfer));
} else void main(workerData as TrainRequest);
