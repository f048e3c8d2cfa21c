/**
 * Host side of the worker's one-off tasks (src/worker/tasks.ts): starts the worker script with role
 * 'task', resolves with its result, and rethrows its errors as the engine's own classes (a PairFileError
 * keeps its file and line, a ModelFileError its reason), so callers handle them as if run in place.
 * No vscode: unit-tested in plain Node, used by the extension (a Web Worker in the browser build).
 */
import { PairFileError } from '../data/errors';
import { ModelFileError } from '../io/model-file';
import type { EvaluationReport } from '../insight/evaluation';
import type { EvaluationSummary, PairsSummary, TaskMessage, TaskRequest, TaskResult } from './messages';
import { startWorkerThread } from './thread';
import type { PackedModel } from '../io/packed-model';
import { packedModelSteps, runInSteps } from '../chat/serialize';
import type { ChatModel } from '../chat/model';

/** What the worker reported for a task that failed with an error of no known class. */
export class WorkerTaskError extends Error {
  constructor(readonly errorName: string, message: string) {
    super(message);
    this.name = 'WorkerTaskError';
  }
}

function rebuild(m: Extract<TaskMessage, { type: 'error' }>): Error {
  if (m.name === 'PairFileError' && m.file !== undefined && m.line !== undefined && m.reason !== undefined) return new PairFileError(m.file, m.line, m.reason);
  if (m.name === 'ModelFileError' && m.source !== undefined && m.reason !== undefined) return new ModelFileError(m.source, m.reason);
  return new WorkerTaskError(m.name, m.message);
}

/**
 * `bytes` as the sole view of a buffer of its own, which a message can transfer: `bytes` itself when it
 * is (a file as read), else a copy (a view into a larger buffer, whose other parts are not ours to move).
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  if (isShared(bytes)) return bytes;
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? bytes : bytes.slice();
}

/** Whether `bytes` live in shared memory: a message to a worker shares them (no copy, nothing detached). */
export function isShared(bytes: Uint8Array): boolean {
  return typeof SharedArrayBuffer === 'function' && bytes.buffer instanceof SharedArrayBuffer;
}

/** `bytes`' buffer for a transfer list: none for shared memory, which a message shares anyway. */
function movable(bytes: Uint8Array): ArrayBuffer[] {
  return isShared(bytes) ? [] : [bytes.buffer as ArrayBuffer];
}

/**
 * The request as sent, and what it transfers: a file's bytes that the result hands back (readPairs,
 * decodeModel). Starting a worker clones its start data in one block of this thread (a 45 MB file took
 * 80 ms); a transferred buffer costs nothing. The caller's array is detached then: it uses the result's.
 */
function handOver(request: TaskRequest): { request: TaskRequest; transfer: ArrayBuffer[] } {
  switch (request.kind) {
    case 'readPairs': {
      const bytes = ownBuffer(request.file.bytes);
      return { request: { ...request, file: { ...request.file, bytes } }, transfer: movable(bytes) };
    }
    case 'decodeModel': {
      const bytes = ownBuffer(request.bytes);
      return { request: { ...request, bytes }, transfer: movable(bytes) };
    }
    case 'evaluate':
      // The model's bytes stay the host's (the current model keeps them): shared when they are in shared
      // memory (a model decoded with `share`: no copy at all), else cloned by the message.
      return { request, transfer: [] };
  }
}

/**
 * Runs one task in a new worker thread of `workerFile` (dist/worker.js, or out/src/worker/trainWorker.js
 * in tests). A readPairs or decodeModel request's bytes are transferred: use the result's `bytes` after.
 */
export function runWorkerTask(workerFile: string, task: TaskRequest): Promise<TaskResult> {
  return new Promise<TaskResult>((resolve, reject) => {
    const { request, transfer } = handOver(task);
    const worker = startWorkerThread(workerFile, { role: 'task', request }, transfer);
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.onMessage((message) => {
      const m = message as TaskMessage;
      finish(() => (m.type === 'result' ? resolve(m.result) : reject(rebuild(m))));
    });
    worker.onError((e) => finish(() => reject(e)));
    worker.onExit((code) => finish(() => reject(new Error(`worker task ${request.kind} exited with code ${code} before reporting a result`))));
  });
}

function expect<K extends TaskResult['kind']>(r: TaskResult, kind: K): Extract<TaskResult, { kind: K }> {
  if (r.kind !== kind) throw new Error(`worker task: expected a ${kind} result, got ${r.kind}`);
  return r as Extract<TaskResult, { kind: K }>;
}

/** The file's summary, and its bytes handed back (`file.bytes` is detached: it went to the worker). */
export async function readPairsInWorker(workerFile: string, file: Extract<TaskRequest, { kind: 'readPairs' }>['file']): Promise<{ summary: PairsSummary; bytes: Uint8Array }> {
  const r = expect(await runWorkerTask(workerFile, { kind: 'readPairs', file }), 'readPairs');
  return { summary: r.summary, bytes: r.bytes };
}

export async function evaluateInWorker(workerFile: string, request: Omit<Extract<TaskRequest, { kind: 'evaluate' }>, 'kind'>): Promise<EvaluationSummary> {
  return expect(await runWorkerTask(workerFile, { kind: 'evaluate', ...request }), 'evaluate').evaluation;
}

/** Evaluates in the worker and builds the report view's data there too (misses' diffs included). */
export async function evaluateReportInWorker(
  workerFile: string,
  request: Omit<Extract<TaskRequest, { kind: 'evaluate' }>, 'kind'>,
): Promise<{ evaluation: EvaluationSummary; report?: EvaluationReport }> {
  const r = expect(await runWorkerTask(workerFile, { kind: 'evaluate', ...request }), 'evaluate');
  return { evaluation: r.evaluation, ...(r.report ? { report: r.report } : {}) };
}

/** How decodeModel hands a model back (TaskRequest 'decodeModel'): with or without a large model's weights, bytes shared or not. */
export type DecodeModelOptions = Pick<Extract<TaskRequest, { kind: 'decodeModel' }>, 'weights' | 'share'>;

/**
 * The model file `bytes` checked and decoded in the worker, packed for this thread (src/io/packed-model.ts),
 * and its bytes handed back (`bytes` is detached: it went to the worker).
 */
export async function decodeModelInWorker(workerFile: string, bytes: Uint8Array, name: string, options: DecodeModelOptions = {}): Promise<{ model: PackedModel; bytes: Uint8Array }> {
  const r = expect(await runWorkerTask(workerFile, { kind: 'decodeModel', bytes, name, ...options }), 'decodeModel');
  return { model: r.model, bytes: r.bytes };
}

/**
 * A model file as a ChatModel without a long block of this thread: checked and decoded in the worker,
 * built here in steps (src/chat/serialize.ts) with `pause` between them (the extension host passes a turn
 * of its event loop). `bytes` is detached: use the returned bytes. `options.weights` 'unlessLarge': a large
 * model comes without its weights (`hasWeights` false: it answers in the reply worker); `options.share`:
 * the returned bytes are in shared memory.
 */
export async function loadModelInWorker(workerFile: string, bytes: Uint8Array, name: string, pause: () => Promise<void>, options: DecodeModelOptions = {}): Promise<{ model: ChatModel; bytes: Uint8Array }> {
  const decoded = await decodeModelInWorker(workerFile, bytes, name, options);
  mark('seq2seq.load.reply');
  const model = await runInSteps(packedModelSteps(decoded.model, name), pause);
  mark('seq2seq.load.built');
  return { model, bytes: decoded.bytes };
}

/** A user-timing mark (the extension bench lines the host's blocks up with them), replacing the last of that name. */
export function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}
