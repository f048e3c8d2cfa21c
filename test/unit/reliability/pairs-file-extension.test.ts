/**
 * The extension's pairs-file reading (extension/pairsFile.ts `loadPairs`, extension/settings.ts
 * `readPairLimits`) on a fake vscode: the `seq2seqChat.limits.*` settings are applied, an oversized file
 * is refused from its size before it is read, limit errors name the setting, a broken setting falls back
 * to the default, and errors that concern the whole file offer "Open File" (there is no line 0).
 */
import { settings } from './fake-vscode';
import { after, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as vscode from 'vscode';
import { DEFAULT_PAIR_LIMITS } from '../../../src/data';
import { UserFacingError } from '../../../extension/log';
import { loadPairs } from '../../../extension/pairsFile';
import { readPairLimits } from '../../../extension/settings';
import { FakeUri } from './fake-vscode';

const DIR = mkdtempSync(join(tmpdir(), 's2s-pairsfile-'));
/** The real worker script: the extension parses pairs files there (dist/worker.js is its bundle). */
const WORKER = join(__dirname, '../../../src/worker/trainWorker.js');
const file = (name: string, text: string): vscode.Uri => {
  writeFileSync(join(DIR, name), text);
  return FakeUri.file(join(DIR, name)) as unknown as vscode.Uri;
};

async function failure(uri: vscode.Uri): Promise<UserFacingError> {
  try {
    await loadPairs(uri, WORKER);
  } catch (e) {
    assert.ok(e instanceof UserFacingError, `expected UserFacingError, got ${String(e)}`);
    return e;
  }
  throw new Error('expected loadPairs to fail');
}

describe('pairs files in the extension', () => {
  beforeEach(() => settings.clear());
  after(() => rmSync(DIR, { recursive: true, force: true }));

  test('the limits settings are applied, and their errors name the setting', async () => {
    settings.set('limits.maxPairs', 2);
    const e = await failure(file('three.tsv', 'a\tb\nc\td\ne\tf\n'));
    assert.match(e.message, /three\.tsv:3: more than 2 pairs \(limit maxPairs; change it with --max-pairs or the setting seq2seqChat\.limits\.maxPairs\)/);
    assert.equal(e.action?.label, 'Open File at Line 3');
  });

  test('a file over maxFileBytes is refused from its size, before it is read', async () => {
    settings.set('limits.maxFileBytes', 10);
    const e = await failure(file('big.tsv', 'question\tanswer\n'));
    assert.match(e.message, /big\.tsv: file is 16 bytes, over the limit of 10 \(limit maxFileBytes; .*seq2seqChat\.limits\.maxFileBytes\)/);
  });

  test('a FIFO or a folder is refused from its type before anything is read (a FIFO would block forever)', async () => {
    const fifo = join(DIR, 'pipe.tsv');
    execFileSync('mkfifo', [fifo]);
    const t0 = performance.now();
    const e = await failure(FakeUri.file(fifo) as unknown as vscode.Uri);
    assert.match(e.message, /pipe\.tsv: expected a regular file, got not a regular file \(a pipe, socket or device\)/);
    assert.ok(performance.now() - t0 < 2000, 'refused at once');
    mkdirSync(join(DIR, 'folder.tsv'));
    assert.match((await failure(FakeUri.file(join(DIR, 'folder.tsv')) as unknown as vscode.Uri)).message, /folder\.tsv: expected a regular file, got a folder/);
  });

  test('a large file is parsed in the worker: the calling thread\'s event loop stays responsive, and its summary comes back', async () => {
    // ~20 MB of pairs (the default limit is 50 MB): parsing it in place blocked the thread for seconds.
    const line = (i: number): string => `question number ${i} about something\tanswer number ${i % 1000} with some words\n`;
    const lines: string[] = [];
    for (let i = 0; i < 190_000; i++) lines.push(line(i));
    const uri = file('large.tsv', lines.join(''));
    const monitor = monitorEventLoopDelay({ resolution: 10 });
    monitor.enable();
    const { summary } = await loadPairs(uri, WORKER);
    monitor.disable();
    assert.equal(summary.pairs, 190_000);
    assert.equal(summary.format, 'tsv');
    assert.match(summary.dataHash, /^[0-9a-f]{64}$/);
    const maxMs = monitor.max / 1e6;
    assert.ok(maxMs < 200, `event loop blocked for ${maxMs.toFixed(0)} ms while the file was parsed`);
  });

  test('a setting that is not a positive integer falls back to the default', () => {
    settings.set('limits.maxLineLength', -5);
    settings.set('limits.maxPairs', 2.5);
    settings.set('limits.maxFieldLength', 'many');
    assert.deepEqual(readPairLimits(), DEFAULT_PAIR_LIMITS);
  });

  test('an error about the whole file offers "Open File", not "Open File at Line 0"', async () => {
    const e = await failure(file('comments.tsv', '# nothing here\n'));
    assert.match(e.message, /comments\.tsv: no pairs found/);
    assert.equal(e.action?.label, 'Open File');
  });
});
