/**
 * Host side of the reply worker (src/worker/replies.ts): the replies of a model too large to answer on the
 * extension host's thread are computed in one long-lived worker that holds that model. A reply's cost grows
 * with the weights (the decoder's output layer is H × V, run once per reply token) and the first reply's
 * with the trained questions (the question index is built then): measured in plain Node on 2 loaded cores,
 * a 0.16 M-weight model (the default one's size) answers in about 5 ms, 1 M weights in 20 ms (39 at worst),
 * 2 M in 60 ms, the 5.9 M weights of a 30,000-token vocabulary in 160–190 ms; 20,000 trained questions make
 * the first reply 0.8–1.0 s whatever the weights. The model goes to the worker once, when it becomes the
 * answering one (its file's bytes, copied and transferred), not with each question.
 *
 * Guarantees: a question is answered by the model it was asked of (the worker answers in order, and a
 * question is sent after the model it names); a worker that fails, exits or takes too long rejects every
 * reply waiting on it with a clear error (never a hang) and is started again, with the model, by the next
 * question. No vscode: unit-tested in plain Node, used by the extension (a Web Worker in the browser build).
 */
import { MAX_REPLY_QUESTION_TOKENS, type ChatModel } from '../chat/model';
import { estimateReplyCost, HOST_REPLY_BUDGET_MS, isLargeModel, replyShape } from '../chat/replyCost';
import type { DecodeOptions, Reply } from '../chat/types';
import type { Explanation } from '../insight/types';
import type { ReplyRequest, ReplyWorkerMessage } from './messages';
import { isShared } from './taskClient';
import { startWorkerThread, type WorkerThread } from './thread';

export { OFF_THREAD_QUESTIONS, OFF_THREAD_WEIGHTS } from '../chat/replyCost';
/** A model must be decoded and warmed up within this time (a 24.5 MB file takes 1–3 s). */
export const LOAD_TIMEOUT_MS = 120_000;
/** A reply must come within this time once the worker holds its model. */
export const REPLY_TIMEOUT_MS = 30_000;

/** The number of weights of `model` (every parameter's values). */
export function weightCount(model: ChatModel): number {
  return model.engine.params.reduce((n, p) => n + p.rows * p.columns, 0);
}

/**
 * Whether `model`'s reply answers in the reply worker rather than on the calling (the extension host's)
 * thread: always for a large model (weights or trained questions, `isLargeModel`); for a smaller one when
 * the reply's worst-case cost under `decode` (src/chat/replyCost.ts) is over the host's budget, e.g. the
 * default model at beam width 32 and 1,000 steps. Without `decode`: the size rule alone (where the model is
 * held whatever the settings). `question`: its length bounds the encoder's steps (absent: the longest read).
 */
export function repliesOffThread(model: ChatModel, decode?: DecodeOptions, question?: string, explain = false): boolean {
  if (isLargeModel(weightCount(model), model.knowledge?.questions.length ?? 0)) return true;
  if (decode === undefined) return false;
  return estimateReplyCost(replyShape(model), decode, question?.length ?? MAX_REPLY_QUESTION_TOKENS, explain).ms > HOST_REPLY_BUDGET_MS;
}

/** The reply worker failed, exited, did not answer in time or reported an error; `errorName` is the worker's error's. */
export class ReplyWorkerError extends Error {
  constructor(message: string, readonly errorName = 'ReplyWorkerError') {
    super(message);
    this.name = 'ReplyWorkerError';
  }
}

export interface ReplyWorkerOptions {
  readonly loadTimeoutMs?: number;
  readonly replyTimeoutMs?: number;
}

interface Waiting<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/** What the worker holds, or is loading: the caller's key for the model (its identity) and the generation sent. */
interface Held {
  readonly key: object;
  readonly generation: number;
  readonly ready: Promise<void>;
}

export class ReplyWorker {
  private worker: WorkerThread | null = null;
  private held: Held | null = null;
  private generation = 0;
  private nextId = 1;
  private readonly loads = new Map<number, Waiting<void>>();
  /** Replies and explanations waiting, by request id. */
  private readonly replies = new Map<number, Waiting<Reply | Explanation>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Stop the worker once nothing waits on it (the answering model is back on the host). */
  private releasing = false;

  constructor(
    /** dist/worker.js (out/src/worker/trainWorker.js in tests; a blob: URL in the browser build). */
    private readonly workerFile: string,
    private readonly options: ReplyWorkerOptions = {},
  ) {}

  /** Whether a worker is running (tests). */
  get running(): boolean {
    return this.worker !== null;
  }

  /**
   * Has the worker hold model `key` (the caller's object for it; `bytes` its file): sent unless the worker
   * holds it already. Settles when the model is decoded and warmed up there. `bytes` stay the caller's.
   */
  load(key: object, bytes: Uint8Array, name: string): Promise<void> {
    this.releasing = false;
    if (this.held?.key === key) return this.held.ready;
    const worker = this.start();
    const generation = ++this.generation;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = this.after(this.options.loadTimeoutMs ?? LOAD_TIMEOUT_MS, () =>
        this.fail(new ReplyWorkerError(`expected the reply worker to load ${name} within ${seconds(this.options.loadTimeoutMs ?? LOAD_TIMEOUT_MS)}, got no answer: it was stopped and starts again with the next question`)),
      );
      this.loads.set(generation, { resolve: () => (this.clear(timer), resolve()), reject: (e) => (this.clear(timer), reject(e)) });
    });
    ready.catch(() => undefined); // a load nobody awaits yet (the model just became the answering one) must not be an unhandled rejection
    this.held = { key, generation, ready };
    if (isShared(bytes)) {
      // shared memory (a model decoded with `share`): the message shares it, nothing is copied here
      worker.postMessage({ type: 'model', generation, bytes, name } satisfies ReplyRequest);
    } else {
      const copy = bytes.slice(); // the caller keeps its bytes (Evaluate sends them to its own worker); the copy moves
      worker.postMessage({ type: 'model', generation, bytes: copy, name } satisfies ReplyRequest, [copy.buffer as ArrayBuffer]);
    }
    return ready;
  }

  /**
   * The reply of model `key` to `question`, computed in the worker (the model is sent first when the worker
   * does not hold it). Rejects with a ReplyWorkerError when the worker fails or does not answer in time.
   */
  reply(key: object, bytes: Uint8Array, name: string, question: string, decode: DecodeOptions): Promise<Reply> {
    return this.ask<Reply>(key, bytes, name, { type: 'reply', question, decode });
  }

  /** The same reply explained ("Why?", src/insight/explain.ts), computed in the worker like `reply`. */
  explain(key: object, bytes: Uint8Array, name: string, question: string, decode: DecodeOptions): Promise<Explanation> {
    return this.ask<Explanation>(key, bytes, name, { type: 'explain', question, decode });
  }

  /** Sends `job` for model `key` and settles with what the worker answers (T: the answer that job's type gets). */
  private ask<T>(key: object, bytes: Uint8Array, name: string, job: Pick<Extract<ReplyRequest, { type: 'reply' | 'explain' }>, 'type' | 'question' | 'decode'>): Promise<T> {
    const ready = this.load(key, bytes, name);
    const worker = this.worker;
    const held = this.held;
    if (worker === null || held === null) return Promise.reject(new ReplyWorkerError('expected a reply worker after loading the model, got none'));
    const id = this.nextId++;
    const timeoutMs = this.options.replyTimeoutMs ?? REPLY_TIMEOUT_MS;
    const result = new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.replies.set(id, { resolve: (r) => (this.clear(timer), resolve(r as T)), reject: (e) => (this.clear(timer), reject(e)) });
      // The clock starts once the worker holds the model: a large model's load is not counted against the reply.
      ready.then(
        () => {
          if (this.replies.has(id)) {
            timer = this.after(timeoutMs, () => this.fail(new ReplyWorkerError(`expected a reply within ${seconds(timeoutMs)}, got none: the reply worker was stopped and starts again with the next question`)));
          }
        },
        (e: unknown) => this.take(this.replies, id)?.reject(e instanceof Error ? e : new ReplyWorkerError(String(e))), // the model never loaded: its error
      );
    });
    // Sent now, right after the model it names: the worker answers in order, so it is this model's reply.
    worker.postMessage({ ...job, id, generation: held.generation } satisfies ReplyRequest);
    return result;
  }

  /** The worker is no longer needed (the answering model is small or gone): it stops once no reply waits on it. */
  release(): void {
    this.releasing = true;
    this.held = null;
    this.stopIfIdle();
  }

  dispose(): void {
    this.fail(new ReplyWorkerError('the reply worker was stopped (the extension is shutting down)'));
  }

  private start(): WorkerThread {
    if (this.worker !== null) return this.worker;
    const worker = startWorkerThread(this.workerFile, { role: 'replies' });
    this.worker = worker;
    worker.onMessage((message) => {
      if (this.worker === worker) this.receive(message as ReplyWorkerMessage);
    });
    worker.onError((e) => {
      if (this.worker === worker) this.fail(new ReplyWorkerError(`the reply worker failed: ${e.message}`));
    });
    worker.onExit((code) => {
      if (this.worker === worker) this.fail(new ReplyWorkerError(`the reply worker exited with code ${code} before answering`));
    });
    return worker;
  }

  private receive(m: ReplyWorkerMessage): void {
    switch (m.type) {
      case 'loaded':
        this.take(this.loads, m.generation)?.resolve();
        break;
      case 'reply':
        this.take(this.replies, m.id)?.resolve(m.reply);
        break;
      case 'explanation':
        this.take(this.replies, m.id)?.resolve(m.explanation);
        break;
      case 'error': {
        const error = new ReplyWorkerError(m.message, m.name);
        if (m.id !== undefined) this.take(this.replies, m.id)?.reject(error);
        else {
          this.take(this.loads, m.generation)?.reject(error);
          // The model never came to be: the next question sends it again.
          if (this.held?.generation === m.generation) this.held = null;
        }
        break;
      }
      default: {
        const never: never = m;
        this.fail(new ReplyWorkerError(`reply worker: unknown message ${JSON.stringify(never)}`));
        return;
      }
    }
    this.stopIfIdle();
  }

  private take<T>(map: Map<number, Waiting<T>>, key: number): Waiting<T> | undefined {
    const w = map.get(key);
    map.delete(key);
    return w;
  }

  /** Stops the worker and rejects everything waiting on it with `error`; the next question starts a new one. */
  private fail(error: Error): void {
    const worker = this.worker;
    this.worker = null;
    this.held = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const waiting = [...this.loads.values(), ...this.replies.values()];
    this.loads.clear();
    this.replies.clear();
    worker?.terminate();
    for (const w of waiting) w.reject(error);
  }

  private stopIfIdle(): void {
    if (!this.releasing || this.loads.size > 0 || this.replies.size > 0 || this.worker === null) return;
    const worker = this.worker;
    this.worker = null;
    worker.terminate();
  }

  private after(ms: number, f: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      f();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private clear(timer: ReturnType<typeof setTimeout> | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
