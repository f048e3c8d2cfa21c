/**
 * `npm run bench:web`: training speed of the browser build's Web Worker (dist/web/worker.js, built by
 * `npm run compile:ext`) in Chromium against the Node build's worker_threads worker (out/src/worker/
 * trainWorker.js), on the same pairs (data/default/pairs.tsv, the default model's 156 pairs) with the same
 * options and a fixed number of epochs (patience 0). No workbench: a blank page starts the worker from a blob:
 * URL as the web extension does, so the figure is the engine's (the same wasm kernels in two JavaScript
 * engines), not the workbench's load. Runs alternate (Node, browser, Node, browser) and the best of each is
 * compared, since a shared machine slows whichever run it happens to. Writes bench/results/web-train.log.
 * (In test/host for its DOM typings and Playwright, like bench:ext.)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/chat/defaults';
import type { TrainOptions } from '../../src/chat/types';
import type { TrainRequest, WorkerMessage } from '../../src/worker/messages';
import { startTrainingJob } from '../../src/worker/trainingJob';
import { CHROMIUM, ROOT } from './codeServer';
const PAIRS = 'data/default/pairs.tsv';
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 8);
const OPTIONS: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, epochs: EPOCHS, patience: 0, includeDefaultPairs: false, threads: 1 };

async function nodeSeconds(bytes: Uint8Array): Promise<number> {
  const job = startTrainingJob(join(ROOT, 'out/src/worker/trainWorker.js'), { bytes, name: PAIRS, limits: {} }, OPTIONS, '');
  const out = await job.result;
  if (out.status !== 'completed' || out.report.epochs !== EPOCHS) throw new Error(`Node: expected ${EPOCHS} completed epochs, got ${out.status}`);
  return out.report.seconds;
}

/** Trains in a Web Worker of a blank Chromium page; the worker's own report of its seconds. */
async function browserSeconds(page: import('playwright-core').Page, source: string, bytes: Uint8Array): Promise<number> {
  const request: Omit<TrainRequest, 'pairs'> = { options: OPTIONS, dataHash: '' };
  const report = await page.evaluate(
    ([src, data, req]) =>
      new Promise<{ seconds: number; epochs: number }>((resolve, reject) => {
        const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
        const worker = new Worker(url);
        worker.onmessage = (e: MessageEvent<WorkerMessage>): void => {
          if (e.data.type === 'done') resolve({ seconds: e.data.report.seconds, epochs: e.data.report.epochs });
          if (e.data.type === 'error') reject(new Error(e.data.message));
        };
        worker.onerror = (e): void => reject(new Error(e.message));
        worker.postMessage({ ...req, pairs: { bytes: new Uint8Array(data), name: 'pairs.tsv', limits: {} } });
      }),
    [source, Array.from(bytes), request] as const,
  );
  if (report.epochs !== EPOCHS) throw new Error(`browser: expected ${EPOCHS} epochs, got ${report.epochs}`);
  return report.seconds;
}

async function main(): Promise<void> {
  const bytes = new Uint8Array(readFileSync(join(ROOT, PAIRS)));
  const source = readFileSync(join(ROOT, 'dist/web/worker.js'), 'utf8');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const node: number[] = [];
  const web: number[] = [];
  try {
    const page = await browser.newPage();
    await page.setContent('<title>bench</title>');
    for (let round = 0; round < 2; round++) {
      node.push(await nodeSeconds(bytes));
      web.push(await browserSeconds(page, source, bytes));
      console.log(`round ${round + 1}: Node ${node[round].toFixed(2)} s, browser ${web[round].toFixed(2)} s`);
    }
  } finally {
    await browser.close();
  }
  const bestNode = Math.min(...node);
  const bestWeb = Math.min(...web);
  const line =
    `${PAIRS} (156 pairs), ${EPOCHS} epochs, defaults (H ${OPTIONS.hidden}, D ${OPTIONS.wordvec}, batch ${OPTIONS.batchSize}): ` +
    `Node worker_threads ${(bestNode / EPOCHS * 1000).toFixed(0)} ms/epoch (Node ${process.versions.node}), ` +
    `Chromium Web Worker ${(bestWeb / EPOCHS * 1000).toFixed(0)} ms/epoch (${browser.version()}); browser/Node ${(bestWeb / bestNode).toFixed(2)}`;
  console.log(line);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/web-train.log'), `# npm run bench:web, ${new Date().toISOString()}\n${node.map((n, i) => `round ${i + 1}: Node ${n.toFixed(2)} s, browser ${web[i].toFixed(2)} s`).join('\n')}\n${line}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
