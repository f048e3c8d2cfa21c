/**
 * Seq2Seq Chat: the VS Code side of a small LSTM encoder–decoder ("Deep Learning from Scratch 2",
 * ch. 7–8). `activate` wires one service per feature; every disposable goes on context.subscriptions.
 */
import * as vscode from 'vscode';
import { registerChatParticipant } from './chatParticipant';
import { ChatSession } from './chatSession';
import { registerCliCommand } from './cliTerminal';
import { ChatPanels, ChatViewProvider, PANEL_VIEW_TYPE, VIEW_ID, type WebviewActions } from './chatWebview';
import { registerChatCommands, registerModelCommands, registerTestCommands, registerTrainingCommands, type Services } from './commands';
import { CorrectionsController, registerCorrectionCommands } from './corrections';
import { DiagnosticsMonitor } from './diagnostics';
import { InsightPanels } from './insight';
import { createLogger, handleError } from './log';
import { ModelStore } from './modelStore';
import { PairsLanguage, registerPairsCommands } from './pairsLanguage';
import { TrainingController } from './training';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLogger(context);
  // One script for training, data-parallel helpers and the one-off tasks (reading, evaluating, decoding).
  const workerFile = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  const models = new ModelStore(context, log, workerFile);
  const session = new ChatSession(context, models, log);
  const training = new TrainingController(context.extensionUri, models, session, log);
  const corrections = new CorrectionsController(context, context.extensionUri, models, session, training, log);
  const actions: WebviewActions = {
    train: () => void vscode.commands.executeCommand('seq2seqChat.train'),
    useDefault: () => void vscode.commands.executeCommand('seq2seqChat.useDefaultModel'),
    showLog: () => log.show(),
    newChat: () => void vscode.commands.executeCommand('seq2seqChat.newChat'),
    newPairsFile: () => void vscode.commands.executeCommand('seq2seqChat.newPairsFile'),
    confirm: (id) => void corrections.confirm(id).catch((err: unknown) => handleError(log, 'Confirming a reply', err)),
    correct: (id, answer) => void corrections.correct(id, answer).catch((err: unknown) => handleError(log, 'Correcting a reply', err)),
    why: (id) => void vscode.commands.executeCommand('seq2seqChat.why', id),
    dashboard: () => void vscode.commands.executeCommand('seq2seqChat.showDashboard'),
  };
  const panels = new ChatPanels(context.extensionUri, session, actions, log);
  const insight = new InsightPanels(context.extensionUri, models, training, log);
  context.subscriptions.push(models, session, panels, training, insight);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(VIEW_ID, new ChatViewProvider(context.extensionUri, session, actions, log)),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, panels),
    models.onDidChange(() => {
      session.refresh();
      training.showIdle();
    }),
  );
  models.startLoading((err) => handleError(log, 'Loading the model', err));
  const services: Services = { context, log, models, session, panels, training, insight, workerFile };
  registerChatCommands(services);
  registerTrainingCommands(services);
  registerModelCommands(services);
  registerCorrectionCommands(context, log, corrections);
  registerChatParticipant(context, { models, log });
  const pairs = new PairsLanguage(context);
  context.subscriptions.push(pairs);
  training.onPairsRead = (uri, format) => void pairs.remember(uri, format);
  registerPairsCommands(context, log);
  registerCliCommand(context, log);
  const activationMs = Math.round((performance.now() - started) * 100) / 100;
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    // The event-loop monitor and the `ask`/`diagnostics` commands exist for the tests and the bench only.
    const diagnostics = new DiagnosticsMonitor(activationMs);
    context.subscriptions.push(diagnostics);
    registerTestCommands(services, diagnostics);
  }
  log.info(`activated in ${activationMs} ms (extension host node ${process.versions.node})`);
  void models.ready.then(() => log.info(`model ready ${models.loadMs} ms after activation started`));
}

export function deactivate(): void {
  // everything is on context.subscriptions
}
