/**
 * The `pairs` language: TSV pairs files (`*.pairs.tsv`, and the TSV files the user trains on) keep real tabs
 * (configurationDefaults in package.json), are coloured question vs answer (syntaxes/pairs.tmLanguage.json),
 * and are checked live in the Problems panel with the messages training gives (src/data/validate.ts), with a
 * quick fix that turns the spaces typed for a tab into one. `New Pairs File` writes a sample with real tabs.
 *
 * Checking runs in slices (steps of SLICE_LINES lines or SLICE_CHARS characters for about SLICE_MS, then a turn
 * of the event loop), so a big file never holds the extension host's thread; an edit drops the run in progress.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PairsReadResult } from '../src/chat/types';
import { PairsValidator, type PairProblem } from '../src/data/validate';
import { registerSafeCommand, type Logger } from './log';
import { readPairLimits } from './settings';

export const PAIRS_LANGUAGE = 'pairs';
export const DIAGNOSTIC_SOURCE = 'Seq2Seq Chat';
const SPACES_FOR_TAB = 'spaces-for-tab';
const SLICE_LINES = 100;
const SLICE_CHARS = 64 * 1024;
const SLICE_MS = 15;
/** Typing pauses this long before the file is checked again. */
const DEBOUNCE_MS = 250;
/** The TSV files trained on, remembered so that they open as `pairs` next time (most recent last). */
const TRAINED_FILES_KEY = 'seq2seqChat.trainedPairsFiles';
const MAX_TRAINED_FILES = 50;

export const SAMPLE_PAIRS = [
  '# A pairs file: one question, a Tab, then its answer on each line. Lines starting with # are comments.',
  '# In VS Code the Tab key inserts a real tab here; spaces instead of a tab show up in the Problems panel.',
  'hello\tHello! Ask me about this project.',
  'what can you do\tI answer the questions in this file, even when they are worded a little differently.',
  'how do I train you\tRun "Seq2Seq Chat: Train Model from Pairs File…" on this file.',
  'where is my model stored\tIn the extension\'s storage; export it with "Seq2Seq Chat: Export Model…".',
  'who made you\tA small LSTM encoder–decoder, trained on your own questions and answers.',
  'thank you\tYou\'re welcome!',
  '',
].join('\n');

function toDiagnostic(doc: vscode.TextDocument, p: PairProblem): vscode.Diagnostic {
  const line = Math.min(Math.max(0, p.line - 1), doc.lineCount - 1);
  const d = new vscode.Diagnostic(doc.lineAt(line).range, p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  d.source = DIAGNOSTIC_SOURCE;
  if (p.code !== undefined) d.code = p.code;
  return d;
}

/** The longest run of 2+ spaces on the line (the first of equals): where the Tab key went. */
export function spacesRun(text: string): { start: number; end: number } | undefined {
  let best: { start: number; end: number } | undefined;
  for (const m of text.matchAll(/ {2,}/g)) {
    const start = m.index ?? 0;
    if (best === undefined || m[0].length > best.end - best.start) best = { start, end: start + m[0].length };
  }
  return best;
}

class SpacesToTab implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const fixable = (d: vscode.Diagnostic): boolean => d.code === SPACES_FOR_TAB && d.source === DIAGNOSTIC_SOURCE;
    const here = context.diagnostics.filter(fixable);
    if (here.length === 0) return [];
    const edit = (diagnostics: readonly vscode.Diagnostic[]): vscode.WorkspaceEdit => {
      const e = new vscode.WorkspaceEdit();
      for (const d of diagnostics) {
        const line = doc.lineAt(d.range.start.line);
        const run = spacesRun(line.text);
        if (run) e.replace(doc.uri, new vscode.Range(line.lineNumber, run.start, line.lineNumber, run.end), '\t');
      }
      return e;
    };
    const one = new vscode.CodeAction('Replace the spaces with a tab', vscode.CodeActionKind.QuickFix);
    one.edit = edit(here);
    one.diagnostics = here;
    one.isPreferred = true;
    const all = vscode.languages.getDiagnostics(doc.uri).filter(fixable);
    if (all.length <= here.length) return [one];
    const every = new vscode.CodeAction(`Replace the spaces with a tab on all ${all.length} such lines`, vscode.CodeActionKind.QuickFix);
    every.edit = edit(all);
    every.diagnostics = all;
    return [one, every];
  }
}

export class PairsLanguage implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('seq2seqChat.pairs');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The version each document's check in progress started from; a newer version drops it. */
  private readonly running = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.disposables.push(
      this.collection,
      vscode.languages.registerCodeActionsProvider(PAIRS_LANGUAGE, new SpacesToTab(), { providedCodeActionKinds: SpacesToTab.kinds }),
      vscode.workspace.onDidOpenTextDocument((doc) => this.opened(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('seq2seqChat.limits')) for (const doc of vscode.workspace.textDocuments) this.schedule(doc);
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.opened(doc);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.running.clear();
    for (const d of this.disposables) d.dispose();
  }

  /** The problems last published for `uri` (tests, and the count in messages). */
  problems(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  /** Remembers a TSV file the user trains on, and shows it as `pairs` when it is open. */
  async remember(uri: vscode.Uri, format: PairsReadResult['format']): Promise<void> {
    if (format !== 'tsv') return;
    const key = uri.toString();
    const known = this.context.workspaceState.get<string[]>(TRAINED_FILES_KEY, []).filter((k) => k !== key);
    await this.context.workspaceState.update(TRAINED_FILES_KEY, [...known, key].slice(-MAX_TRAINED_FILES));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (doc) await this.asPairs(doc);
  }

  private trainedOn(uri: vscode.Uri): boolean {
    return this.context.workspaceState.get<string[]>(TRAINED_FILES_KEY, []).includes(uri.toString());
  }

  private async asPairs(doc: vscode.TextDocument): Promise<void> {
    if (doc.languageId !== PAIRS_LANGUAGE) await vscode.languages.setTextDocumentLanguage(doc, PAIRS_LANGUAGE);
  }

  private opened(doc: vscode.TextDocument): void {
    if (doc.languageId !== PAIRS_LANGUAGE && doc.uri.scheme !== 'output' && this.trainedOn(doc.uri)) {
      // setTextDocumentLanguage closes and reopens the document: the reopened one is checked.
      void this.asPairs(doc);
      return;
    }
    this.schedule(doc, 0);
  }

  private forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.running.delete(key);
    this.collection.delete(doc.uri);
  }

  private schedule(doc: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    const key = doc.uri.toString();
    if (doc.languageId !== PAIRS_LANGUAGE) {
      if (this.collection.has(doc.uri)) this.forget(doc);
      return;
    }
    clearTimeout(this.timers.get(key));
    this.running.delete(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.check(doc);
      }, delay),
    );
  }

  private async check(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const version = doc.version;
    this.running.set(key, version);
    const validator = new PairsValidator(doc.getText(), path.posix.basename(doc.uri.path), readPairLimits());
    for (;;) {
      // One slice: steps of SLICE_LINES lines until SLICE_MS have passed, then a turn of the event loop.
      const start = performance.now();
      let done = false;
      while (!done && performance.now() - start < SLICE_MS) done = validator.step(SLICE_LINES, SLICE_CHARS);
      if (done) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.running.get(key) !== version || doc.isClosed) return;
    }
    if (this.running.get(key) !== version) return;
    this.running.delete(key);
    this.collection.set(doc.uri, validator.problems.map((p) => toDiagnostic(doc, p)));
  }
}

/** `New Pairs File`: the argument's file (tests), else a file chosen in a save dialog in the workspace, else an untitled one. */
export function registerPairsCommands(context: vscode.ExtensionContext, log: Logger): void {
  registerSafeCommand(context, log, 'seq2seqChat.newPairsFile', 'New Pairs File', async (arg: unknown) => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target =
      arg instanceof vscode.Uri
        ? arg
        : folder
          ? await vscode.window.showSaveDialog({
              title: vscode.l10n.t('New pairs file (question, Tab, answer on each line)'),
              defaultUri: vscode.Uri.joinPath(folder, 'faq.pairs.tsv'),
              filters: { [vscode.l10n.t('Pairs files')]: ['tsv'] },
              saveLabel: vscode.l10n.t('Create Pairs File'),
            })
          : undefined;
    if (arg === undefined && folder !== undefined && target === undefined) return undefined; // cancelled
    let doc: vscode.TextDocument;
    if (target) {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(SAMPLE_PAIRS));
      doc = await vscode.workspace.openTextDocument(target);
    } else {
      doc = await vscode.workspace.openTextDocument({ language: PAIRS_LANGUAGE, content: SAMPLE_PAIRS });
    }
    if (doc.languageId !== PAIRS_LANGUAGE) doc = await vscode.languages.setTextDocumentLanguage(doc, PAIRS_LANGUAGE);
    await vscode.window.showTextDocument(doc);
    log.info(`new pairs file ${doc.uri.toString(true)}`);
    return doc.uri.toString();
  });
}
