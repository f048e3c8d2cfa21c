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

/** Runs one task in a new worker thread of `workerFile` (dist/worker.js, or out/src/worker/trainWorker.js in tests). */
export function runWorkerTask(workerFile: string, request: TaskRequest): Promise<TaskResult> {
  return new Promise<TaskResult>((resolve, reject) => {
    const worker = startWorkerThread(workerFile, { role: 'task', request });
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

export async function readPairsInWorker(workerFile: string, file: Extract<TaskRequest, { kind: 'readPairs' }>['file']): Promise<PairsSummary> {
  return expect(await runWorkerTask(workerFile, { kind: 'readPairs', file }), 'readPairs').summary;
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

export async function decodeModelInWorker(workerFile: string, bytes: Uint8Array, name: string): Promise<Extract<TaskResult, { kind: 'decodeModel' }>['content']> {
  return expect(await runWorkerTask(workerFile, { kind: 'decodeModel', bytes, name }), 'decodeModel').content;
}
