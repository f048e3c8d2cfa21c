/**
 * The worker's one-off tasks (workerData.role 'task'): read and check a pairs file, evaluate a model on
 * one, decode a model file. Each is the engine's own function; here they only run off the extension
 * host's thread, and what goes back is small (a summary, the first failures) or transferred (weights).
 */
import { evaluatePairs, summarizeOutcomes } from '../chat/evaluate';
import { buildEvaluationReport } from '../insight/evaluation';
import { deserializeModel } from '../chat/serialize';
import { readPairs } from '../data/read';
import { PairFileError } from '../data/errors';
import { decodeModelFile, ModelFileError } from '../io/model-file';
import { packedBuffers, packModel } from '../io/packed-model';
import { sha256Hex } from '../io/hash';
import { isLargeModel } from '../chat/replyCost';
import { MAX_FAILURES_SENT, MAX_WARNINGS_SENT, type TaskMessage, type TaskRequest, type TaskResult } from './messages';

/** Runs one task in this thread (the worker; unit tests call it directly too). */
export function runTask(req: TaskRequest): TaskResult {
  switch (req.kind) {
    case 'readPairs': {
      const r = readPairs(req.file.bytes, req.file.name, req.file.limits);
      return {
        kind: 'readPairs',
        summary: { format: r.format, pairs: r.pairs.length, warnings: r.warnings.slice(0, MAX_WARNINGS_SENT), warningCount: r.warnings.length, dataHash: sha256Hex(req.file.bytes) },
        bytes: req.file.bytes,
      };
    }
    case 'evaluate': {
      const model = deserializeModel(req.model, req.modelName);
      const { pairs } = readPairs(req.file.bytes, req.file.name, req.file.limits);
      const outcomes = evaluatePairs(model, pairs, req.decode);
      const ev = summarizeOutcomes(outcomes);
      return {
        kind: 'evaluate',
        evaluation: { ...ev, failures: ev.failures.slice(0, MAX_FAILURES_SENT) },
        ...(req.report ? { report: buildEvaluationReport(req.report.file, { label: req.report.label, kind: req.report.kind }, outcomes) } : {}),
      };
    }
    case 'decodeModel': {
      const content = decodeModelFile(req.bytes, req.name);
      const { shapes, knowledge } = content.header;
      const large = isLargeModel(shapes.reduce((n, [r, c]) => n + r * c, 0), knowledge?.questions.length ?? 0);
      return { kind: 'decodeModel', model: packModel(content, { weights: !(large && req.weights === 'unlessLarge') }), bytes: req.share === true ? shared(req.bytes) : req.bytes };
    }
    default: {
      const never: never = req;
      throw new Error(`worker task: unknown kind ${JSON.stringify(never)}`);
    }
  }
}

/** `bytes` copied into shared memory (here, off the host's thread): a message to another thread then shares them. */
function shared(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const view = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  view.set(bytes);
  return view;
}

/** The buffers a result hands over without copying: a packed model's (weights, offsets), the bytes handed back. */
function transferables(result: TaskResult): ArrayBuffer[] {
  switch (result.kind) {
    case 'readPairs':
      return [result.bytes.buffer as ArrayBuffer];
    case 'decodeModel':
      // bytes in shared memory are shared by the message, not moved
      return [...(result.bytes.buffer instanceof ArrayBuffer ? [result.bytes.buffer] : []), ...packedBuffers(result.model)];
    case 'evaluate':
      return [];
  }
}

/** The error as a message that keeps what the host needs to rebuild it. */
export function taskError(e: unknown): TaskMessage {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof PairFileError) return { type: 'error', name: err.name, message: err.message, file: err.file, line: err.line, reason: err.reason };
  if (err instanceof ModelFileError) return { type: 'error', name: err.name, message: err.message, source: err.source, reason: err.reason };
  return { type: 'error', name: err.name, message: err.message };
}

/** Worker entry for role 'task': one task, one message back. */
export function runTaskWorker(req: TaskRequest, post: (m: TaskMessage, transfer?: ArrayBuffer[]) => void): void {
  let result: TaskResult;
  try {
    result = runTask(req);
  } catch (e) {
    post(taskError(e));
    return;
  }
  post({ type: 'result', result }, transferables(result));
}
