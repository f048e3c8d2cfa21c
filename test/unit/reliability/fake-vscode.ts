/**
 * A small stand-in for the `vscode` module, so the extension's controllers (extension/chatSession.ts,
 * chatWebview.ts, training.ts) run in plain Node for the reliability tests. Import this file before any
 * extension module: it registers itself as `vscode` in Node's module resolution. It implements only what
 * those files call, and records what the extension shows the user.
 */
import Module from 'node:module';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { formatMessage } from '../../../src/chat/l10n';

export interface Shown {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
}

/** What the extension showed (notifications) and the context keys it set, in order. */
export const shown: Shown[] = [];
export const contextKeys: [string, unknown][] = [];
/** Settings read through workspace.getConfiguration('seq2seqChat'), by short key ("training.epochs"). */
export const settings = new Map<string, unknown>();
/** What vscode.env.clipboard.writeText received, in order. */
export const clipboard: string[] = [];
/** Commands registered through vscode.commands.registerCommand, by id: a test runs one as the palette would. */
export const commands = new Map<string, (...args: unknown[]) => unknown>();

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Disposable {
  constructor(private readonly onDispose: () => unknown) {}
  dispose(): void {
    this.onDispose();
  }
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
}

export class FakeUri {
  readonly scheme = 'file';
  constructor(readonly path: string) {}
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `file://${this.path}`;
  }
  static file(path: string): FakeUri {
    return new FakeUri(path);
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(posix.join(base.path, ...parts));
  }
}

export interface FakeToken {
  isCancellationRequested: boolean;
  onCancellationRequested(l: () => void): Disposable;
}

/** The token of the latest withProgress call, so a test can press the notification's Cancel. */
export const progress: { token: FakeToken | null; cancel(): void } = {
  token: null,
  cancel(): void {
    const t = this.token;
    if (!t) throw new Error('no progress notification is open');
    t.isCancellationRequested = true;
    cancelListeners.forEach((l) => l());
  },
};
const cancelListeners: (() => void)[] = [];

function show(level: Shown['level']) {
  return (message: string): Promise<undefined> => {
    shown.push({ level, message });
    return Promise.resolve(undefined);
  };
}

/** vscode.FileType's values. */
export const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 } as const;

/** vscode.MarkdownString: keeps the markdown, appendText escapes nothing here (tests read `value`). */
export class MarkdownString {
  constructor(public value = '') {}
  appendText(text: string): this {
    this.value += text;
    return this;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
}

export const vscodeStub = {
  FileType,
  MarkdownString,
  EventEmitter,
  Disposable,
  Uri: FakeUri,
  StatusBarAlignment: { Left: 1, Right: 2 },
  ViewColumn: { Active: -1, Beside: -2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  /** Absent (undefined) like on a host without the Chat view; a test sets it (esModuleInterop reads it live). */
  chat: undefined as unknown,
  FileSystemError: class FileSystemError extends Error {
    code = 'Unknown';
  },
  window: {
    createStatusBarItem: () => ({ text: '', tooltip: '', name: '', command: '', show(): void {}, dispose(): void {} }),
    showInformationMessage: show('info'),
    showWarningMessage: show('warning'),
    showErrorMessage: show('error'),
    activeTextEditor: undefined,
    withProgress: <R>(_options: unknown, task: (p: { report(v: unknown): void }, token: FakeToken) => Promise<R>): Promise<R> => {
      cancelListeners.length = 0;
      const token: FakeToken = {
        isCancellationRequested: false,
        onCancellationRequested: (l) => {
          cancelListeners.push(l);
          return new Disposable(() => undefined);
        },
      };
      progress.token = token;
      return task({ report: () => undefined }, token).finally(() => {
        progress.token = null;
      });
    },
  },
  commands: {
    registerCommand: (id: string, run: (...args: unknown[]) => unknown): Disposable => {
      commands.set(id, run);
      return new Disposable(() => commands.delete(id));
    },
    executeCommand: (command: string, ...args: unknown[]): Promise<undefined> => {
      if (command === 'setContext') contextKeys.push([String(args[0]), args[1]]);
      return Promise.resolve(undefined);
    },
  },
  /** VS Code in English: no bundle, `{0}`… filled from the arguments (as vscode.l10n.t does). */
  l10n: {
    bundle: undefined as Record<string, string> | undefined,
    t: (message: string, ...args: (string | number | boolean)[]): string => formatMessage(message, args.map(String)),
  },
  env: {
    language: 'en',
    clipboard: { writeText: (text: string): Promise<void> => Promise.resolve(void clipboard.push(text)) },
  },
  workspace: {
    // inspect: only what a test set is the user's (a user value); nothing else is set anywhere.
    getConfiguration: () => ({ get: (key: string): unknown => settings.get(key), inspect: (key: string) => ({ key, globalValue: settings.get(key) }) }),
    fs: {
      stat: (uri: FakeUri) => {
        const st = statSync(uri.fsPath);
        // As VS Code's disk provider: File, Directory, else Unknown (a FIFO, a device).
        return Promise.resolve({ size: st.size, type: st.isFile() ? FileType.File : st.isDirectory() ? FileType.Directory : FileType.Unknown });
      },
      readFile: (uri: FakeUri) => Promise.resolve(new Uint8Array(readFileSync(uri.fsPath))),
      createDirectory: (uri: FakeUri) => Promise.resolve(void mkdirSync(uri.fsPath, { recursive: true })),
      delete: (uri: FakeUri) => Promise.resolve(rmSync(uri.fsPath)),
    },
  },
};

// Resolve `require('vscode')` to the stub.
const M = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string; _cache: Record<string, unknown> };
const original = M._resolveFilename;
M._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? 'vscode' : original.call(this, request, ...rest);
};
const stubModule = new Module('vscode');
stubModule.filename = 'vscode';
stubModule.loaded = true;
stubModule.exports = vscodeStub;
M._cache['vscode'] = stubModule;

/** A logger that keeps its lines (the extension's Logger interface). */
export class MemoryLog {
  readonly lines: string[] = [];
  info(m: string): void {
    this.lines.push(`INFO ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`WARN ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`DEBUG ${m}`);
  }
  error(m: string, err?: unknown): void {
    this.lines.push(`ERROR ${m}${err instanceof Error ? `: ${err.message}` : ''}`);
  }
  show(): void {}
}

/** An ExtensionContext-shaped object with in-memory workspace/global state; `workspaceStorage` adds a storageUri. */
export function fakeContext(root: string, workspaceStorage = false): unknown {
  const memento = (): { get<T>(k: string): T | undefined; update(k: string, v: unknown): Promise<void> } => {
    const m = new Map<string, unknown>();
    return {
      get: <T>(k: string) => m.get(k) as T | undefined,
      update: (k: string, v: unknown) => {
        m.set(k, v);
        return Promise.resolve();
      },
    };
  };
  return {
    workspaceState: memento(),
    globalState: memento(),
    subscriptions: [],
    extensionUri: FakeUri.file(root),
    globalStorageUri: FakeUri.file(posix.join(root, 'global')),
    ...(workspaceStorage ? { storageUri: FakeUri.file(posix.join(root, 'workspace')) } : {}),
  };
}
