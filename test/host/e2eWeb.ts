/**
 * End-to-end scenarios of the browser build (VS Code for the Web; docs/web.md): the browser-only package
 * (webPackage.ts: no `main`) installed in code-server, whose workbench then runs the extension in the
 * browser's web-worker extension host, with its training and tasks in a Web Worker. The default model
 * answers and streams, a workspace pairs file trains and the new model answers, export writes a model
 * file, import and evaluation read one, a model over the size limit answers from the reply worker. Prints the figures of docs/web.md (time to first reply, training
 * speed against the Node worker on the same pairs, bundle sizes) and writes them to bench/results/web.log.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { TrainOptions } from '../../src/chat/types';
import { deserializeModel, serializeModel } from '../../src/chat';
import { decodeModelFile } from '../../src/io/model-file';
import { OFF_THREAD_QUESTIONS, repliesOffThread } from '../../src/worker/replyClient';
import { syntheticModel } from '../../bench/heavy-files';
import { startTrainingJob } from '../../src/worker/trainingJob';
import { ROOT, type CodeServer } from './codeServer';
import { inBrowser, type ScenarioResult } from './e2e';
import type { Scenario } from './e2eReliability';
import { ask, chatFrame, openFromExplorer, openSidePanel, runCommand, waitForNotification } from './workbench';

const PAIRS = 'train.tsv';
/** What the trained model of test/fixtures/workspace/train.tsv answers (as TRAINED in e2e.ts). */
const TRAINED_HELLO = 'hi there';

interface StreamTrace {
  /** The streaming reply's text at each change, in order. */
  readonly partials: string[];
  /** Date.now() when the first token showed. */
  firstAt: number;
}

/** Records the streaming reply's text at each DOM change of the chat log (in the webview). */
async function traceStreaming(f: Frame): Promise<void> {
  await f.evaluate(() => {
    const trace: StreamTrace = { partials: [], firstAt: 0 };
    (window as unknown as { s2sTrace: StreamTrace }).s2sTrace = trace;
    const log = document.getElementById('log');
    if (log === null) throw new Error('expected the chat log #log in the webview, got none');
    new MutationObserver(() => {
      const e = [...document.querySelectorAll('.entry.bot.streaming .text')].pop();
      const text = e?.textContent ?? '';
      if (text === '' || trace.partials[trace.partials.length - 1] === text) return;
      if (trace.partials.length === 0) trace.firstAt = Date.now();
      trace.partials.push(text);
    }).observe(log, { subtree: true, childList: true, characterData: true });
  });
}

async function readTrace(f: Frame): Promise<StreamTrace> {
  return f.evaluate(() => (window as unknown as { s2sTrace: StreamTrace }).s2sTrace);
}

/**
 * Answers code-server's simple file dialog (a quick input holding a path): the proposed path as it is
 * (`path` undefined), or `path`: the dialog opens on a folder (the workspace), so what `path` adds to the
 * folder is typed after it (typed, not filled: the dialog completes as one types); else it is typed over it.
 */
async function answerPathDialog(page: Page, path?: string): Promise<void> {
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.waitFor({ state: 'visible', timeout: 15_000 });
  if (path !== undefined) {
    // The dialog fills its folder in steps ("/tmp/", then the workspace): wait until the value holds still.
    let shown = await box.inputValue();
    for (let still = 0, t = Date.now(); still < 3 && Date.now() - t < 10_000; ) {
      await page.waitForTimeout(200);
      const now = await box.inputValue();
      still = now === shown && now !== '' ? still + 1 : 0;
      shown = now;
    }
    await box.press('End');
    if (path.startsWith(shown)) await page.keyboard.type(path.slice(shown.length), { delay: 5 });
    else {
      await box.selectText();
      await page.keyboard.type(path, { delay: 5 });
    }
    const value = (): Promise<string> => box.inputValue();
    const end = Date.now() + 10_000;
    while ((await value()) !== path) {
      if (Date.now() > end) throw new Error(`file dialog: expected ${path}, got ${await value()} (it showed ${shown} first)`);
      await page.waitForTimeout(100);
    }
  }
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
}

async function trainFromPalette(page: Page, file: string, command = 'Seq2Seq Chat: Train Model from Pairs File'): Promise<void> {
  await openFromExplorer(page, file);
  await runCommand(page, command);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

function kib(path: string): number {
  return Math.round(statSync(path).size / 1024);
}

/** Node's figure for the same training: the same pairs and options (the browser's, from its model file), in a worker_threads worker. */
async function nodeTrainingSeconds(workspace: string, options: Partial<TrainOptions>): Promise<{ seconds: number; epochs: number }> {
  const bytes = new Uint8Array(readFileSync(join(workspace, PAIRS)));
  const job = startTrainingJob(join(ROOT, 'out/src/worker/trainWorker.js'), { bytes, name: PAIRS, limits: {} }, options, '', {}, { defaultPairsRoot: ROOT });
  const outcome = await job.result;
  if (outcome.status !== 'completed') throw new Error(`Node training of ${PAIRS}: expected completed, got ${outcome.status}`);
  return { seconds: outcome.report.seconds, epochs: outcome.report.epochs };
}

export async function runWebE2E(server: CodeServer, workspace: string, log: (m: string) => void): Promise<ScenarioResult[]> {
  const figures: string[] = [];
  const figure = (line: string): void => {
    figures.push(line);
    log(`  ${line}`);
  };
  try {
    return await inBrowser(log, (page, scenario) => webScenarios(page, scenario, server, workspace, figure));
  } finally {
    if (figures.length > 0) {
      const dir = join(ROOT, 'bench/results');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'web.log'), `# npm run test:host (web scenarios), ${new Date().toISOString()}\n${figures.join('\n')}\n`);
    }
  }
}

async function webScenarios(page: Page, scenario: Scenario, server: CodeServer, workspace: string, figure: (line: string) => void): Promise<void> {
  let browserTraining: { seconds: number; epochs: number; options: Partial<TrainOptions> } | null = null;
  // Export proposes <pairs name>.s2s in the workspace folder.
  const exported = join(workspace, 'train.s2s');
  figure(`bundle: dist/web/extension.js ${kib(join(ROOT, 'dist/web/extension.js'))} KiB (the Web Worker embedded: dist/web/worker.js ${kib(join(ROOT, 'dist/web/worker.js'))} KiB)`);
  let opened = 0;
  await scenario('web: the browser-only package loads in the web-worker extension host', async () => {
    opened = Date.now();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: PAIRS }).first().waitFor({ timeout: 120_000 });
    // The web-worker extension host is an iframe of the workbench; the Node one is a server process.
    const hostFrame = page.frames().find((f) => /webWorkerExtensionHostIframe/.test(f.url()));
    if (hostFrame === undefined) throw new Error(`expected the web-worker extension host's iframe, got frames ${page.frames().map((f) => f.url().slice(0, 80)).join(' | ')}`);
    await openSidePanel(page);
  });

  await scenario('web: the default model answers in the side panel, and the reply streams', async () => {
    const f = await chatFrame(page, 'view', 60_000);
    await f.locator('.model-label', { hasText: 'default model' }).waitFor({ timeout: 60_000 });
    await traceStreaming(f);
    const asked = Date.now();
    const reply = await ask(f, 'hello', 60_000);
    const done = Date.now();
    if (reply.trim() === '') throw new Error('expected a non-empty reply from the default model, got ""');
    const trace = await readTrace(f);
    const partial = trace.partials.filter((p) => p.length < reply.length && reply.startsWith(p));
    if (partial.length < 1) throw new Error(`expected the reply to arrive in pieces (a strict prefix shown first), got ${JSON.stringify(trace.partials)} for ${JSON.stringify(reply)}`);
    figure(`time to first reply (browser host): ${done - opened} ms from opening the workbench; ${trace.firstAt - asked} ms to the first token, ${done - asked} ms to the whole reply ("hello" → ${JSON.stringify(reply)}, ${trace.partials.length} streamed steps)`);
  });

  await scenario('web: training on a workspace pairs file runs in a Web Worker and the new model answers', async () => {
    await trainFromPalette(page, PAIRS);
    await waitForNotification(page, /training on train\.tsv/, 30_000);
    await waitForNotification(page, /trained on train\.tsv/, 240_000);
    await openSidePanel(page);
    const f = await chatFrame(page, 'view');
    await f.locator('.model-label', { hasText: 'trained on train.tsv' }).waitFor({ timeout: 15_000 });
    const reply = await ask(f, 'hello');
    if (reply !== TRAINED_HELLO) throw new Error(`reply to "hello": expected ${JSON.stringify(TRAINED_HELLO)}, got ${JSON.stringify(reply)}`);
  });

  await scenario('web: Export Model writes the trained model to a workspace file through vscode.workspace.fs', async () => {
    await runCommand(page, 'Seq2Seq Chat: Export Model');
    await answerPathDialog(page);
    await waitForNotification(page, /exported trained on train\.tsv/, 30_000);
    if (!existsSync(exported)) throw new Error(`expected ${exported} after the export, got no file`);
    const content = decodeModelFile(new Uint8Array(readFileSync(exported)), exported);
    const report = content.header.report;
    if (report === undefined || report.epochs < 1) throw new Error(`expected the exported model to carry its training report, got ${JSON.stringify(report)}`);
    browserTraining = { seconds: report.seconds, epochs: report.epochs, options: content.header.options ?? {} };
  });

  await scenario('web: Evaluate reads the pairs file and scores the model in the Web Worker', async () => {
    await trainFromPalette(page, PAIRS, 'Seq2Seq Chat: Evaluate Model on Pairs File');
    const text = await waitForNotification(page, /answers exactly right/, 60_000);
    const pairs = readFileSync(join(workspace, PAIRS), 'utf8').split('\n').filter((l) => l.includes('\t')).length;
    const m = /(\d+)\/(\d+) answers exactly right/.exec(text);
    if (m === null || Number(m[1]) !== pairs || Number(m[2]) !== pairs) throw new Error(`expected ${pairs}/${pairs} exact answers on ${PAIRS} (its ${pairs} pairs), got: ${text}`);
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  await scenario('web: Reset, then Import Model brings the exported model back', async () => {
    await runCommand(page, 'Seq2Seq Chat: Reset to Default Model');
    await waitForNotification(page, /now answering with the default model/, 30_000);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Seq2Seq Chat: Import Model');
    await answerPathDialog(page, exported);
    await waitForNotification(page, /imported from train\.s2s/, 30_000);
    await openSidePanel(page);
    const f = await chatFrame(page, 'view');
    await f.locator('.model-label', { hasText: 'imported from train.s2s' }).waitFor({ timeout: 15_000 });
    const reply = await ask(f, 'hello');
    if (reply !== TRAINED_HELLO) throw new Error(`reply to "hello" after import: expected ${JSON.stringify(TRAINED_HELLO)}, got ${JSON.stringify(reply)}`);
  });

  await scenario('web: a model over the size limit answers from the reply worker (a Web Worker), as in Node', async () => {
    // 2,000 trained questions (OFF_THREAD_QUESTIONS): its replies are computed in the reply worker.
    const file = join(workspace, 'many-questions.s2s');
    const bytes = serializeModel(syntheticModel(500, OFF_THREAD_QUESTIONS));
    writeFileSync(file, bytes);
    const model = deserializeModel(bytes, file);
    if (!repliesOffThread(model)) throw new Error('expected a model the reply worker answers');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Seq2Seq Chat: Import Model');
    await answerPathDialog(page, file);
    await waitForNotification(page, /imported from many-questions\.s2s/, 60_000);
    await openSidePanel(page);
    const f = await chatFrame(page, 'view');
    await f.locator('.model-label', { hasText: 'imported from many-questions.s2s' }).waitFor({ timeout: 15_000 });
    for (const q of ['question number 7 about things', 'qwzx vbnm']) {
      // The fixture workspace sets decoding.confidenceThreshold 0: every reply is shown, sure or not.
      const expected = model.reply(q).text;
      const reply = await ask(f, q, 60_000);
      if (reply !== expected) throw new Error(`reply to ${JSON.stringify(q)} from the reply worker: expected ${JSON.stringify(expected)} (as in Node), got ${JSON.stringify(reply)}`);
    }
  });

  await scenario('web: training speed against the Node worker on the same pairs file', async () => {
    const web = browserTraining;
    if (web === null) throw new Error('expected the browser training figures from the exported model, got none (export failed)');
    const node = await nodeTrainingSeconds(workspace, web.options);
    const perEpoch = (r: { seconds: number; epochs: number }): number => r.seconds / r.epochs;
    figure(
      `training ${PAIRS} + small talk, extension defaults: browser Web Worker ${web.epochs} epochs in ${web.seconds.toFixed(2)} s ` +
        `(${(perEpoch(web) * 1000).toFixed(1)} ms/epoch); Node worker_threads ${node.epochs} epochs in ${node.seconds.toFixed(2)} s ` +
        `(${(perEpoch(node) * 1000).toFixed(1)} ms/epoch); browser/Node time per epoch ${(perEpoch(web) / perEpoch(node)).toFixed(2)}`,
    );
  });
}
