/**
 * Training from a pairs file without blocking the extension host: the engine's `trainChatModel` runs
 * in a worker_threads Worker (dist/worker.js). A cancellable progress notification shows epoch, loss,
 * validation accuracy and ETA; the status bar item shows the state and opens the log; the output
 * channel keeps one line per epoch. Chat keeps answering with the current model meanwhile; on success
 * the new model replaces it (saved atomically), on failure or cancel the current one stays.
 */
import * as vscode from 'vscode';
import { DEFAULT_TRAIN_OPTIONS, formatDuration, plural } from '../src/chat';
import type { EpochReport, PairsReadResult, TrainingReport, TrainOptions } from '../src/chat/types';
import type { LiveTraining } from '../src/insight/protocol';
import { CurveRecorder, type StopReason } from '../src/train/curves';
import { startTrainingJob, type TrainingJob } from '../src/worker/trainingJob';
import type { ChatSession } from './chatSession';
import type { Logger } from './log';
import { modelCard } from './modelCard';
import type { ModelStore } from './modelStore';
import { confirmWarnings, loadPairs } from './pairsFile';
import { defaultPairsSource, fitTrainOptions, workerScript } from './platform';
import { readTrainOptionsFor } from './settings';
import { baseName } from './uriNames';

export const TRAINING_CONTEXT_KEY = 'seq2seqChat.training';

export type TrainResult =
  | { readonly status: 'completed'; readonly report: TrainingReport; readonly epochs: readonly EpochReport[]; readonly savedTo: string }
  | { readonly status: 'cancelled' }
  | { readonly status: 'refused' }
  | { readonly status: 'aborted' };

export interface TrainCommandOptions {
  /** false: no modal questions (warnings are only logged); used by tests and the bench. */
  readonly interactive?: boolean;
}

export class TrainingController implements vscode.Disposable {
  /** Called with every pairs file read for training (the `pairs` language remembers the TSV ones). */
  onPairsRead: ((uri: vscode.Uri, format: PairsReadResult['format']) => void) | undefined;
  private job: { readonly job: TrainingJob; readonly file: string } | null = null;
  /** Set from the moment a training is asked for until its worker starts (reading and checking the file). */
  private pending: { readonly file: string; stopRequested: boolean } | null = null;
  private readonly statusItem: vscode.StatusBarItem;
  /** The curves of the training running now, or of the last one (the dashboard keeps showing it). */
  private curves: { readonly file: string; readonly recorder: CurveRecorder; stopped: boolean } | null = null;
  private readonly liveChanged = new vscode.EventEmitter<void>();
  /** Fires on every progress report, epoch and end of a training (the dashboard throttles its updates). */
  readonly onDidChangeLive = this.liveChanged.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly models: ModelStore,
    private readonly session: ChatSession,
    private readonly log: Logger,
  ) {
    this.statusItem = vscode.window.createStatusBarItem('seq2seqChat.status', vscode.StatusBarAlignment.Right, 100);
    this.statusItem.name = 'Seq2Seq Chat';
    this.statusItem.command = 'seq2seqChat.showLog';
    this.showIdle();
    this.statusItem.show();
    void vscode.commands.executeCommand('setContext', TRAINING_CONTEXT_KEY, false);
  }

  get running(): boolean {
    return this.job !== null || this.pending !== null;
  }

  dispose(): void {
    this.job?.job.cancel();
    this.statusItem.dispose();
    this.liveChanged.dispose();
  }

  /** The live (or last) training's curves for the dashboard. */
  live(): LiveTraining | null {
    const c = this.curves;
    return c ? { file: c.file, running: !c.stopped, curves: c.recorder.curves() } : null;
  }

  private stopCurves(reason: StopReason, message?: string): void {
    const c = this.curves;
    if (!c || c.stopped) return;
    c.recorder.finish(reason, message);
    c.stopped = true;
    this.liveChanged.fire();
  }

  showIdle(): void {
    const m = this.models.model;
    this.statusItem.text = `$(comment-discussion) Seq2Seq: ${m ? m.meta.label : vscode.l10n.t('no model')}`;
    // The model card: who is answering, from what, how well; then what a click does.
    const tooltip = new vscode.MarkdownString('**Seq2Seq Chat**  \n');
    for (const line of m ? modelCard(m) : [vscode.l10n.t('No model: train one from a pairs file.')]) tooltip.appendText(line).appendMarkdown('  \n');
    this.statusItem.tooltip = tooltip.appendMarkdown(`\n_${vscode.l10n.t('Click to show the training log.')}_`);
  }

  stop(): boolean {
    if (!this.job && this.pending) {
      this.log.info('stop requested before the training started');
      this.pending.stopRequested = true;
      return true;
    }
    if (!this.job) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Seq2Seq Chat: no training is running.'));
      return false;
    }
    this.log.info('stop requested');
    this.job.job.cancel();
    return true;
  }

  async train(uri: vscode.Uri, opts: TrainCommandOptions = {}): Promise<TrainResult> {
    const interactive = opts.interactive ?? true;
    const file = baseName(uri.path);
    const busy = this.job?.file ?? this.pending?.file;
    if (busy !== undefined) {
      this.log.warn(`refused a second training on ${file}: a training is already running (${busy})`);
      const stop = vscode.l10n.t('Stop Training');
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showWarningMessage(vscode.l10n.t('Seq2Seq Chat: A training is already running ({0}). Stop it first, or wait for it to finish.', busy), stop, showLog).then((b) => {
        if (b === stop) this.stop();
        else if (b === showLog) this.log.show();
      });
      return { status: 'refused' };
    }
    // Pre-flight: parse first, show errors (thrown as UserFacingError) and warnings before any training.
    // `pending` makes a second request during these awaits a refusal, not a second worker.
    const pending = { file, stopRequested: false };
    this.pending = pending;
    let loaded: Awaited<ReturnType<typeof loadPairs>>;
    let options: TrainOptions;
    let defaultPairs: Awaited<ReturnType<typeof defaultPairsSource>>;
    const workerFile = workerScript(this.extensionUri);
    try {
      // Read here (async), parsed and checked in a worker: a 50 MB file never blocks the host's thread.
      loaded = await loadPairs(uri, workerFile);
      const { summary } = loaded;
      this.onPairsRead?.(uri, summary.format);
      for (const w of summary.warnings) this.log.warn(`${w.file}:${w.line}: ${w.message}`);
      if (summary.warningCount > summary.warnings.length) this.log.warn(`${file}: and ${summary.warningCount - summary.warnings.length} more warnings`);
      if (summary.pairs === 0) throw new Error(`${file}: expected at least 1 question/answer pair, got 0`);
      if (!(await confirmWarnings(uri, summary, interactive))) return { status: 'aborted' };
      if (pending.stopRequested) return { status: 'cancelled' };
      options = fitTrainOptions(readTrainOptionsFor(summary.format, DEFAULT_TRAIN_OPTIONS), (m) => this.log.info(m));
      // The small talk (data/default/smalltalk.tsv, shipped in the .vsix): its folder, or its bytes in the browser.
      defaultPairs = options.includeDefaultPairs === false ? {} : await defaultPairsSource(this.extensionUri);
    } finally {
      this.pending = null;
    }

    this.log.info(`training on ${uri.toString(true)}: ${loaded.summary.pairs} pairs (${loaded.summary.format}), options ${JSON.stringify(options)}`);
    const recorder = new CurveRecorder(options.epochs);
    this.curves = { file, recorder, stopped: false };
    this.liveChanged.fire();
    // The run joins the model's history in the worker: the runs of the model it replaces come along (not the
    // default model's, which is not the user's), so the dashboard can compare trainings.
    const previous = this.models.model?.meta.source === 'default' ? [] : (this.models.model?.model.history ?? []);
    // The worker parses the bytes again itself: 200,000 pairs never cross the host's thread as objects.
    const job = startTrainingJob(workerFile, loaded.file, options, loaded.summary.dataHash, {
      onProgress: (p) => {
        recorder.onProgress(p);
        this.liveChanged.fire();
        this.progressSink?.onProgress(p);
      },
      onEpoch: (r) => {
        recorder.onEpoch(r);
        this.liveChanged.fire();
        this.log.info(
          `epoch ${r.epoch}/${options.epochs}  loss ${r.loss.toFixed(4)}` +
            (r.valLoss !== undefined ? `  val loss ${r.valLoss.toFixed(4)}` : '') +
            `  val acc ${(r.accuracy * 100).toFixed(1)}%  ${r.seconds.toFixed(2)} s`,
        );
        this.progressSink?.onEpoch(r);
      },
      onWarning: (message) => this.log.warn(message),
    }, { ...defaultPairs, history: { file, previous } });
    this.job = { job, file };
    await vscode.commands.executeCommand('setContext', TRAINING_CONTEXT_KEY, true);
    this.session.setTraining({ file, epoch: 0, epochs: options.epochs, loss: NaN, eta: NaN });
    this.statusItem.text = `$(sync~spin) Seq2Seq: ${vscode.l10n.t('training {0}', file)}`;
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Seq2Seq Chat: training on {0}', file), cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => job.cancel());
          let lastAccuracy: number | undefined;
          let lastEpoch = 0;
          const onProgress = (p: { epoch: number; epochs: number; loss: number; eta: number }): void => {
            const acc = lastAccuracy === undefined ? '' : ` · ${vscode.l10n.t('val acc {0}%', (lastAccuracy * 100).toFixed(0))}`;
            const increment = p.epoch > lastEpoch ? ((p.epoch - lastEpoch) / p.epochs) * 100 : undefined;
            lastEpoch = Math.max(lastEpoch, p.epoch);
            const epoch = vscode.l10n.t('epoch {0}/{1}', p.epoch, p.epochs);
            progress.report({ message: `${epoch} · ${vscode.l10n.t('loss {0}', p.loss.toFixed(3))}${acc} · ${vscode.l10n.t('ETA ≤ {0}', formatDuration(p.eta))}`, increment });
            this.statusItem.text = `$(sync~spin) Seq2Seq: ${epoch}`;
            this.session.setTraining({ file, epoch: p.epoch, epochs: p.epochs, loss: p.loss, accuracy: lastAccuracy, eta: p.eta });
          };
          this.progressSink = { onProgress, onEpoch: (r) => (lastAccuracy = r.accuracy) };
          const outcome = await job.result;
          if (outcome.status === 'cancelled') {
            this.log.info(`training on ${file} cancelled after ${plural(outcome.epochs.length, 'epoch')}; keeping ${this.models.model?.meta.label ?? 'no model'}`);
            this.stopCurves('cancelled');
            void vscode.window.showInformationMessage(vscode.l10n.t('Seq2Seq Chat: training cancelled; the previous model keeps answering.'));
            return { status: 'cancelled' } as const;
          }
          this.stopCurves(outcome.report.stoppedBy, outcome.report.message);
          // Decoded in the worker, history included; the worker's bytes are saved as they are.
          const { model, bytes } = await this.models.decode(outcome.model, `${file} (trained)`);
          const savedTo = await this.models.replace(model, { source: 'trained', label: `trained on ${file}` }, bytes);
          const r = outcome.report;
          const summary = `trained on ${file}: ${plural(r.pairs, 'pair')}, ${plural(r.epochs, 'epoch')}, accuracy ${(r.accuracy * 100).toFixed(0)}%, ${r.seconds.toFixed(1)} s (${r.stoppedBy})`;
          this.log.info(summary);
          // The same summary for the user, in the UI's language (the log stays English, like the CLI).
          const shown = vscode.l10n.t('trained on {0}: {1} pairs, {2} epochs, accuracy {3}%, {4} s ({5})', file, r.pairs, r.epochs, (r.accuracy * 100).toFixed(0), r.seconds.toFixed(1), r.stoppedBy);
          if (r.stoppedBy === 'non-finite') {
            // Diverged after some good epochs: the best epoch's weights were kept, but say why it stopped.
            const why = r.message ?? `the loss became NaN or Infinity; the learning rate (${options.learningRate}) is probably too high`;
            this.log.warn(why);
            const showLog = vscode.l10n.t('Show Log');
            void vscode.window.showWarningMessage(`Seq2Seq Chat: ${shown}. ${why}`, showLog).then((b) => {
              if (b === showLog) this.log.show();
            });
            return { status: 'completed', report: r, epochs: outcome.epochs, savedTo: savedTo.toString(true) } as const;
          }
          const openChat = vscode.l10n.t('Open Chat');
          const dashboard = vscode.l10n.t('Show Dashboard');
          void vscode.window.showInformationMessage(`Seq2Seq Chat: ${shown}`, openChat, dashboard).then((b) => {
            if (b === openChat) void vscode.commands.executeCommand('seq2seqChat.openChat');
            else if (b === dashboard) void vscode.commands.executeCommand('seq2seqChat.showDashboard');
          });
          return { status: 'completed', report: r, epochs: outcome.epochs, savedTo: savedTo.toString(true) } as const;
        },
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.stopCurves(/diverge/i.test(message) ? 'non-finite' : 'cancelled', message);
      throw err;
    } finally {
      this.stopCurves('cancelled');
      this.job = null;
      this.progressSink = null;
      await vscode.commands.executeCommand('setContext', TRAINING_CONTEXT_KEY, false);
      this.session.setTraining(null);
      this.session.refresh();
      this.showIdle();
    }
  }

  /** Set while a progress notification is open; the worker's callbacks write through it. */
  private progressSink: { onProgress(p: { epoch: number; epochs: number; loss: number; eta: number }): void; onEpoch(r: EpochReport): void } | null = null;
}
