/**
 * In-host: `@seq2seq` (extension/chatParticipant.ts) in code-server's extension host. The host's API has
 * vscode.chat.createChatParticipant, so the participant is registered; since code-server's Chat view runs no
 * request without a language model (last test), the handler is run through the hidden command
 * seq2seqChat.participantRequest with a recording stream, inside the same extension host.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, scratchFiles, TINY_PAIRS } from './helpers';

const REQUEST = 'seq2seqChat.participantRequest';

interface Recorded {
  readonly markdown: string[];
  readonly progress: string[];
  readonly result: { readonly metadata: { command: string; confidence?: number; unsure?: boolean; suggestions?: string[] }; readonly errorDetails?: { message: string } };
  readonly followups: { prompt: string; label?: string; command?: string }[];
}

const request = (prompt: string, command?: string, file?: vscode.Uri): Thenable<Recorded> => vscode.commands.executeCommand<Recorded>(REQUEST, prompt, command, file);
const text = (r: Recorded): string => r.markdown.join('').replace(/\\([!-/:-@[-`{-~])/g, '$1');

type FromChatView = { prompt: string; result: Recorded['result'] } | null;

/** The last request that came through the Chat view, polled for up to `ms`. */
async function fromChatView(ms: number): Promise<FromChatView> {
  for (let waited = 0; waited < ms; waited += 250) {
    const last = await vscode.commands.executeCommand<FromChatView>(REQUEST);
    if (last) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

suite('@seq2seq chat participant', () => {
  suiteSetup(async () => {
    await activeExtension();
    await vscode.commands.executeCommand('seq2seqChat.resetModel');
  });

  test('the host has the chat participant API, and the manifest declares @seq2seq with /train, /eval, /model', async () => {
    assert.equal(typeof vscode.chat?.createChatParticipant, 'function');
    const ext = await activeExtension();
    const p = (ext.packageJSON as { contributes: { chatParticipants: { name: string; commands: { name: string }[] }[] } }).contributes.chatParticipants[0];
    assert.deepEqual([p.name, p.commands.map((c) => c.name)], ['seq2seq', ['train', 'eval', 'model']]);
  });

  test('the handler answers like the chat webview (the same model, the same reply) and shows the confidence', async () => {
    const r = await request('hello');
    const webview = await vscode.commands.executeCommand<string>('seq2seqChat.ask', 'hello');
    assert.equal(r.result.metadata.unsure, false);
    assert.ok(text(r).startsWith(webview), `expected ${JSON.stringify(text(r))} to start with the webview's reply ${JSON.stringify(webview)}`);
    assert.match(r.markdown[r.markdown.length - 1], /Confidence: \d+ %/);
  });

  test('a question it is not sure of comes with "did you mean" followups that ask trained questions', async () => {
    // the fixture workspace shows every reply (threshold 0); the model's own threshold (null) applies here
    const settings = vscode.workspace.getConfiguration('seq2seqChat');
    const before = settings.inspect<number | null>('decoding.confidenceThreshold')?.workspaceValue;
    await settings.update('decoding.confidenceThreshold', null, vscode.ConfigurationTarget.Workspace);
    try {
      const r = await request('zorblax quantum pineapple');
      assert.equal(r.result.metadata.unsure, true);
      assert.ok(r.followups.length > 0, 'expected followups');
      assert.match(r.followups[0].label ?? '', /^Did you mean "/);
      const again = await request(r.followups[0].prompt);
      assert.equal(again.result.metadata.unsure, false, `expected the model to be sure of ${r.followups[0].prompt}`);
    } finally {
      await settings.update('decoding.confidenceThreshold', before, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('/model prints the model card of the default model', async () => {
    const r = await request('', 'model');
    assert.match(text(r), /model card/);
    assert.match(text(r), /\| model \| default model \|/);
    assert.match(text(r), /\| kind \| (simple|peeky|attention) \|/);
  });

  test('/eval on an attached pairs file runs the Evaluate command and reports its score', async () => {
    const files = scratchFiles({ 'check.tsv': 'hello\tnot what it says\n' });
    const r = await request('', 'eval', files['check.tsv']);
    assert.match(text(r), /^0\/1 answers exactly right on check\.tsv/);
    assert.deepEqual(r.progress, ['Evaluating on check.tsv (progress in the notification)…']);
  });

  test('/train on an attached pairs file runs the Train command; the new model answers and /model shows it', async function () {
    this.timeout(120_000);
    const files = scratchFiles({ 'chat.tsv': TINY_PAIRS });
    try {
      const r = await request('', 'train', files['chat.tsv']);
      assert.match(text(r), /^Trained on chat\.tsv: \d+ epochs, \d+ % exact matches/);
      assert.deepEqual(r.followups.map((f) => f.command), ['model']);
      assert.match(text(await request('bye')), /^see you/);
      assert.match(text(await request('', 'model')), /\| model \| trained on chat\.tsv \|[\s\S]*\| pairs \| 4( \+ \d+ small-talk pairs)? \|/);
    } finally {
      await vscode.commands.executeCommand('seq2seqChat.resetModel');
    }
  });

  // code-server 4.139.1 has the Chat view (revealed by "Chat: Use AI Features with Copilot…") and lists @seq2seq, but
  // every request there ends in "Language model unavailable" before any participant runs: the chat service wants a
  // language model for each request, and none is installed without a Copilot sign-in (docs/chat-participant.md).
  test('code-server 4.139.1: a query sent to its Chat view never reaches @seq2seq (no language model), so the tests above run the handler directly', async function () {
    this.timeout(60_000);
    const commands = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('workbench.action.chat.'));
    let opened: string;
    try {
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@seq2seq hello', isPartialQuery: false });
      opened = 'workbench.action.chat.open ran';
    } catch (err) {
      opened = `workbench.action.chat.open failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    const last = await fromChatView(15_000);
    console.log(`[participant] ${commands.length} workbench.action.chat.* commands; ${opened}; reached @seq2seq: ${last !== null}`);
    // When a host's Chat view does pass the query on, this fails: then ask through the Chat view here instead.
    assert.equal(last, null, 'the Chat view reached @seq2seq: this host can run chat requests now, test through it');
  });
});
