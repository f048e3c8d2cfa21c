/** Shared helpers for the in-host suites: the extension under test and its package.json. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'seq2seq-chat.seq2seq-chat';

export interface Manifest {
  readonly contributes: {
    readonly commands: readonly { readonly command: string; readonly title: string; readonly category: string }[];
    /** Titled sections (issue #12 item 6). */
    readonly configuration: readonly { readonly title: string; readonly properties: Record<string, { readonly default?: unknown; readonly markdownDescription?: string }> }[];
  };
}

export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `expected extension ${EXTENSION_ID} to be installed, got none`);
  await ext.activate();
  return ext;
}

export function manifest(ext: vscode.Extension<unknown>): Manifest {
  return ext.packageJSON as Manifest;
}

/** A scratch folder with the given files; returns file URIs by name. */
export function scratchFiles(files: Record<string, string>): Record<string, vscode.Uri> {
  const dir = mkdtempSync(join(tmpdir(), 's2s-suite-'));
  const out: Record<string, vscode.Uri> = {};
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    out[name] = vscode.Uri.file(join(dir, name));
  }
  return out;
}

/** Small, fast training settings for the tests, written to the (scratch) workspace's settings, which win over the fixture's. */
export const FAST_SETTINGS: Record<string, unknown> = {
  'training.epochs': 150,
  'model.hiddenSize': 48,
  'model.embeddingSize': 16,
  'training.batchSize': 4,
  'training.validationSplit': 0,
  // the fixture pairs alone, as measured (the default pairs' path is unit-tested: test/unit/extension/training-options.test.ts)
  'training.includeDefaultPairs': false,
};

export async function applySettings(values: Record<string, unknown>): Promise<void> {
  const c = vscode.workspace.getConfiguration('seq2seqChat');
  for (const [k, v] of Object.entries(values)) await c.update(k, v, vscode.ConfigurationTarget.Workspace);
}

export async function restoreSettings(values: Record<string, unknown>): Promise<void> {
  const c = vscode.workspace.getConfiguration('seq2seqChat');
  for (const k of Object.keys(values)) await c.update(k, undefined, vscode.ConfigurationTarget.Workspace);
}

export const TINY_PAIRS = ['hello\thi there', 'how are you\tfine thanks', 'bye\tsee you', 'name\tseq2seq'].join('\n') + '\n';
