/**
 * `@seq2seq` in VS Code's Chat view (issue #15, extension/chatParticipant.ts): the handler answers with the
 * real default model (data/default/model.s2s, no stand-in), streams the reply escaped as text, shows the
 * confidence, offers the "did you mean" questions as followups when not sure, honours the cancellation
 * token and prints the model card; registration is feature-detected. Plain Node on the fake vscode.
 */
import { settings, vscodeStub, MemoryLog } from '../reliability/fake-vscode';
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { DEFAULT_MODEL_RELATIVE_PATH, deserializeModel, notSureMessage, type DecodeOptions, type Reply } from '../../../src/chat';
import {
  createChatHandler, escapeMarkdown, followupsFor, PARTICIPANT_ID, registerChatParticipant,
  type ParticipantRequest, type ParticipantResult, type ParticipantToken,
} from '../../../extension/chatParticipant';
import type { CurrentModel } from '../../../extension/modelStore';

const ROOT = join(__dirname, '../../../..');
const bytes = new Uint8Array(readFileSync(join(ROOT, DEFAULT_MODEL_RELATIVE_PATH)));
const model = deserializeModel(bytes, DEFAULT_MODEL_RELATIVE_PATH);
const current: CurrentModel = { model, meta: { source: 'default', label: 'default model' }, bytes };
const models = { model: current, ready: Promise.resolve(), loading: false, reply: (m: CurrentModel, q: string, d: DecodeOptions): Reply => m.model.reply(q, d) };

interface Token extends ParticipantToken {
  isCancellationRequested: boolean;
}
const token = (): Token => ({ isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) });

/** Runs one request; `onMarkdown` sees each markdown part as it is streamed. */
async function ask(prompt: string, command?: string, t: Token = token(), onMarkdown: (md: string) => void = () => undefined): Promise<{ parts: string[]; result: ParticipantResult }> {
  const parts: string[] = [];
  const stream = {
    markdown: (v: string | vscode.MarkdownString): void => {
      const md = typeof v === 'string' ? v : v.value;
      parts.push(md);
      onMarkdown(md);
    },
    progress: (): void => undefined,
  };
  const request: ParticipantRequest = { prompt, command, references: [] };
  const result = await createChatHandler({ models, log: new MemoryLog() })(request, stream, t);
  return { parts, result };
}

/** Undoes escapeMarkdown (backslash before ASCII punctuation, two spaces before a line break). */
const unescape = (md: string): string => md.replace(/ {2}\n/g, '\n').replace(/\\([!-/:-@[-`{-~])/g, '$1');

afterEach(() => settings.clear());

describe('escapeMarkdown', () => {
  test('every ASCII punctuation character is backslash-escaped, so model text cannot become markup', () => {
    const text = '<img src=x onerror=alert(1)> **bold** [link](http://x) `code` # h | t & _ ~ !';
    const md = escapeMarkdown(text);
    assert.equal(unescape(md), text);
    assert.doesNotMatch(md.replace(/\\[!-/:-@[-`{-~]/g, ''), /[!-/:-@[-`{-~]/, 'expected no unescaped punctuation left');
    assert.equal(escapeMarkdown('a\nb'), 'a  \nb');
  });
});

describe('@seq2seq answers with the current model', () => {
  test('a question the default model knows: its reply streamed in pieces, as text, then its confidence', async () => {
    const expected = model.reply('hello');
    assert.equal(expected.sure, true, 'precondition: the default model is sure of "hello"');
    const { parts, result } = await ask('hello');
    const footer = parts[parts.length - 1];
    assert.equal(unescape(parts.slice(0, -1).join('')), expected.text);
    assert.match(footer, new RegExp(`Confidence: ${Math.round(100 * expected.confidence)} %`));
    assert.deepEqual(result.metadata, { command: 'ask', confidence: expected.confidence, unsure: false, suggestions: [] });
    assert.deepEqual(followupsFor(result.metadata), []);
  });

  test('a question it is not sure of: the not-sure message, the closest trained questions listed and offered as followups that ask them', async () => {
    const question = 'zorblax quantum pineapple';
    const expected = model.reply(question);
    assert.equal(expected.sure, false, 'precondition: the default model is not sure of nonsense');
    assert.ok(expected.suggestions.length > 0, 'precondition: suggestions');
    const { parts, result } = await ask(question);
    assert.equal(unescape(parts[0]), notSureMessage(question));
    for (const q of expected.suggestions) assert.ok(parts[1].includes(`- ${escapeMarkdown(q)}`), `expected ${q} listed`);
    assert.match(parts[1], /Not sure: \d+ %/);
    const followups = followupsFor(result.metadata);
    assert.deepEqual(followups.map((f) => f.prompt), expected.suggestions);
    // each followup asks a trained question: the model is sure of it
    const again = await ask(followups[0].prompt);
    assert.equal(again.result.metadata.unsure, false);
  });

  test('seq2seqChat.decoding.confidenceThreshold applies as in the webview: 1 makes "hello" not sure', async () => {
    settings.set('decoding.confidenceThreshold', 1);
    const { result } = await ask('hello');
    assert.equal(result.metadata.unsure, true);
  });

  test('a cancelled request stops streaming: nothing after the cancel, no confidence line', async () => {
    const pieces = (await ask('hello')).parts.length - 1;
    assert.ok(pieces > 1, `precondition: "hello" streams in several pieces, got ${pieces}`);
    const t = token();
    const { parts, result } = await ask('hello', undefined, t, () => (t.isCancellationRequested = true));
    assert.equal(parts.length, 1);
    assert.equal(result.metadata.stopped, true);
    const before = token();
    before.isCancellationRequested = true;
    assert.deepEqual((await ask('hello', undefined, before)).parts, []);
  });

  test('an empty prompt gets the help, which names the three commands', async () => {
    const { parts } = await ask('   ');
    for (const c of ['/train', '/eval', '/model']) assert.ok(parts.join('').includes(c), `expected ${c} in the help`);
  });

  test('/model prints the model card from the model itself', async () => {
    const { parts } = await ask('', 'model');
    const card = parts.join('');
    const r = model.report;
    assert.ok(r, 'precondition: the default model has a training report');
    assert.match(card, new RegExp(`\\| kind \\| ${model.kind} \\|`));
    assert.match(card, new RegExp(`\\| vocabulary \\| ${model.vocabularySize()} answer tokens`));
    assert.match(card, new RegExp(`\\| pairs \\| ${r.pairs}\\b`));
    assert.match(card, new RegExp(`\\| epochs \\| ${r.epochs} \\(${r.stoppedBy}\\)`));
    assert.match(card, new RegExp(`\\| accuracy \\| ${Math.round(100 * r.accuracy)} % exact matches`));
  });
});

describe('followupsFor', () => {
  test('ignores metadata it did not write', () => {
    assert.deepEqual(followupsFor(undefined), []);
    assert.deepEqual(followupsFor({ command: 'ask', unsure: true, suggestions: [1, 2] }), []);
    assert.deepEqual(followupsFor({ command: 'ask', unsure: false, suggestions: ['hello'] }), []);
  });
  test('after a completed /train it offers the model card', () => {
    assert.deepEqual(followupsFor({ command: 'train', trained: true }).map((f) => f.command), ['model']);
  });
});

describe('registerChatParticipant', () => {
  const stub = vscodeStub as unknown as Record<string, unknown> & { commands: Record<string, unknown> };
  stub.commands.registerCommand = (id: string) => ({ id, dispose: () => undefined });
  const context = (): vscode.ExtensionContext => ({ subscriptions: [], extensionUri: vscodeStub.Uri.file('/ext') }) as unknown as vscode.ExtensionContext;

  test('without vscode.chat: no participant, a log line, nothing else breaks', () => {
    stub.chat = undefined;
    const log = new MemoryLog();
    const ctx = context();
    registerChatParticipant(ctx, { models, log });
    assert.deepEqual(ctx.subscriptions.map((d) => (d as { id?: string }).id), ['seq2seqChat.participantRequest']);
    assert.ok(log.lines.some((l) => /no chat participant API/.test(l)));
  });

  test('with vscode.chat.createChatParticipant: @seq2seq registered, with followups, on context.subscriptions', async () => {
    const created: { id: string; followupProvider?: vscode.ChatFollowupProvider; dispose(): void }[] = [];
    stub.chat = { createChatParticipant: (id: string) => (created.push({ id, dispose: () => undefined }), created[created.length - 1]) };
    const ctx = context();
    registerChatParticipant(ctx, { models, log: new MemoryLog() });
    stub.chat = undefined;
    assert.equal(created.length, 1);
    assert.equal(created[0].id, PARTICIPANT_ID);
    assert.ok(ctx.subscriptions.includes(created[0]));
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { chatParticipants: { id: string; name: string; commands: { name: string }[] }[] } };
    const p = manifest.contributes.chatParticipants[0];
    assert.deepEqual([p.id, p.name, p.commands.map((c) => c.name)], [PARTICIPANT_ID, 'seq2seq', ['train', 'eval', 'model']]);
    const followups = await created[0].followupProvider?.provideFollowups({ metadata: { command: 'ask', unsure: true, suggestions: ['hello'] } }, { history: [] }, token() as vscode.CancellationToken);
    assert.deepEqual(followups, [{ prompt: 'hello', label: 'Did you mean "hello"?' }]);
  });
});
