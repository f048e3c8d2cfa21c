/**
 * What differs between the Node build (dist/extension.js, `main`) and the browser build
 * (dist/web/extension.js, `browser`; webpack resolves platform.web.ts first there): the worker script,
 * how the training worker gets the embedded small talk, how many threads a training may use, and what the
 * log calls the host. Everything else (files through vscode.workspace.fs, storage under globalStorageUri /
 * storageUri, the engine with its wasm kernels) is the same code in both.
 */
import * as vscode from 'vscode';
import type { TrainOptions } from '../src/chat/types';
import type { TrainingJobEnvironment } from '../src/worker/trainingJob';

/** The one worker script for training, data-parallel helper threads and the one-off tasks. */
export function workerScript(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'worker.js').fsPath;
}

/** The worker reads data/default/smalltalk.tsv from the install folder (shipped in the .vsix) itself. */
export function defaultPairsSource(extensionUri: vscode.Uri): Promise<Pick<TrainingJobEnvironment, 'defaultPairsRoot' | 'defaultPairsBytes'>> {
  return Promise.resolve({ defaultPairsRoot: extensionUri.fsPath });
}

/** The options as the user set them: worker_threads give data parallelism here (`training.threads`). */
export function fitTrainOptions(options: TrainOptions, _log: (message: string) => void): TrainOptions {
  return options;
}

/** The host in the activation log line. */
export function hostDescription(): string {
  return `extension host node ${process.versions.node}`;
}
