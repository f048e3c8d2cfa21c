/**
 * The worker's side of thread.ts, Node build: the start data is `workerData`, messages go through
 * `parentPort`. The browser build swaps in parent.web.ts (the start data is the first message).
 */
import { parentPort, workerData } from 'node:worker_threads';

export interface ParentChannel {
  /** What the host started this worker with (TrainRequest, a task, a gradient helper's setup). */
  readonly data: unknown;
  post(message: unknown, transfer?: ArrayBuffer[]): void;
  /** Messages after the start data (a cancel request when there is no shared memory). */
  onMessage(listener: (message: unknown) => void): void;
}

/** Calls `start` with the channel to the host (here at once). */
export function connectToParent(start: (channel: ParentChannel) => void): void {
  const port = parentPort;
  if (port === null) throw new Error('worker script: expected to run inside a worker_threads Worker, got no parentPort');
  start({
    data: workerData as unknown,
    post: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (listener) => void port.on('message', listener),
  });
}
