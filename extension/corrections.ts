/**
 * Learning from the conversation (issue #14; docs/corrections.md). 👍 / 👎 on a reply record the pair in the
 * corrections file — `.seq2seq/corrections.tsv` in a trusted local workspace, else extension storage (an
 * untrusted or virtual workspace, or no folder). *Apply Corrections* (or every correction, with
 * `seq2seqChat.corrections.applyAutomatically`) fine-tunes the current model on them in the training worker,
 * never on this thread; the regression guard decides whether the new model replaces the old one, whose file is
 * kept so that *Undo Corrections* can bring it back. *Add Corrections to Pairs File…* appends them to a
 * training file after showing what will be added.
 */
import * as vscode from 'vscode';
import { appendRecord, correctionRecord, pairLines, type RegressionCheck } from '../src/chat';
import { startTrainingJob } from '../src/worker/trainingJob';
import type { ChatSession } from './chatSession';
import { registerSafeCommand, UserFacingError, type Logger } from './log';
import { readIfExists, writeModelFile, type ModelMeta, type ModelStore } from './modelStore';
import { choosePairsFile, loadPairs } from './pairsFile';
import { readApplyCorrectionsAutomatically } from './settings';
import type { TrainingController } from './training';
import { workerScript } from './platform';
import { baseName, extName } from './uriNames';

export const CORRECTIONS_FILE = 'corrections.tsv';
const PREVIOUS_MODEL_FILE = 'model.before-corrections.s2s';
const PREVIOUS_META_KEY = 'seq2seqChat.modelBeforeCorrections';
/** Most pair lines the append preview lists. */
const PREVIEW_LINES = 15;

/** What Undo needs besides the old model's file: its label, and the label of the model that replaced it. */
interface UndoRecord {
  readonly previous: ModelMeta;
  readonly applied: string;
}

/** Where the corrections go: the workspace's .seq2seq folder when it is trusted and on disk, else extension storage. */
export function correctionsUri(context: vscode.ExtensionContext): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder !== undefined && folder.uri.scheme === 'file' && vscode.workspace.isTrusted) return vscode.Uri.joinPath(folder.uri, '.seq2seq', CORRECTIONS_FILE);
  return vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, CORRECTIONS_FILE);
}

/** "the 2 previously right answers that broke: "a" (now "b"), …". */
function brokenSummary(check: RegressionCheck): string {
  const shown = check.broken.slice(0, 3).map((b) => `"${b.question}" (now ${b.sure ? `"${b.got}"` : 'not sure'})`);
  return `${check.broken.length} of ${check.previouslyRight} previously right answers would break: ${shown.join(', ')}${check.broken.length > 3 ? ', …' : ''}`;
}

export class CorrectionsController {
  private applying = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly extensionUri: vscode.Uri,
    private readonly models: ModelStore,
    private readonly session: ChatSession,
    private readonly training: TrainingController,
    private readonly log: Logger,
  ) {}

  get file(): vscode.Uri {
    return correctionsUri(this.context);
  }

  /** 👍: records the reply as the right answer to its question. */
  async confirm(id: number): Promise<void> {
    const { question, reply } = this.session.markFeedback(id, 'confirmed');
    await this.record(question, reply, 'confirmed');
  }

  /** 👎 and a better answer: records it, and learns it at once when the setting says so. */
  async correct(id: number, answer: string): Promise<void> {
    const { question } = this.session.markFeedback(id, 'corrected');
    await this.record(question, answer, 'corrected');
    if (readApplyCorrectionsAutomatically()) {
      await this.apply();
    } else {
      this.session.note(`Correction saved. Run "Seq2Seq Chat: Apply Corrections" to teach it to the model.`);
    }
  }

  private async record(question: string, answer: string, verdict: 'confirmed' | 'corrected'): Promise<void> {
    const uri = this.file;
    const old = await readIfExists(uri);
    const text = appendRecord(old === null ? '' : new TextDecoder().decode(old), correctionRecord(question, answer, verdict, new Date()));
    await writeModelFile(uri, new TextEncoder().encode(text));
    this.log.info(`${verdict} ${JSON.stringify(question)} -> ${JSON.stringify(answer)} in ${uri.toString(true)}`);
  }

  /** Fine-tunes the current model on every pair of the corrections file, in the training worker. */
  async apply(): Promise<'accepted' | 'rejected' | 'cancelled' | 'busy'> {
    if (this.applying || this.training.running) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Seq2Seq Chat: a training is running; apply the corrections when it has finished.'));
      return 'busy';
    }
    const current = this.models.model;
    if (current === null) throw new UserFacingError(vscode.l10n.t('there is no model to correct yet: train one from a pairs file first'));
    const uri = this.file;
    if ((await readIfExists(uri)) === null) throw new UserFacingError(vscode.l10n.t('there are no corrections yet: press 👎 under a wrong reply and say what it should have said'));
    const workerFile = workerScript(this.extensionUri);
    // Read here, checked in the worker (src/worker/tasks.ts), parsed again by the fine-tuning worker.
    const loaded = await loadPairs(uri, workerFile);
    const count = loaded.summary.pairs;
    this.applying = true;
    const started = performance.now();
    try {
      const job = startTrainingJob(workerFile, loaded.file, {}, '', {
        onEpoch: (r) => this.log.info(`corrections: epoch ${r.epoch} loss ${r.loss.toFixed(4)} corrections learnt ${(r.accuracy * 100).toFixed(0)}%`),
      }, { fineTune: { model: current.bytes } });
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: count === 1 ? vscode.l10n.t('Seq2Seq Chat: learning 1 correction') : vscode.l10n.t('Seq2Seq Chat: learning {0} corrections', count), cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => job.cancel());
          return job.result;
        },
      );
      if (outcome.status === 'cancelled' || outcome.check === undefined) {
        this.log.info('applying the corrections was cancelled; the model is unchanged');
        return 'cancelled';
      }
      const check = outcome.check;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      this.log.info(`corrections: ${check.learned}/${check.corrections} learnt, ${check.stillRight}/${check.previouslyRight} previously right answers still right (${seconds} s)`);
      for (const b of check.broken) this.log.warn(`  would break: ${JSON.stringify(b.question)} -> ${JSON.stringify(b.got)} (expected ${JSON.stringify(b.expected)})`);
      if (!check.accepted) {
        const message = vscode.l10n.t('Seq2Seq Chat: kept the previous model: {0}.', brokenSummary(check));
        this.session.note(vscode.l10n.t('Corrections not applied: {0}.', brokenSummary(check)));
        const showLog = vscode.l10n.t('Show Log');
        void vscode.window.showWarningMessage(message, showLog).then((b) => b === showLog && this.log.show());
        return 'rejected';
      }
      // Keep the model it replaces, so Undo can bring it back.
      const label = `${current.meta.label.replace(/ \+ corrections$/, '')} + corrections`;
      await writeModelFile(this.previousUri(), current.bytes);
      await this.context.globalState.update(PREVIOUS_META_KEY, { previous: current.meta, applied: label } satisfies UndoRecord);
      const tuned = await this.models.decode(outcome.model, 'fine-tuned model');
      await this.models.replace(tuned.model, { source: current.meta.source, label }, tuned.bytes);
      this.session.note(vscode.l10n.t('Learnt {0} of {1} corrections in {2} s; {3} of {4} previously right answers still right.', check.learned, check.corrections, seconds, check.stillRight, check.previouslyRight));
      const undo = vscode.l10n.t('Undo');
      void vscode.window.showInformationMessage(vscode.l10n.t('Seq2Seq Chat: learnt {0} of {1} corrections ({2} s).', check.learned, check.corrections, seconds), undo).then((b) => {
        if (b === undo) void vscode.commands.executeCommand('seq2seqChat.undoCorrections');
      });
      return 'accepted';
    } finally {
      this.applying = false;
      this.session.refresh();
      this.training.showIdle();
    }
  }

  private previousUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.models.storageDir(), PREVIOUS_MODEL_FILE);
  }

  /** Brings back the model from before the last applied corrections. */
  async undo(): Promise<string | null> {
    const uri = this.previousUri();
    const bytes = await readIfExists(uri);
    const record = this.context.globalState.get<UndoRecord>(PREVIOUS_META_KEY);
    if (bytes === null || record === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Seq2Seq Chat: there are no applied corrections to undo.'));
      return null;
    }
    // A model trained, imported or reset since then: undoing would throw it away.
    if (this.models.model?.meta.label !== record.applied) {
      await this.forgetPrevious();
      void vscode.window.showInformationMessage(vscode.l10n.t('Seq2Seq Chat: the model has changed since the corrections were applied (now {0}); there is nothing to undo.', this.models.model?.meta.label ?? vscode.l10n.t('no model')));
      return null;
    }
    const meta = record.previous;
    const previous = await this.models.decode(bytes, PREVIOUS_MODEL_FILE);
    await this.models.replace(previous.model, meta, previous.bytes);
    await this.forgetPrevious();
    this.session.note(vscode.l10n.t('Undid the corrections: {0} answers again.', meta.label));
    this.session.refresh();
    this.training.showIdle();
    return meta.label;
  }

  private async forgetPrevious(): Promise<void> {
    await vscode.workspace.fs.delete(this.previousUri()).then(undefined, () => undefined);
    await this.context.globalState.update(PREVIOUS_META_KEY, undefined);
  }

  /** Appends the corrections' pairs to a training pairs file after showing them. */
  async addToPairsFile(arg: unknown, interactive: boolean): Promise<number> {
    const bytes = await readIfExists(this.file);
    const lines = bytes === null ? [] : pairLines(new TextDecoder().decode(bytes));
    if (lines.length === 0) throw new UserFacingError(vscode.l10n.t('there are no corrections to add yet'));
    const target = await choosePairsFile(arg, vscode.l10n.t('Add the corrections to a pairs file'));
    if (target === undefined) return 0;
    if (extName(target.path).toLowerCase() !== '.tsv') throw new UserFacingError(vscode.l10n.t('corrections are question<TAB>answer lines: choose a .tsv pairs file, got {0}', baseName(target.path)));
    const name = baseName(target.path);
    if (interactive) {
      const preview = lines.slice(0, PREVIEW_LINES).map((l) => l.replace('\t', '  →  ')).join('\n') + (lines.length > PREVIEW_LINES ? `\n${vscode.l10n.t('… and {0} more', lines.length - PREVIEW_LINES)}` : '');
      const add = vscode.l10n.t('Add');
      const question = lines.length === 1 ? vscode.l10n.t('Add 1 pair to {0}?', name) : vscode.l10n.t('Add {0} pairs to {1}?', lines.length, name);
      const ok = await vscode.window.showInformationMessage(question, { modal: true, detail: preview }, add);
      if (ok !== add) return 0;
    }
    const old = new TextDecoder().decode((await readIfExists(target)) ?? new Uint8Array());
    const text = old + (old === '' || old.endsWith('\n') ? '' : '\n') + lines.join('\n') + '\n';
    await writeModelFile(target, new TextEncoder().encode(text));
    this.log.info(`added ${lines.length} corrections to ${target.toString(true)}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Seq2Seq Chat: added {0} pairs to {1}.', lines.length, name));
    return lines.length;
  }
}

export function registerCorrectionCommands(context: vscode.ExtensionContext, log: Logger, corrections: CorrectionsController): void {
  registerSafeCommand(context, log, 'seq2seqChat.applyCorrections', 'Apply Corrections', () => corrections.apply());
  registerSafeCommand(context, log, 'seq2seqChat.undoCorrections', 'Undo Corrections', () => corrections.undo());
  registerSafeCommand(context, log, 'seq2seqChat.addCorrectionsToPairsFile', 'Add Corrections to Pairs File', (arg: unknown, opts: unknown) =>
    corrections.addToPairsFile(arg, !(typeof opts === 'object' && opts !== null && (opts as { interactive?: unknown }).interactive === false)),
  );
  registerSafeCommand(context, log, 'seq2seqChat.openCorrections', 'Open Corrections File', async () => {
    const uri = corrections.file;
    if ((await readIfExists(uri)) === null) throw new UserFacingError(vscode.l10n.t('there are no corrections yet'));
    await vscode.window.showTextDocument(uri);
    return uri.toString(true);
  });
}
