/**
 * Extension bench, run inside the extension host (extensionTestsPath) by test/host/benchExt.ts:
 * activation time, reply latency, and the host's event-loop delay (perf_hooks.monitorEventLoopDelay
 * in the extension, read through `seq2seqChat.diagnostics`) when idle and while a training runs in
 * the worker. Writes JSON to $SEQ2SEQ_BENCH_OUT.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activeExtension, applySettings } from './helpers';

interface Diag {
  readonly activationMs: number;
  readonly eventLoop: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number; readonly samples: number };
  readonly training: boolean;
  readonly hostNode: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const diag = (reset?: 'reset'): Thenable<Diag> => vscode.commands.executeCommand<Diag>('seq2seqChat.diagnostics', reset);

export async function run(): Promise<void> {
  const out = process.env.SEQ2SEQ_BENCH_OUT;
  if (!out) throw new Error('bench: expected $SEQ2SEQ_BENCH_OUT, got nothing');
  const t0 = performance.now();
  await activeExtension();
  const activateCallMs = performance.now() - t0;
  await vscode.commands.executeCommand('seq2seqChat.resetModel');

  const replyMs: number[] = [];
  for (const q of ['hello', 'what is your name', 'how are you', 'thank you', 'good night']) {
    const t = performance.now();
    await vscode.commands.executeCommand('seq2seqChat.ask', q);
    replyMs.push(performance.now() - t);
  }

  await diag('reset');
  await sleep(3000);
  const idle = await diag();

  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('bench: expected a workspace folder with big.tsv, got none');
  await applySettings({ 'training.epochs': 3, 'training.validationSplit': 0 });
  await diag('reset');
  const tTrain = performance.now();
  const training = vscode.commands.executeCommand<{ status: string; report?: { epochs: number; seconds: number } }>(
    'seq2seqChat.train', vscode.Uri.joinPath(folder, 'big.tsv'), { interactive: false });
  // chat keeps answering while the worker trains
  const duringReplyMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    await sleep(400);
    const t = performance.now();
    await vscode.commands.executeCommand('seq2seqChat.ask', 'hello');
    duringReplyMs.push(performance.now() - t);
  }
  const result = await training;
  const trainingWallMs = performance.now() - tTrain;
  const during = await diag();
  await vscode.commands.executeCommand('seq2seqChat.resetModel');

  const report = {
    hostNode: idle.hostNode,
    activationMs: idle.activationMs,
    activateCallMs,
    replyMs,
    idle: idle.eventLoop,
    duringTraining: during.eventLoop,
    duringReplyMs,
    training: { status: result?.status, epochs: result?.report?.epochs, seconds: result?.report?.seconds, wallMs: trainingWallMs, file: join('workspace', 'big.tsv') },
  };
  writeFileSync(out, JSON.stringify(report, null, 2));
}
