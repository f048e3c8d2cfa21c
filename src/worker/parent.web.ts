/**
 * Browser build of parent.ts: inside a Web Worker the start data is the first message (thread.web.ts
 * sends it right after starting the worker); later messages go to `onMessage` listeners.
 */
import type { ParentChannel } from './parent';

export type { ParentChannel } from './parent';

interface WorkerScope {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (e: { readonly data: unknown }) => void): void;
}

export function connectToParent(start: (channel: ParentChannel) => void): void {
  const scope = globalThis as unknown as WorkerScope;
  const listeners: ((message: unknown) => void)[] = [];
  let started = false;
  scope.addEventListener('message', (e) => {
    if (started) {
      for (const l of listeners) l(e.data);
      return;
    }
    started = true;
    start({
      data: e.data,
      post: (message, transfer) => scope.postMessage(message, transfer ?? []),
      onMessage: (listener) => void listeners.push(listener),
    });
  });
}
