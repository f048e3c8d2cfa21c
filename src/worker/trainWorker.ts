/**
 * Training worker entry (bundled by webpack as dist/worker.js; also runs from out/ in unit tests).
 * Runs `trainChatModel` (book ch. 7–8 seq2seq training loop) on the pairs in `workerData` and posts
 * progress, per-epoch reports and finally the serialized model back to the extension host.
 * No vscode here: cancellation arrives through shared memory (or a message where there is none), the
 * model leaves as bytes. With role 'gradients' it is instead a data-parallel helper thread
 * (src/train/gradientWorker.ts). The browser build (dist/web/worker.js) is this file with parent.web.ts.
 */
import { deserializeModel, fineTuneChatModel, serializeModel, trainChatModel } from '../chat';
import { DEFAULT_TRAIN_OPTIONS } from '../chat/defaults';
import { appendRun, CurveRecorder } from '../train/curves';
import type { TrainingReport } from '../chat/types';
import type { CancellationTokenLike } from '../chat/types';
import { runGradientWorker } from '../train/gradientWorker';
import type { GradientWorkerData } from '../train/parallel';
import { requestPairs, workerEnvironment } from './environment';
import type { CancelMessage, TaskMessage, TaskRequest, TrainRequest, WorkerMessage } from './messages';
import { connectToParent, type ParentChannel } from './parent';
import { runReplyWorker } from './replies';
import { runTaskWorker } from './tasks';

let parent: ParentChannel | null = null;

function post(m: WorkerMessage, transfer?: ArrayBuffer[]): void {
  if (parent === null) throw new Error('trainWorker: expected a channel to the host, got none');
  parent.post(m, transfer);
}

async function main(req: TrainRequest, channel: ParentChannel): Promise<void> {
  const flag = new Int32Array(req.cancel ?? new ArrayBuffer(4));
  if (req.cancel === undefined) {
    channel.onMessage((m) => {
      if ((m as CancelMessage | null)?.type === 'cancel') Atomics.store(flag, 0, 1);
    });
  }
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

// The same script also runs the helper threads of a data-parallel training (src/train/parallel.ts), the
// one-off tasks (src/worker/tasks.ts) and the replies of a large model (src/worker/replies.ts).
connectToParent((channel) => {
  parent = channel;
  const data = channel.data;
  const role = (data as { role?: string } | null)?.role;
  if (role === 'gradients') runGradientWorker(data as GradientWorkerData);
  else if (role === 'replies') runReplyWorker((listener) => channel.onMessage(listener), (m) => channel.post(m));
  else if (role === 'task') runTaskWorker((data as { request: TaskRequest }).request, (m: TaskMessage, transfer?: ArrayBuffer[]) => channel.post(m, transfer));
  else void main(data as TrainRequest, channel);
});
