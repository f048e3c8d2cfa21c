/**
 * Browser build of platform.ts (VS Code for the Web: the extension runs in the browser's web-worker
 * extension host). The worker is the browser bundle dist/web/worker.js, embedded in this bundle as text
 * (webpack `asset/source`) and started from a blob: URL, since a Web Worker's script must come from the
 * extension host's own origin and the extension's files are served from another one (vscode.dev's CDN).
 */
import * as vscode from 'vscode';
import workerSource from 'seq2seq-web-worker-source';
import { SMALL_TALK_RELATIVE_PATH } from '../src/chat/defaults';
import type { TrainOptions } from '../src/chat/types';
import type { TrainingJobEnvironment } from '../src/worker/trainingJob';

let workerUrl: string | undefined;

/** A blob: URL of the worker bundle, made once per extension host. */
export function workerScript(_extensionUri: vscode.Uri): string {
  workerUrl ??= URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  return workerUrl;
}

/** A Web Worker reads no files: the host reads the small talk through vscode.workspace.fs and sends its bytes (2 KB). */
export async function defaultPairsSource(extensionUri: vscode.Uri): Promise<Pick<TrainingJobEnvironment, 'defaultPairsRoot' | 'defaultPairsBytes'>> {
  return { defaultPairsBytes: await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, ...SMALL_TALK_RELATIVE_PATH.split('/'))) };
}

/**
 * One thread: data parallelism needs shared memory and synchronous waits (SharedArrayBuffer, Atomics.wait),
 * which a browser page that is not cross-origin isolated (vscode.dev) does not give.
 */
export function fitTrainOptions(options: TrainOptions, log: (message: string) => void): TrainOptions {
  if (options.threads === 1) return options;
  if (options.threads !== undefined) log(`training.threads ${options.threads} ignored in the browser: the training worker trains alone`);
  return { ...options, threads: 1 };
}

export function hostDescription(): string {
  return 'web extension host (browser)';
}
