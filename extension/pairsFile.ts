/**
 * Choosing and reading a pairs file for training or evaluation. Files are read through
 * `vscode.workspace.fs`, so virtual workspaces (and remote ones) work, and parsed in the worker
 * (src/worker/tasks.ts), never on the extension host's thread; parse errors and warnings are shown
 * before anything trains, with a button that opens the file at the offending line.
 */
import * as vscode from 'vscode';
import { PairFileError } from '../src/chat';
import { limitHint, type PairLimits } from '../src/data/limits';
import type { PairsFileSource, PairsSummary } from '../src/worker/messages';
import { readPairsInWorker } from '../src/worker/taskClient';
import { UserFacingError } from './log';
import { readPairLimits } from './settings';
import { baseName, extName } from './uriNames';

export const PAIRS_EXTENSIONS = ['tsv', 'csv', 'json', 'jsonl', 'txt'];

export function isPairsFile(uri: vscode.Uri): boolean {
  return PAIRS_EXTENSIONS.includes(extName(uri.path).slice(1).toLowerCase());
}

/**
 * The file to use: the command's argument (explorer context menu, tests), else a quick pick offering
 * the active editor's pairs file, else an open dialog. Undefined when the user cancels.
 */
export async function choosePairsFile(arg: unknown, title: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isPairsFile(active)) {
    const useActive = `$(file) ${baseName(active.path)}`;
    const picked = await vscode.window.showQuickPick([useActive, `$(folder-opened) ${vscode.l10n.t('Choose a pairs file…')}`], {
      title,
      placeHolder: vscode.l10n.t('Pairs file to use'),
    });
    if (picked === undefined) return undefined;
    if (picked === useActive) return active;
  }
  const uris = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Use Pairs File'),
    filters: { [vscode.l10n.t('Pairs files')]: PAIRS_EXTENSIONS },
  });
  return uris?.[0];
}

export async function openAtLine(uri: vscode.Uri, line: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
}

interface LineError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

function asLineError(err: unknown): LineError | null {
  if (!(err instanceof Error)) return null;
  const line = (err as { line?: unknown }).line;
  const file = (err as { file?: unknown }).file;
  return typeof line === 'number' && typeof file === 'string' ? { file, line, message: err.message } : null;
}

/** A failure to read or parse, as a UserFacingError offering to open the file at the line concerned. */
export function pairsFileError(uri: vscode.Uri, err: unknown): unknown {
  const e = asLineError(err);
  if (!e) return err;
  // Line 0: the error concerns the whole file (no pairs, too big): open it at the top.
  const label = e.line > 0 ? vscode.l10n.t('Open File at Line {0}', e.line) : vscode.l10n.t('Open File');
  return new UserFacingError(e.message, { label, run: () => openAtLine(uri, Math.max(1, e.line)) });
}

/**
 * Reads a pairs file after checking, from its stat, that it is a regular file within the size limit: the
 * bytes and the limits, ready to be parsed where they are used (in the worker).
 */
export async function readPairsFile(uri: vscode.Uri): Promise<PairsFileSource> {
  const limits: PairLimits = readPairLimits();
  const name = baseName(uri.path);
  // Refuse what is not a regular file (a FIFO would block the read forever, a device never ends) and an
  // oversized file before reading it into memory (readPairs checks again on the bytes).
  const { size, type } = await vscode.workspace.fs.stat(uri);
  if ((type & vscode.FileType.File) === 0) {
    const what = (type & vscode.FileType.Directory) !== 0 ? 'a folder' : 'not a regular file (a pipe, socket or device)';
    throw new UserFacingError(new PairFileError(name, 0, `expected a regular file, got ${what}`).message);
  }
  if (size > limits.maxFileBytes) {
    const e = new PairFileError(name, 0, `file is ${size.toLocaleString('en-US')} bytes, over the limit of ${limits.maxFileBytes.toLocaleString('en-US')} (${limitHint('maxFileBytes')})`);
    throw new UserFacingError(e.message);
  }
  return { bytes: await vscode.workspace.fs.readFile(uri), name, limits };
}

/**
 * Reads a pairs file and checks it in the worker `workerFile`: its format, pair count, warnings and hash.
 * A parse error becomes a UserFacingError with "Open File at Line N".
 */
export async function loadPairs(uri: vscode.Uri, workerFile: string): Promise<{ file: PairsFileSource; summary: PairsSummary }> {
  const file = await readPairsFile(uri);
  try {
    // The bytes go to the worker and come back (transferred, not copied on this thread).
    const { summary, bytes } = await readPairsInWorker(workerFile, file);
    return { file: { ...file, bytes }, summary };
  } catch (err) {
    throw pairsFileError(uri, err);
  }
}

/**
 * Shows the file's warnings before training; resolves true to go on. With `interactive` false (tests)
 * the warnings are only logged and training goes on.
 */
export async function confirmWarnings(uri: vscode.Uri, result: Pick<PairsSummary, 'warnings' | 'warningCount'>, interactive: boolean): Promise<boolean> {
  const n = result.warningCount;
  if (n === 0) return true;
  if (!interactive) return true;
  const first = result.warnings[0];
  const open = vscode.l10n.t('Open File at Line {0}', first.line);
  const anyway = vscode.l10n.t('Train Anyway');
  const where = `${first.file}:${first.line}: ${first.message}`;
  const picked = await vscode.window.showWarningMessage(
    n === 1 ? vscode.l10n.t('1 warning in {0}: {1}', first.file, where) : vscode.l10n.t('{0} warnings in {1}: {2} (and {3} more in the log)', n, first.file, where, n - 1),
    anyway,
    open,
  );
  if (picked === open) await openAtLine(uri, first.line);
  return picked === anyway;
}
