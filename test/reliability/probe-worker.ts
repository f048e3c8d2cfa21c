/**
 * A training worker that trains nothing, for test/unit/extension/training-options.test.ts: it builds the
 * environment exactly as the real worker does (src/worker/environment.ts) from its workerData, and reports
 * what reached it — options, pairs, the default pairs root and the default pairs it read — as JSON in an
 * `error` message (after posting the environment's warnings as the real worker does), which the host turns into a rejected training with that JSON as the message.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { requestPairs, workerEnvironment } from '../../src/worker/environment';
import { runTaskWorker } from '../../src/worker/tasks';
import type { Pair } from '../../src/chat/types';
import type { TaskRequest, TrainRequest, WorkerMessage } from '../../src/worker/messages';

/** What the probe saw, as the test parses it from the error message after PROBE_PREFIX. */
export interface ProbeReport {
  readonly options: TrainRequest['options'];
  /** The pairs the worker trains (read from the file's bytes when the host sent those). */
  readonly pairs: readonly Pair[];
  readonly defaultPairsRoot: string | null;
  /** null: the environment has no default pairs. */
  readonly defaultPairs: { question: string; answer: string; line: number }[] | null;
  readonly warnings: string[];
}

export const PROBE_PREFIX = 'probe: ';

function main(req: TrainRequest): void {
  const warnings: string[] = [];
  const env = workerEnvironment(req, (message) => {
    warnings.push(message);
    parentPort?.postMessage({ type: 'warning', message } satisfies WorkerMessage);
  });
  const report: ProbeReport = {
    options: req.options,
    pairs: requestPairs(req).pairs,
    defaultPairsRoot: req.defaultPairsRoot ?? null,
    defaultPairs: env.defaultPairs ? env.defaultPairs.map((p) => ({ ...p })) : null,
    warnings,
  };
  parentPort?.postMessage({ type: 'error', name: 'Probe', message: PROBE_PREFIX + JSON.stringify(report) } satisfies WorkerMessage);
}

// The test imports PROBE_PREFIX and the type from here too: only a worker thread probes. The controller's
// one-off tasks (reading the pairs file first) run as in the real worker.
const data = workerData as { role?: string; request?: TaskRequest } | null;
if (!isMainThread && data?.role === 'task' && data.request) runTaskWorker(data.request, (m, transfer) => parentPort?.postMessage(m, transfer));
else if (!isMainThread) main(workerData as TrainRequest);
