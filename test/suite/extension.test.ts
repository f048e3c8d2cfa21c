/** In-host: activation, commands, settings and the webview message protocol as the extension sees them. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { validateWebviewMessage } from '../../src/chat/protocol';
import { activeExtension, manifest } from './helpers';

suite('extension activation and commands', () => {
  test('the extension activates in the host', async () => {
    const ext = await activeExtension();
    assert.equal(ext.isActive, true);
  });

  test('every contributed command is registered, under the Seq2Seq Chat category', async () => {
    const ext = await activeExtension();
    const all = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest(ext).contributes.commands;
    assert.ok(contributed.length >= 10, `expected at least 10 commands, got ${contributed.length}`);
    for (const c of contributed) {
      assert.ok(all.has(c.command), `expected ${c.command} to be registered`);
      assert.equal(c.category, 'Seq2Seq Chat');
    }
  });

  test('every setting has a description and a default, and VS Code resolved the %key% strings (package.nls.json)', async () => {
    const sections = manifest(await activeExtension()).contributes.configuration;
    for (const s of sections) assert.doesNotMatch(s.title, /^%.*%$/, `section title ${s.title}`);
    const props = Object.assign({}, ...sections.map((s) => s.properties)) as (typeof sections)[number]['properties'];
    const keys = Object.keys(props);
    assert.ok(keys.length >= 15, `expected at least 15 settings, got ${keys.length}`);
    for (const k of keys) {
      assert.ok(k.startsWith('seq2seqChat.'), k);
      const text = props[k].markdownDescription ?? '';
      assert.ok(text.length > 10 && !/^%.*%$/.test(text), `${k}: expected a description, got ${JSON.stringify(text)}`);
      assert.notEqual(props[k].default, undefined, `${k}: expected a default`);
    }
  });

  test('Open Chat in Editor opens a chat panel and Open Chat focuses the side view', async () => {
    assert.equal(await vscode.commands.executeCommand('seq2seqChat.openChatInEditor'), true);
    const labels = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    for (let waited = 0; waited < 10_000 && !labels().includes('Seq2Seq Chat'); waited += 100) await new Promise((r) => setTimeout(r, 100));
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(tabs.some((t) => t.label === 'Seq2Seq Chat'), `expected a Seq2Seq Chat tab, got ${tabs.map((t) => t.label).join(', ')}`);
    assert.equal(await vscode.commands.executeCommand('seq2seqChat.openChat'), true);
  });

  test('the diagnostics command reports activation time and event-loop delay', async () => {
    const d = await vscode.commands.executeCommand<{ activationMs: number; eventLoop: { p50: number; p99: number } }>('seq2seqChat.diagnostics');
    assert.ok(d && d.activationMs > 0 && d.activationMs < 10_000, `activationMs ${d?.activationMs}`);
    assert.ok(d.eventLoop.p99 >= d.eventLoop.p50);
  });
});

suite('webview message validation (as used by the extension)', () => {
  test('accepts a well-formed question', () => {
    const r = validateWebviewMessage({ type: 'ask', text: 'hello' });
    assert.deepEqual(r, { ok: true, message: { type: 'ask', text: 'hello' } });
  });
  test('rejects unknown types, wrong fields and oversized text', () => {
    for (const bad of [{ type: 'eval', code: '1' }, { type: 'ask', text: 3 }, { type: 'ask' }, { type: 'ask', text: 'x'.repeat(5000) }, { type: 'stop', extra: 1 }, 'ask', null]) {
      const r = validateWebviewMessage(bad);
      assert.equal(r.ok, false, `expected ${JSON.stringify(bad)} to be rejected`);
    }
  });
});
