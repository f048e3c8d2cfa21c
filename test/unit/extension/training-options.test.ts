/**
 * What the extension's training command hands the training worker (extension/training.ts →
 * src/worker/trainingJob.ts → the worker's environment, src/worker/environment.ts): the settings as
 * TrainOptions, `includeDefaultPairs` among them (seq2seqChat.training.includeDefaultPairs, default true),
 * the user's pairs, and the embedded default pairs read in the worker from the extension's install
 * folder (data/default/pairs.tsv, shipped in the .vsix). Fake vscode, a real worker thread that trains
 * nothing (test/reliability/probe-worker.ts) and reports what reached it.
 */
import { fakeContext, FakeUri, MemoryLog, settings } from '../reliability/fake-vscode';
import { after, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { readDefaultPairs } from '../../../src/chat';
import { TrainingController } from '../../../extension/training';
import type { ChatSession } from '../../../extension/chatSession';
import type { ModelStore } from '../../../extension/modelStore';
import { PROBE_PREFIX, type ProbeReport } from '../../reliability/probe-worker';

const REPO = join(__dirname, '../../../..');
const PROBE = join(__dirname, '../../reliability/probe-worker.js');

/** A fake install folder: dist/worker.js runs the probe; data/default/smalltalk.tsv as in the .vsix (unless `withPairs` is false). */
function installFolder(withPairs: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 's2s-options-'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'worker.js'), `require(${JSON.stringify(PROBE)});\n`);
  if (withPairs) {
    mkdirSync(join(root, 'data', 'default'), { recursive: true });
    copyFileSync(join(REPO, 'data', 'default', 'smalltalk.tsv'), join(root, 'data', 'default', 'smalltalk.tsv'));
  }
  writeFileSync(join(root, 'mine.tsv'), 'hello\tmy own hello\nwhat is pluto\ta dwarf planet\n');
  return root;
}

const roots: string[] = [];

/** Runs the training command on mine.tsv in a fake install folder and returns what the worker received. */
async function probe(withPairs = true): Promise<{ report: ProbeReport; root: string; log: MemoryLog }> {
  const root = installFolder(withPairs);
  roots.push(root);
  const log = new MemoryLog();
  const session = { setTraining: () => undefined, refresh: () => undefined } as unknown as ChatSession;
  const store = { model: null } as unknown as ModelStore;
  const ctx = fakeContext(root) as vscode.ExtensionContext;
  const ctl = new TrainingController(ctx.extensionUri, store, session, log);
  try {
    await ctl.train(FakeUri.file(join(root, 'mine.tsv')) as unknown as vscode.Uri, { interactive: false });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    assert.ok(message.startsWith(PROBE_PREFIX), `expected the probe's report, got ${message}`);
    return { report: JSON.parse(message.slice(PROBE_PREFIX.length)) as ProbeReport, root, log };
  } finally {
    ctl.dispose();
  }
  throw new Error('expected the probe worker to end the training with its report');
}

describe('training options and pairs reaching the training worker', () => {
  beforeEach(() => settings.clear());
  after(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  test('by default the worker gets includeDefaultPairs true, the user pairs, and the default pairs read from the install folder', async () => {
    const { report, root } = await probe();
    assert.equal(report.options.includeDefaultPairs, true);
    assert.deepEqual(report.pairs.map((p) => [p.question, p.answer, p.line]), [['hello', 'my own hello', 1], ['what is pluto', 'a dwarf planet', 2]]);
    assert.equal(report.defaultPairsRoot, root);
    const expected = readDefaultPairs(REPO);
    assert.ok(expected.length > 20, `expected the embedded default pairs, got ${expected.length}`);
    assert.deepEqual(report.defaultPairs, expected.map((p) => ({ ...p })));
    assert.deepEqual(report.warnings, []);
  });

  test('includeDefaultPairs false: the option reaches the worker and no default pairs are read', async () => {
    settings.set('training.includeDefaultPairs', false);
    const { report } = await probe();
    assert.equal(report.options.includeDefaultPairs, false);
    assert.equal(report.defaultPairsRoot, null);
    assert.equal(report.defaultPairs, null);
    assert.equal(report.pairs.length, 2);
  });

  test('the other settings reach the worker as TrainOptions', async () => {
    for (const [k, v] of Object.entries({ 'model.kind': 'attention', 'model.hiddenSize': 24, 'training.epochs': 7, 'training.seed': 5, 'training.threads': 2 })) settings.set(k, v);
    const { report } = await probe();
    const o = report.options;
    assert.deepEqual([o.model, o.hidden, o.epochs, o.seed, o.threads, o.includeDefaultPairs], ['attention', 24, 7, 5, 2, true]);
  });

  test('an install folder without data/default/pairs.tsv: the user pairs train alone, with a warning naming the folder', async () => {
    const { report, root, log } = await probe(false);
    assert.equal(report.defaultPairs, null);
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0], new RegExp(`training without the default pairs: could not read them from ${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(log.lines.some((l) => l.startsWith('WARN training without the default pairs')), `expected the warning in the log, got:\n${log.lines.join('\n')}`);
  });
});
