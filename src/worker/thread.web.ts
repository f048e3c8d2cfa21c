/**
 * Browser build of thread.ts (webpack resolves `.web.ts` first): a Web Worker started from `script`, a
 * URL (the extension makes a blob: URL of the embedded worker bundle, since a worker script must share the
 * extension host's origin). Web Workers have no start data, so `data` is the first message; the worker
 * side (parent.web.ts) waits for it before doing anything else.
 */
import type { WorkerThread } from './thread';

export type { WorkerThread } from './thread';

// The few Web Worker types used here (lib.dom is not in this project's lib).
interface WebWorker {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (e: { readonly data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (e: { readonly message?: string; preventDefault(): void }) => void): void;
  addEventListener(type: 'messageerror', listener: () => void): void;
  terminate(): void;
}
type WebWorkerConstructor = new (url: string, options?: { name?: string }) => WebWorker;

/** A cancel flag in shared memory only where the page is cross-origin isolated (vscode.dev is not). */
export const SHARED_MEMORY = typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

export function startWorkerThread(script: string, data: unknown, transfer: ArrayBuffer[] = []): WorkerThread {
  const WorkerClass = (globalThis as unknown as { Worker?: WebWorkerConstructor }).Worker;
  if (WorkerClass === undefined) throw new Error('expected Web Workers in this extension host, got no Worker constructor');
  const worker = new WorkerClass(script, { name: 'seq2seq-chat' });
  worker.postMessage(data, transfer);
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (listener) => worker.addEventListener('message', (e) => listener(e.data)),
    onError: (listener) => {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        listener(new Error(`worker script error: ${e.message ?? 'unknown (the script failed to load or threw)'}`));
      });
      worker.addEventListener('messageerror', () => listener(new Error('worker message could not be deserialized')));
    },
    onExit: () => undefined,
    terminate: () => worker.terminate(),
  };
}
