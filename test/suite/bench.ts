/**
 * Extension bench, run inside the extension host (extensionTestsPath) by test/host/benchExt.ts:
 * activation time, reply compute time, and the host's event-loop delay (perf_hooks.monitorEventLoopDelay
 * in the extension, read through `seq2seqChat.diagnostics`) when idle and while a training runs in the
 * worker (once untouched, once while chatting), and while the heavy one-off operations run (#10 item 10):
 * reading and checking a pairs file near the size limit, Evaluate on 20,000 pairs, importing a large model
 * file, and a reply at the maximum beam settings; then the imported large model's replies, through the chat
 * (in the reply worker) and computed on the host thread as before it (the test command seq2seqChat.replyOnHost).
 * Writes JSON to $SEQ2SEQ_BENCH_OUT.
 */
import { writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { activeExtension, applySettings, restoreSettings } from './helpers';

interface LoopStats { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number; readonly samples: number }
interface Diag { readonly activationMs: number; readonly modelLoadMs: number; readonly eventLoop: LoopStats; readonly hostNode: string; readonly lastReplyMs: number; readonly livePosts: number }
interface TrainResult { readonly status: string; readonly report?: { readonly epochs: number; readonly seconds: number } }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const diag = (reset?: 'reset'): Thenable<Diag> => vscode.commands.executeCommand<Diag>('seq2seqChat.diagnostics', reset);
const QUESTIONS = ['hello', 'what is your name', 'how are you', 'thank you', 'good night'];

/** Asks each question; returns [model compute ms, whole ask incl. token streaming ms] per question. */
async function askAll(): Promise<{ compute: number[]; total: number[] }> {
  const compute: number[] = [];
  const total: number[] = [];
  for (const q of QUESTIONS) {
    const t = performance.now();
    await vscode.commands.executeCommand('seq2seqChat.ask', q);
    total.push(performance.now() - t);
    compute.push((await diag()).lastReplyMs);
  }
  return { compute, total };
}

/** A block of the host's thread or a GC pause: when it ended (ms after the operation started) and how long it took. */
interface Pause { readonly at: number; readonly ms: number; readonly kind?: string }
interface Heavy { readonly loop: LoopStats; readonly wallMs: number; readonly result: unknown; readonly blocks: Pause[]; readonly gcs: Pause[]; readonly heapMB: number; readonly marks: Pause[] }

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/**
 * Runs one operation with the event-loop histogram reset first; its wall time and the loop's delay
 * meanwhile, and what the delay is made of: the blocks over 30 ms (a 2 ms timer's gaps) and the GC pauses
 * over 10 ms (perf_hooks 'gc' entries), each with its time after the start; the heap before it; the
 * extension's user-timing marks (`seq2seq.*`) set meanwhile.
 */
async function heavy(run: () => Thenable<unknown>): Promise<Heavy> {
  await diag('reset');
  // The histogram's first sample after a reset is lost: a block that starts in the reset's turn would not count.
  await sleep(30);
  const t = performance.now();
  const blocks: Pause[] = [];
  const gcs: Pause[] = [];
  let last = t;
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - last > 32) blocks.push({ at: Math.round(now - t), ms: Math.round(now - last - 2) });
    last = now;
  }, 2);
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e.detail as { kind?: number } | null)?.kind;
      if (e.duration > 10) gcs.push({ at: Math.round(e.startTime + e.duration - t), ms: Math.round(e.duration), kind: kind !== undefined ? (GC_KINDS[kind] ?? String(kind)) : 'gc' });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const heapMB = Math.round(process.memoryUsage().heapUsed / 1e6);
  const result = await run();
  const wallMs = performance.now() - t;
  await sleep(100); // the last GC entries are delivered after the operation
  clearInterval(ticker);
  observer.disconnect();
  // the extension's user-timing marks set meanwhile (Import: file read, worker replied, model built, saved)
  const marks = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('seq2seq.') && m.startTime >= t).map((m) => ({ at: Math.round(m.startTime - t), ms: 0, kind: m.name.slice('seq2seq.'.length) }));
  return { loop: (await diag()).eventLoop, wallMs, result, blocks, gcs, heapMB, marks };
}

/** Questions for the large model (bench/heavy-files.ts): trained ones, an untrained one, one of unknown characters. */
const LARGE_QUESTIONS = ['question number 7 about things', 'question number 12345 about things', 'what is the weather like', '今日は何曜日ですか', 'question number 999 about things'];

/**
 * The large model's replies (it must be the answering one): through the chat, the first one just after the
 * import (the reply worker is still loading the model), each with its token streaming; then the same questions
 * computed on the host thread as before the reply worker (seq2seqChat.replyOnHost, 250 ms apart). Each
 * result: the reply compute times (ms; the chat's includes the trip to the worker and any wait for its load).
 */
async function largeReplies(): Promise<{ largeReplies: Heavy; largeRepliesOnHost: Heavy }> {
  const largeReplies = await heavy(async () => {
    const compute: number[] = [];
    for (const q of LARGE_QUESTIONS) {
      await vscode.commands.executeCommand('seq2seqChat.ask', q);
      compute.push((await diag()).lastReplyMs);
    }
    return compute;
  });
  // The host holds the large model without its weights (ModelStore.decode): a full copy is decoded first.
  await vscode.commands.executeCommand('seq2seqChat.replyOnHost');
  const largeRepliesOnHost = await heavy(async () => {
    const compute: number[] = [];
    for (const q of LARGE_QUESTIONS) {
      compute.push((await vscode.commands.executeCommand<{ ms: number }>('seq2seqChat.replyOnHost', q)).ms);
      await sleep(250); // one question at a time, as the chat asked them (the streaming of a short reply)
    }
    return compute;
  });
  return { largeReplies, largeRepliesOnHost };
}

/** The heavy one-off operations on the files test/host/benchExt.ts wrote into the workspace. */
async function heavyOperations(folder: vscode.Uri): Promise<Record<string, Heavy>> {
  const at = (name: string): vscode.Uri => vscode.Uri.joinPath(folder, name);
  await vscode.commands.executeCommand('seq2seqChat.resetModel');
  // A 50 MB file of 200,001 pairs: read and checked to its last line, then refused (maxPairs), so nothing trains.
  const nearLimit = await heavy(() => vscode.commands.executeCommand('seq2seqChat.train', at('near-limit.tsv'), { interactive: false }));
  const evaluate = await heavy(() => vscode.commands.executeCommand('seq2seqChat.evaluate', at('eval.tsv')));
  const importModel = await heavy(() => vscode.commands.executeCommand('seq2seqChat.importModel', at('large.s2s')));
  const replies = await largeReplies();
  await vscode.commands.executeCommand('seq2seqChat.resetModel');
  const beam = { 'decoding.strategy': 'beam', 'decoding.beamWidth': 32, 'decoding.maxReplyLength': 1000 };
  await applySettings(beam);
  const beamReply = await heavy(() => vscode.commands.executeCommand('seq2seqChat.ask', 'tell me something about the far side of the moon and its craters'));
  await restoreSettings(beam);
  return { nearLimit, evaluate, importModel, ...replies, beamReply };
}

/** Import Model of large.s2s and the large model's replies (BENCH_EXT_ONLY=replies). */
async function importAndReplies(folder: vscode.Uri): Promise<Record<string, Heavy>> {
  await vscode.commands.executeCommand('seq2seqChat.resetModel');
  const importModel = await heavy(() => vscode.commands.executeCommand('seq2seqChat.importModel', vscode.Uri.joinPath(folder, 'large.s2s')));
  return { importModel, ...(await largeReplies()) };
}

export async function run(): Promise<void> {
  const out = process.env.SEQ2SEQ_BENCH_OUT;
  if (!out) throw new Error('bench: expected $SEQ2SEQ_BENCH_OUT, got nothing');
  await activeExtension();
  await vscode.commands.executeCommand('seq2seqChat.ask', 'hello');
  const first = await diag();
  await vscode.commands.executeCommand('seq2seqChat.resetModel');
  const idleReplies = await askAll();

  await diag('reset');
  await sleep(3000);
  const idle = await diag();

  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('bench: expected a workspace folder with big.tsv, got none');
  const only = process.env.SEQ2SEQ_BENCH_ONLY;
  if (only === 'heavy' || only === 'replies') {
    // the heavy one-off operations only (test/host/benchExt.ts BENCH_EXT_ONLY=heavy), no trainings; or only
    // Import and the large model's replies (BENCH_EXT_ONLY=replies)
    const heavyOps = only === 'heavy' ? await heavyOperations(folder) : await importAndReplies(folder);
    await vscode.commands.executeCommand('seq2seqChat.resetModel');
    writeFileSync(out, JSON.stringify({ hostNode: idle.hostNode, activationMs: idle.activationMs, modelLoadMs: first.modelLoadMs, idleReplies, idle: idle.eventLoop, heavy: heavyOps }, null, 2));
    return;
  }
  const big = vscode.Uri.joinPath(folder, 'big.tsv');
  await applySettings({ 'training.epochs': 3, 'training.validationSplit': 0, 'training.patience': 0 });

  // 1) training alone: what the worker costs the host's event loop
  await diag('reset');
  const t1 = performance.now();
  const quiet = await vscode.commands.executeCommand<TrainResult>('seq2seqChat.train', big, { interactive: false });
  const quietMs = performance.now() - t1;
  const duringQuiet = await diag();

  // 2) training while chatting: replies keep coming from the current model
  await vscode.commands.executeCommand('seq2seqChat.resetModel');
  await diag('reset');
  const t2 = performance.now();
  const busy = vscode.commands.executeCommand<TrainResult>('seq2seqChat.train', big, { interactive: false });
  await sleep(500);
  const duringReplies = await askAll();
  const busyResult = await busy;
  const busyMs = performance.now() - t2;
  const duringBusy = await diag();

  // 3) training with the dashboard open: live curves posted to its webview (throttled, LIVE_UPDATE_MS)
  await vscode.commands.executeCommand('seq2seqChat.resetModel');
  await vscode.commands.executeCommand('seq2seqChat.showDashboard');
  await sleep(1000);
  const postsBefore = (await diag()).livePosts;
  await diag('reset');
  const t3 = performance.now();
  const shown = await vscode.commands.executeCommand<TrainResult>('seq2seqChat.train', big, { interactive: false });
  const shownMs = performance.now() - t3;
  const duringDashboard = await diag();
  const heavyOps = await heavyOperations(folder);
  await vscode.commands.executeCommand('seq2seqChat.resetModel');

  writeFileSync(out, JSON.stringify({
    hostNode: idle.hostNode,
    activationMs: idle.activationMs,
    modelLoadMs: first.modelLoadMs,
    idleReplies,
    idle: idle.eventLoop,
    trainingQuiet: { loop: duringQuiet.eventLoop, status: quiet?.status, epochs: quiet?.report?.epochs, wallMs: quietMs },
    trainingChatting: { loop: duringBusy.eventLoop, status: busyResult?.status, epochs: busyResult?.report?.epochs, wallMs: busyMs, replies: duringReplies },
    trainingDashboard: { loop: duringDashboard.eventLoop, status: shown?.status, epochs: shown?.report?.epochs, wallMs: shownMs, livePosts: duringDashboard.livePosts - postsBefore },
    heavy: heavyOps,
  }, null, 2));
}
