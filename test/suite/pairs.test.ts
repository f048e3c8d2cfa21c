/**
 * In-host: the `pairs` language (issue #12 item 2). New Pairs File writes real tabs; pairs files keep tabs
 * (the Tab key in a real editor inserts one); every bad line shows in the Problems panel with the message
 * training gives; the quick fix turns the spaces typed for a tab into one; the file a user trains on opens
 * as `pairs` from then on.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { PairFileError, readPairs } from '../../src/data';
import { activeExtension, applySettings, FAST_SETTINGS, restoreSettings, scratchFiles, TINY_PAIRS } from './helpers';

const SOURCE = 'Seq2Seq Chat';

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** The reason training gives for this one line. */
function trainingReason(line: string): string {
  try {
    readPairs(new TextEncoder().encode(line), 'x.tsv');
  } catch (e) {
    if (e instanceof PairFileError) return e.reason;
  }
  throw new Error(`expected ${JSON.stringify(line)} to fail`);
}

suite('pairs files', () => {
  test('pairs files keep tabs: insertSpaces off, whitespace shown (configurationDefaults)', async () => {
    await activeExtension();
    const editor = vscode.workspace.getConfiguration('editor', { languageId: 'pairs' });
    assert.equal(editor.get('insertSpaces'), false);
    assert.equal(editor.get('renderWhitespace'), 'all');
    assert.equal(editor.get('detectIndentation'), false);
  });

  test('New Pairs File writes a sample with real tabs that trains without a problem, and the Tab key inserts a tab', async () => {
    const dir = scratchFiles({ 'keep.txt': '' });
    const target = vscode.Uri.joinPath(dir['keep.txt'], '..', 'faq.pairs.tsv');
    const created = await vscode.commands.executeCommand<string>('seq2seqChat.newPairsFile', target);
    assert.equal(created, target.toString());
    const text = readFileSync(target.fsPath, 'utf8');
    const pairs = readPairs(new TextEncoder().encode(text), 'faq.pairs.tsv');
    assert.ok(pairs.pairs.length >= 5, `expected a sample of at least 5 pairs, got ${pairs.pairs.length}`);
    assert.deepEqual(pairs.warnings, []);
    const editor = await until('the new file in an editor', () => (vscode.window.activeTextEditor?.document.uri.fsPath === target.fsPath ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.document.languageId, 'pairs');
    assert.equal(editor.options.insertSpaces, false, 'the editor of a pairs file inserts tabs');
    // The Tab key, as a user types it: a question, Tab, an answer.
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(end, end);
    await vscode.commands.executeCommand('type', { text: 'typed question' });
    await vscode.commands.executeCommand('tab');
    await vscode.commands.executeCommand('type', { text: 'typed answer' });
    const last = editor.document.lineAt(editor.document.lineCount - 1).text;
    assert.equal(last, 'typed question\ttyped answer');
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(ours(target).map((d) => d.message), [], 'no problem in the sample');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('every bad line shows in the Problems panel with the message training gives; the quick fix puts a tab', async () => {
    const lines = ['hello\thi', 'how are you    fine thanks', 'a\tb\tc', 'where is it  over there', 'hello\thi', 'cat\tねこ'];
    const files = scratchFiles({ 'typed.pairs.tsv': lines.join('\n') + '\n' });
    const uri = files['typed.pairs.tsv'];
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'pairs');
    await vscode.window.showTextDocument(doc);
    const problems = await until('diagnostics', () => (ours(uri).length > 0 ? ours(uri) : undefined));
    assert.deepEqual(
      problems.map((d) => [d.range.start.line + 1, d.severity, d.message]),
      [
        [2, vscode.DiagnosticSeverity.Error, trainingReason(lines[1])],
        [3, vscode.DiagnosticSeverity.Error, trainingReason(lines[2])],
        [4, vscode.DiagnosticSeverity.Error, trainingReason(lines[3])],
        [5, vscode.DiagnosticSeverity.Warning, 'duplicate of line 1'],
      ],
    );
    assert.match(problems[0].message, /this line has spaces where a tab is expected/);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, problems[0].range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Replace the spaces with a tab on all 2 such lines'), `expected a fix-all action, got ${titles.join(' | ')}`);
    const fix = actions.find((a) => a.title === 'Replace the spaces with a tab');
    assert.ok(fix?.edit, `expected the quick fix, got ${titles.join(' | ')}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.equal(doc.lineAt(1).text, 'how are you\tfine thanks');
    const after = await until('diagnostics after the fix', () => (ours(uri).length === 3 ? ours(uri) : undefined));
    assert.deepEqual(after.map((d) => d.range.start.line + 1), [3, 4, 5]);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a file of 100,000 lines is checked without holding the host: other work runs between its slices', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(i % 1000 === 7 ? `question ${i}    spaces` : `question ${i}\tanswer ${i % 97}`);
    const files = scratchFiles({ 'big.pairs.tsv': lines.join('\n') });
    const t0 = Date.now();
    // Opening (VS Code's own document sync) is not ours to measure; the check starts right after.
    await vscode.workspace.openTextDocument(files['big.pairs.tsv']);
    let ticks = 0;
    let longest = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      longest = Math.max(longest, now - last);
      last = now;
      ticks++;
    }, 10);
    try {
      const problems = await until('diagnostics of the big file', () => (ours(files['big.pairs.tsv']).length > 0 ? ours(files['big.pairs.tsv']) : undefined), 60_000);
      assert.equal(problems.length, 100);
    } finally {
      clearInterval(timer);
    }
    console.log(`[pairs] 100,000 lines opened and checked in ${Date.now() - t0} ms; a 10 ms timer ran ${ticks} times, longest gap ${longest} ms`);
    assert.ok(longest < 1000, `expected the host to stay responsive (longest gap between 10 ms ticks < 1000 ms), got ${longest} ms`);
  });

  test('a .tsv file the user trains on opens as a pairs file from then on', async () => {
    const files = scratchFiles({ 'mine.tsv': TINY_PAIRS });
    const before = await vscode.workspace.openTextDocument(files['mine.tsv']);
    assert.notEqual(before.languageId, 'pairs', 'a plain .tsv is not a pairs file until it is trained on');
    await applySettings({ ...FAST_SETTINGS, 'training.epochs': 2 });
    try {
      const r = await vscode.commands.executeCommand<{ status: string }>('seq2seqChat.train', files['mine.tsv'], { interactive: false });
      assert.equal(r?.status, 'completed');
    } finally {
      await restoreSettings(FAST_SETTINGS);
    }
    const key = files['mine.tsv'].toString();
    await until('the open document to become pairs', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && d.languageId === 'pairs'));
    await vscode.commands.executeCommand('seq2seqChat.resetModel');
  });
});
