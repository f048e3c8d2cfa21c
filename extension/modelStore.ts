/**
 * Which model answers: the one saved in extension storage (global by default, workspace storage when
 * `seq2seqChat.storage.scope` says so), else the default model shipped in the .vsix
 * (data/default/model.s2s). Saving is atomic, so a crash mid-save never leaves half a model.
 */
import * as vscode from 'vscode';
import { decodeFor, DEFAULT_MODEL_RELATIVE_PATH, deserializeModel, serializeModel, type ChatModel, type DecodeOptions, type Reply } from '../src/chat';
import { hasWeights } from '../src/chat/serialize';
import { writeFileAtomicAsync } from '../src/io/atomic';
import { explainReply, type Explanation } from '../src/insight/explain';
import { repliesOffThread, ReplyWorker } from '../src/worker/replyClient';
import { isShared, loadModelInWorker, type DecodeModelOptions } from '../src/worker/taskClient';
import { SHARED_MEMORY } from '../src/worker/thread';
import { yieldToEventLoop } from '../src/train/macrotask';
import type { Logger } from './log';
import { readStorageScope } from './settings';

export const MODEL_FILE_NAME = 'model.s2s';
const META_KEY = 'seq2seqChat.modelMeta';

export type ModelSource = 'default' | 'trained' | 'imported';

export interface ModelMeta {
  readonly source: ModelSource;
  /** What the user sees: "default model", "trained on faq.tsv", "imported from x.s2s". */
  readonly label: string;
}

export interface CurrentModel {
  /**
   * The model. One that answers in the reply worker by its size (src/chat/replyCost.ts `isLargeModel`) is
   * held here without its weights (`hasWeights` false): its header only (kind, options, vocabularies, trained
   * questions, report, history) for the model card and the chat; the reply worker holds the weights. Ask it
   * through ModelStore.reply / explain, never directly (`hostModel` decodes a full copy on demand).
   */
  readonly model: ChatModel;
  readonly meta: ModelMeta;
  /**
   * The model's file bytes (what Evaluate, the reply worker and a fine-tune get, without serialising on the
   * host): in shared memory where there is any (Node), so handing them to a worker copies nothing.
   */
  readonly bytes: Uint8Array;
}

export class ModelStore implements vscode.Disposable {
  private current: CurrentModel | null = null;
  /** Settles when the first load (stored or default model) is done; replies wait for it. */
  ready: Promise<unknown> = Promise.resolve();
  /** Milliseconds the first load took (read + deserialize), for the bench. */
  loadMs = 0;
  /** True while the first load runs. */
  loading = false;
  private readonly changed = new vscode.EventEmitter<CurrentModel | null>();
  readonly onDidChange = this.changed.event;

  /**
   * `workerFile`: the worker script (dist/worker.js) that checks and decodes model files off the host's
   * thread (checksum, header, weights); the host only builds the network from the decoded weights.
   * Without it (unit tests on a fake vscode) files are decoded in place.
   */
  /** Computes the replies of a model too large to answer on this thread (created with the first such model). */
  private replyWorker: ReplyWorker | undefined;

  /**
   * `offThread`: which models answer in the reply worker (src/worker/replyClient.ts: by weights and trained
   * questions); tests lower it to use small models.
   */
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
    private readonly workerFile?: string,
    private readonly offThread: (model: ChatModel, decode?: DecodeOptions, question?: string, explain?: boolean) => boolean = repliesOffThread,
  ) {}

  /**
   * Whether `m` answers in the reply worker (a worker script is known, and the model is over the size limit,
   * or the reply's estimated cost under `decode` is over the host's budget, or the host holds no weights).
   * Without `decode`: by size alone (the worker holds a large model whatever the settings).
   */
  answersOffThread(m: CurrentModel, decode?: DecodeOptions, question?: string, explain = false): boolean {
    return this.workerFile !== undefined && (!hasWeights(m.model) || this.offThread(m.model, decode, question, explain));
  }

  /**
   * `m`'s reply to `question`: computed here, at once, when it fits the host's budget (a small model under
   * the current decoding settings: a few ms); else in the reply worker, which holds the model (a large one is
   * sent when it becomes the answering one; a small one with the first reply that needs it): a promise then.
   * Decoded as the CLI decodes `m` (src/chat/defaults.ts `decodeFor`): the decoding settings for a dialog
   * model; free generation with every reply an answer for a character task (the book's dates and sums),
   * unless `decode` carries a threshold.
   */
  reply(m: CurrentModel, question: string, decode: DecodeOptions): Reply | Promise<Reply> {
    const d = decodeFor(m.model.options, decode);
    if (!this.answersOffThread(m, d, question)) return m.model.reply(question, d);
    return this.replies().reply(m, m.bytes, m.meta.label, question, d);
  }

  /** "Why?" for `m`'s reply to `question`, decoded as `reply` decodes it: where it fits (here at once, or in the reply worker). */
  explain(m: CurrentModel, question: string, decode: DecodeOptions): Explanation | Promise<Explanation> {
    const d = decodeFor(m.model.options, decode);
    if (!this.answersOffThread(m, d, question, true)) return explainReply(m.model, question, d);
    return this.replies().explain(m, m.bytes, m.meta.label, question, d);
  }

  /**
   * `m`'s model with its weights, for an operation that must run here (the bench's replies on the host):
   * `m.model` when it has them, else a full copy decoded on demand (in the worker, built in steps) and kept
   * with `m`. Never on the chat's path.
   */
  async hostModel(m: CurrentModel): Promise<ChatModel> {
    if (hasWeights(m.model)) return m.model;
    let full = this.fullModels.get(m);
    if (!full) {
      // `m.bytes` stay the model's: shared memory is shared, a plain buffer is copied (the task moves what it gets)
      const bytes = isShared(m.bytes) ? m.bytes : m.bytes.slice();
      full = this.workerFile === undefined ? Promise.resolve(deserializeModel(bytes, m.meta.label)) : loadModelInWorker(this.workerFile, bytes, m.meta.label, yieldToEventLoop).then((d) => d.model);
      this.fullModels.set(m, full);
    }
    return full;
  }

  private readonly fullModels = new WeakMap<CurrentModel, Promise<ChatModel>>();

  private replies(): ReplyWorker {
    if (this.workerFile === undefined) throw new Error('expected a worker script for the replies of a large model, got none');
    return (this.replyWorker ??= new ReplyWorker(this.workerFile));
  }

  /**
   * A model file's bytes as a model: checked and decoded in the worker, built here in steps between which
   * other events run (a 25 MB model is many short blocks of the host's thread, not one). `bytes` may be
   * detached (handed to the worker): keep the returned bytes (in shared memory where there is any). A model
   * that answers in the reply worker by its size comes without its weights (with the real size rule; a
   * test's rule keeps them): the host never holds a large model's weights next to the reply worker's.
   */
  async decode(bytes: Uint8Array, source: string): Promise<{ model: ChatModel; bytes: Uint8Array }> {
    if (this.workerFile === undefined) return { model: deserializeModel(bytes, source), bytes };
    const options: DecodeModelOptions = { weights: this.offThread === repliesOffThread ? 'unlessLarge' : 'always', share: SHARED_MEMORY };
    return loadModelInWorker(this.workerFile, bytes, source, yieldToEventLoop, options);
  }

  dispose(): void {
    this.replyWorker?.dispose();
    this.changed.dispose();
  }

  get model(): CurrentModel | null {
    return this.current;
  }

  /** Folder that holds the saved model for the configured scope (workspace falls back to global without a folder). */
  storageDir(): vscode.Uri {
    const scope = readStorageScope();
    return scope === 'workspace' && this.context.storageUri ? this.context.storageUri : this.context.globalStorageUri;
  }

  storedModelUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.storageDir(), MODEL_FILE_NAME);
  }

  /**
   * Where the stored model's label lives: with the model, so the workspace's model keeps its own label in
   * workspaceState and a global model's label is not shown for (or erased by) a workspace's model.
   */
  private metaState(): vscode.Memento {
    return readStorageScope() === 'workspace' && this.context.storageUri ? this.context.workspaceState : this.context.globalState;
  }

  defaultModelUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.extensionUri, ...DEFAULT_MODEL_RELATIVE_PATH.split('/'));
  }

  /** Starts the first load without holding up activation; `ready` settles when it is done. */
  startLoading(onError: (err: unknown) => void): void {
    const t0 = performance.now();
    this.loading = true;
    this.ready = this.load()
      .catch(onError)
      .finally(() => {
        this.loading = false;
        this.loadMs = Math.round((performance.now() - t0) * 100) / 100;
      });
  }

  /** Loads the stored model, else the default one; a broken stored file is logged and skipped. */
  async load(): Promise<CurrentModel | null> {
    const stored = this.storedModelUri();
    let bytes: Uint8Array | null = null;
    try {
      bytes = await readIfExists(stored);
    } catch (err) {
      // Not missing but unreadable (a folder in its place, no permission): skip it like a corrupt file.
      this.log.error(`stored model ${stored.toString(true)} cannot be read; using the default model`, err);
    }
    if (bytes) {
      try {
        const meta = this.metaState().get<ModelMeta>(META_KEY) ?? { source: 'trained', label: 'saved model' };
        this.set({ ...(await this.decode(bytes, stored.fsPath)), meta });
        this.log.info(`loaded ${meta.label} from ${stored.toString(true)}`);
        return this.current;
      } catch (err) {
        this.log.error(`stored model ${stored.toString(true)} is unreadable; using the default model`, err);
      }
    }
    return this.useDefault();
  }

  async useDefault(): Promise<CurrentModel | null> {
    const uri = this.defaultModelUri();
    const bytes = await readIfExists(uri);
    if (!bytes) {
      this.log.warn(`no default model at ${uri.toString(true)}`);
      this.set(null);
      return null;
    }
    this.set({ ...(await this.decode(bytes, DEFAULT_MODEL_RELATIVE_PATH)), meta: { source: 'default', label: vscode.l10n.t('default model') } });
    this.log.info('using the default model');
    return this.current;
  }

  /**
   * Replaces the answering model and saves it atomically in the configured storage. `bytes`: the model's
   * file as already serialised (a trained or imported model), so it is not serialised again here.
   */
  async replace(model: ChatModel, meta: ModelMeta, bytes: Uint8Array = serializeModel(model)): Promise<vscode.Uri> {
    const uri = this.storedModelUri();
    await writeModelFile(uri, bytes);
    await this.metaState().update(META_KEY, meta);
    this.set({ model, meta, bytes });
    this.log.info(`saved ${meta.label} to ${uri.toString(true)}`);
    return uri;
  }

  /**
   * Forgets the saved model of the active scope only (a workspace's reset leaves the global model, and
   * the other workspaces', alone) and answers with the default model again.
   */
  async reset(): Promise<CurrentModel | null> {
    try {
      await vscode.workspace.fs.delete(this.storedModelUri());
    } catch {
      // not there: nothing to forget
    }
    await this.metaState().update(META_KEY, undefined);
    return this.useDefault();
  }

  private set(m: CurrentModel | null): void {
    this.current = m;
    // A large model goes to the reply worker now, once, so that the first question finds it decoded and warm.
    if (m !== null && this.answersOffThread(m)) {
      this.replies().load(m, m.bytes, m.meta.label).catch((err: unknown) => this.log.error(`the reply worker could not load ${m.meta.label}; the next question tries again`, err));
    } else this.replyWorker?.release();
    this.changed.fire(m);
  }
}

export async function readIfExists(uri: vscode.Uri): Promise<Uint8Array | null> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return null;
    if (err instanceof Error && /ENOENT|FileNotFound|EntryNotFound/.test(err.message + (err as { code?: string }).code)) return null;
    throw err;
  }
}

/**
 * Local files: write-to-temp + rename (writeFileAtomicAsync: the writes and the fsync of 25 MB run off the
 * host's thread); other schemes: the file system provider.
 */
export async function writeModelFile(uri: vscode.Uri, bytes: Uint8Array): Promise<void> {
  if (uri.scheme === 'file') {
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await writeFileAtomicAsync(uri.fsPath, bytes);
  } else {
    await vscode.workspace.fs.writeFile(uri, bytes);
  }
}
