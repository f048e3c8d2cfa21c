/**
 * The command palette's "Seq2Seq Chat" commands, each registered through `registerSafeCommand` so
 * that failures end in one `handleError`. Commands that take a file accept a URI argument (explorer
 * context menu, tests) and otherwise ask.
 */
import * as vscode from 'vscode';
import { decodeFor, type DecodeOptions } from '../src/chat';
import { MAX_MODEL_FILE_BYTES } from '../src/io/model-file';
import { evaluateReportInWorker, mark } from '../src/worker/taskClient';
import type { ChatSession } from './chatSession';
import type { ChatPanels } from './chatWebview';
import { VIEW_ID } from './chatWebview';
import type { DiagnosticsMonitor } from './diagnostics';
import type { InsightPanels } from './insight';
import { registerSafeCommand, UserFacingError, type Logger } from './log';
import { exportFileName } from './modelCard';
import type { ModelStore } from './modelStore';
import { choosePairsFile, pairsFileError, readPairsFile } from './pairsFile';
import { readConfidenceThreshold, readDecodeOptions } from './settings';
import type { TrainingController } from './training';
import { baseName } from './uriNames';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: Logger;
  readonly models: ModelStore;
  readonly session: ChatSession;
  readonly panels: ChatPanels;
  readonly training: TrainingController;
  readonly insight: InsightPanels;
  /** dist/worker.js: reading, evaluating and decoding run there, off the host's thread. */
  readonly workerFile: string;
}

function asUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  return undefined;
}

function requireModel(s: Services): NonNullable<ModelStore['model']> {
  const m = s.models.model;
  if (!m) {
    throw new UserFacingError(vscode.l10n.t('there is no model yet: train one from a pairs file first'), {
      label: vscode.l10n.t('Train…'),
      run: () => vscode.commands.executeCommand('seq2seqChat.train'),
    });
  }
  return m;
}

/** The decoding settings with the chat's confidence threshold setting, so explanations and evaluations judge "sure" as the chat does. */
function chatDecodeOptions(): DecodeOptions {
  const threshold = readConfidenceThreshold();
  return { ...readDecodeOptions(), ...(threshold !== null ? { threshold } : {}) };
}

export function registerChatCommands(s: Services): void {
  const { context, log } = s;
  registerSafeCommand(context, log, 'seq2seqChat.openChat', 'Open Chat', async () => {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    return true;
  });
  registerSafeCommand(context, log, 'seq2seqChat.openChatInEditor', 'Open Chat in Editor', () => {
    s.panels.open();
    return true;
  });
  registerSafeCommand(context, log, 'seq2seqChat.newChat', 'New Chat', async () => {
    const before = await s.session.clear();
    if (before.length > 0) {
      const undo = vscode.l10n.t('Undo');
      const cleared = before.length === 1 ? vscode.l10n.t('Seq2Seq Chat: conversation cleared (1 entry).') : vscode.l10n.t('Seq2Seq Chat: conversation cleared ({0} entries).', before.length);
      void vscode.window.showInformationMessage(cleared, undo).then((b) => {
        if (b === undo) void s.session.restore(before);
      });
    }
    return true;
  });
  registerSafeCommand(context, log, 'seq2seqChat.showLog', 'Show Training Log', () => log.show());
  registerSafeCommand(context, log, 'seq2seqChat.showDashboard', 'Show Training Dashboard', async () => (await s.insight.showDashboard()).runs.length);
  // "Why?" on a reply (the chat's button sends the entry id; tests may pass a question).
  registerSafeCommand(context, log, 'seq2seqChat.why', 'Why This Answer', async (arg: unknown) => {
    const current = requireModel(s);
    const question = typeof arg === 'number' ? s.session.questionFor(arg) : typeof arg === 'string' ? arg : undefined;
    if (question === undefined) throw new Error(`expected the id of a reply in the conversation or a question, got ${JSON.stringify(arg)}`);
    // Where the model's replies are computed: a large model's in the reply worker.
    const explanation = await s.models.explain(current, question, chatDecodeOptions());
    s.insight.showWhy({ kind: 'why', explanation });
    return { reply: explanation.reply, attention: explanation.attention !== undefined, tokens: explanation.tokens.length };
  });
}

/**
 * Helpers for the in-host tests and the bench, registered only when VS Code runs the extension's tests
 * (ExtensionMode.Test): not in the palette, not in a user's window.
 */
export function registerTestCommands(s: Services, diagnostics: DiagnosticsMonitor): void {
  const { context, log } = s;
  registerSafeCommand(context, log, 'seq2seqChat.ask', 'Ask', async (question: unknown) => {
    if (typeof question !== 'string') throw new Error(`expected a question string, got ${typeof question}`);
    return (await s.session.ask(question)).text;
  });
  // The bench's "before" for a large model: its reply computed on this thread, as every reply was before the
  // reply worker (ModelStore.reply); returns the reply's text and the milliseconds it held the thread.
  // The host keeps a large model without its weights (ModelStore.decode): a full copy is decoded on demand
  // first (in the worker, built in steps; kept for the next call), and only the reply is timed.
  // Without a question it only prepares that copy (the bench does so before it measures).
  registerSafeCommand(context, log, 'seq2seqChat.replyOnHost', 'Reply on the Host', async (question: unknown) => {
    const model = await s.models.hostModel(requireModel(s));
    if (question === undefined) return null;
    if (typeof question !== 'string') throw new Error(`expected a question string, got ${typeof question}`);
    const started = performance.now();
    const reply = model.reply(question, readDecodeOptions());
    return { text: reply.text, ms: Math.round((performance.now() - started) * 100) / 100 };
  });
  registerSafeCommand(context, log, 'seq2seqChat.diagnostics', 'Diagnostics', (what: unknown) => {
    if (what === 'reset') diagnostics.reset();
    return {
      ...diagnostics.snapshot(s.training.running),
      surfaces: s.session.surfaceCount,
      panels: s.panels.count,
      lastReplyMs: s.session.lastReplyMs,
      modelLoadMs: s.models.loadMs,
      model: s.models.model?.meta.label ?? null,
      storedModel: s.models.storedModelUri().fsPath,
      dashboardOpen: s.insight.isOpen('dashboard'),
      livePosts: s.insight.livePosts,
    };
  });
}

export function registerTrainingCommands(s: Services): void {
  const { context, log } = s;
  registerSafeCommand(context, log, 'seq2seqChat.train', 'Train Model', async (arg: unknown, opts: unknown) => {
    const uri = await choosePairsFile(arg, vscode.l10n.t('Train Seq2Seq Chat model from a pairs file'));
    if (!uri) return undefined;
    const interactive = !(typeof opts === 'object' && opts !== null && (opts as { interactive?: unknown }).interactive === false);
    return s.training.train(uri, { interactive });
  });
  registerSafeCommand(context, log, 'seq2seqChat.stopTraining', 'Stop Training', () => s.training.stop());
  registerSafeCommand(context, log, 'seq2seqChat.evaluate', 'Evaluate Model', async (arg: unknown) => {
    const current = requireModel(s);
    const uri = await choosePairsFile(arg, vscode.l10n.t('Evaluate the Seq2Seq Chat model on a pairs file'));
    if (!uri) return undefined;
    // Read here (async); parsed, decoded, evaluated and made into the report in the worker: 20,000 pairs
    // never block the host. Decoded as the chat replies (its threshold setting), so "sure" means the same,
    // and as `seq2seq-chat eval` measures the model (decodeFor: a character task's every free reply counts).
    const file = await readPairsFile(uri);
    const date = current.model.report?.date;
    const label = `${current.meta.label}${date ? ` (${date.slice(0, 16).replace('T', ' ')})` : ''}`;
    const { evaluation: ev, report } = await evaluateReportInWorker(s.workerFile, {
      model: current.bytes, modelName: current.meta.label, file, decode: decodeFor(current.model.options, chatDecodeOptions()),
      report: { file: baseName(uri.path), label, kind: current.model.kind },
    }).catch((e: unknown) => {
      throw pairsFileError(uri, e);
    });
    if (report) s.insight.showReport(report, current.model, uri);
    log.info(`evaluation of ${current.meta.label} on ${uri.toString(true)}: ${ev.correct}/${ev.total} exact matches`);
    for (const f of ev.failures) {
      log.info(`  line ${f.line}: ${JSON.stringify(f.question)} expected ${JSON.stringify(f.expected)}, got ${JSON.stringify(f.got)}`);
    }
    const pct = ev.total === 0 ? 0 : (100 * ev.correct) / ev.total;
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window.showInformationMessage(vscode.l10n.t('Seq2Seq Chat: {0}/{1} answers exactly right ({2}%).', ev.correct, ev.total, pct.toFixed(0)), showLog).then((b) => {
      if (b === showLog) log.show();
    });
    return { correct: ev.correct, total: ev.total, misses: ev.failures.length };
  });
}

export function registerModelCommands(s: Services): void {
  const { context, log } = s;
  /** Models written by Export in this session: Reset discards those without a warning. */
  const exported = new WeakSet<object>();
  const after = (): void => {
    s.session.refresh();
    s.training.showIdle();
  };
  registerSafeCommand(context, log, 'seq2seqChat.exportModel', 'Export Model', async (arg: unknown) => {
    const current = requireModel(s);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const proposed = folder ? vscode.Uri.joinPath(folder, exportFileName(current.meta)) : undefined;
    const uri = asUri(arg) ?? (await vscode.window.showSaveDialog({ title: vscode.l10n.t('Export Seq2Seq Chat model'), defaultUri: proposed, filters: { [vscode.l10n.t('Seq2Seq model')]: ['s2s'] } }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, current.bytes);
    exported.add(current.model);
    log.info(`exported ${current.meta.label} to ${uri.toString(true)}`);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    const reveal = vscode.l10n.t('Reveal');
    void vscode.window.showInformationMessage(vscode.l10n.t('Seq2Seq Chat: exported {0} to {1}.', current.meta.label, uri.scheme === 'file' ? uri.fsPath : uri.toString(true)), reveal).then((b) => {
      if (b === reveal) void vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
    });
    return uri.toString(true);
  });
  registerSafeCommand(context, log, 'seq2seqChat.importModel', 'Import Model', async (arg: unknown) => {
    if (s.training.running) throw new UserFacingError(vscode.l10n.t('a training is running; stop it before importing a model'), { label: vscode.l10n.t('Stop Training'), run: () => s.training.stop() });
    const uri =
      asUri(arg) ??
      (await vscode.window.showOpenDialog({ title: vscode.l10n.t('Import Seq2Seq Chat model'), canSelectMany: false, filters: { [vscode.l10n.t('Seq2Seq model')]: ['s2s'] } }))?.[0];
    if (!uri) return undefined;
    const name = uri.path.split('/').pop() ?? uri.path;
    // Size checked before reading; checksum, header and weights checked and decoded in the worker.
    const { size } = await vscode.workspace.fs.stat(uri);
    if (size > MAX_MODEL_FILE_BYTES) throw new UserFacingError(vscode.l10n.t('{0}: {1} bytes, over the largest model file of {2} bytes', name, size.toLocaleString('en-US'), MAX_MODEL_FILE_BYTES.toLocaleString('en-US')));
    const read = await vscode.workspace.fs.readFile(uri);
    mark('seq2seq.import.read');
    const { model, bytes } = await s.models.decode(read, name);
    await s.models.replace(model, { source: 'imported', label: `imported from ${name}` }, bytes);
    mark('seq2seq.import.saved');
    after();
    void vscode.window.showInformationMessage(vscode.l10n.t('Seq2Seq Chat: now answering with the model imported from {0} ({1}).', name, model.kind));
    return model.kind;
  });
  registerSafeCommand(context, log, 'seq2seqChat.resetModel', 'Reset to Default Model', async () => {
    // A trained model never exported exists nowhere else: keep it in memory so that Undo can bring it back.
    const previous = s.models.model;
    const m = await s.models.reset();
    after();
    const now = m ? vscode.l10n.t('Seq2Seq Chat: now answering with the {0}.', m.meta.label) : vscode.l10n.t('Seq2Seq Chat: now answering with no model.');
    if (previous && previous.meta.source === 'trained' && !exported.has(previous.model)) {
      const undo = vscode.l10n.t('Undo');
      const exportIt = vscode.l10n.t('Export It…');
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} The model {1} was never exported.', now, previous.meta.label), undo, exportIt).then(async (b) => {
        if (b === undo) {
          await s.models.replace(previous.model, previous.meta, previous.bytes);
          after();
        } else if (b === exportIt) {
          const uri = await vscode.window.showSaveDialog({ title: vscode.l10n.t('Export the previous Seq2Seq Chat model'), filters: { [vscode.l10n.t('Seq2Seq model')]: ['s2s'] } });
          if (uri) await vscode.workspace.fs.writeFile(uri, previous.bytes);
        }
      });
    } else if (previous && previous.meta.source !== 'default') {
      void vscode.window.showInformationMessage(now);
    }
    return m ? m.meta.label : null;
  });
  registerSafeCommand(context, log, 'seq2seqChat.useDefaultModel', 'Use Default Model', async () => {
    const m = await s.models.useDefault();
    after();
    return m ? m.meta.label : null;
  });
}
