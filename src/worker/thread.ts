/**
 * Starting a worker and talking to it, Node side: a worker_threads Worker given its start data as
 * `workerData`. The browser build swaps in thread.web.ts (webpack resolves `.web.ts` first), which starts
 * a Web Worker and sends the same data as its first message. Callers (trainingJob.ts, taskClient.ts) see
 * only `WorkerThread`, so both builds run the same host-side code.
 */
import { Worker } from 'node:worker_threads';

export interface WorkerThread {
  /** `transfer`: buffers that move to the worker instead of being copied (detached here). */
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: unknown) => void): void;
  onError(listener: (error: Error) => void): void;
  /** The thread ended on its own (a crash, process.exit); never fires for a Web Worker. */
  onExit(listener: (code: number) => void): void;
  terminate(): void;
}

/**
 * Whether a SharedArrayBuffer can be handed to the worker (always in Node; in a browser only when the
 * page is cross-origin isolated). Without it a cancel request travels as a message.
 */
export const SHARED_MEMORY = true;

/**
 * Starts `script` (a file path here; a URL in the browser build) with `data` as its start data; the
 * buffers in `transfer` move to the worker instead of being copied (they are detached here).
 */
export function startWorkerThread(script: string, data: unknown, transfer: ArrayBuffer[] = []): WorkerThread {
  const worker = new Worker(script, { workerData: data, transferList: transfer });
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => void worker.on('message', listener),
    onError: (listener) => void worker.on('error', listener),
    onExit: (listener) => void worker.on('exit', listener),
    terminate: () => void worker.terminate(),
  };
}
