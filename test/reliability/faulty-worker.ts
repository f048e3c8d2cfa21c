/**
 * A training worker with an injected fault, for test/unit/reliability/training-faults.test.ts: it runs the
 * real worker (src/worker/trainWorker.ts) and, after S2S_FAULT_MS milliseconds, does what S2S_FAULT says:
 *   exit   — process.exit(7) in the worker thread (the thread dies without a word)
 *   throw  — an uncaught exception in the worker thread
 * (The real worker starts on import; the timer fires while it trains, since the trainer yields every 50 ms.)
 */
import { threadId, workerData } from 'node:worker_threads';
import '../../src/worker/trainWorker';

const fault = process.env.S2S_FAULT ?? '';
const ms = Number(process.env.S2S_FAULT_MS ?? '200');

// Only trainings fail: the controller's one-off task (reading the pairs file) runs as in the real worker.
if ((workerData as { role?: string } | null)?.role !== 'task') setTimeout(() => {
  switch (fault) {
    case 'exit':
      process.exit(7);
      break;
    case 'throw':
      throw new Error(`injected fault in training worker thread ${threadId}`);
    default:
      throw new Error(`faulty-worker: expected S2S_FAULT exit or throw, got ${JSON.stringify(fault)}`);
  }
}, ms);
