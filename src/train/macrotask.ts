/**
 * One turn of the event loop (a macrotask), so that messages queued for this thread (a cancel request,
 * an editor event) get handled between slices of work. Node: setImmediate. A browser (the web extension
 * host, a Web Worker) has no setImmediate, and setTimeout(0) is clamped to ≥ 4 ms once nested, which
 * would cost a training that yields every 50 ms about 8 %: a MessageChannel message is a macrotask with
 * no clamp.
 */
type Resolve = () => void;

// The browser's MessageChannel (lib.dom is not in this project's lib; Node's typings describe its own).
interface WebMessageChannel {
  readonly port1: { onmessage: (() => void) | null; close(): void };
  readonly port2: { postMessage(message: null): void };
}

/** A turn through a MessageChannel of its own; `close` frees the channel (tests: Node keeps a port alive). */
export function messageChannelTurn(): (() => Promise<void>) & { close(): void } {
  const channel = new (globalThis as unknown as { MessageChannel: new () => WebMessageChannel }).MessageChannel();
  const waiting: Resolve[] = [];
  channel.port1.onmessage = (): void => waiting.shift()?.();
  const turn = (): Promise<void> =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
  return Object.assign(turn, { close: () => channel.port1.close() });
}

export const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise<void>((resolve) => setImmediate(resolve)) : messageChannelTurn();
