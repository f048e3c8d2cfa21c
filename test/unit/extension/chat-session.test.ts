/**
 * Replies users can trust (issue #9), extension side (extension/chatSession.ts): a reply the model is not
 * sure of is shown as the not-sure message with the closest trained questions as suggestions; sure replies
 * carry their confidence, and `cut` when they hit the length limit; seq2seqChat.decoding.confidenceThreshold
 * (clamped to [0, 1]) overrides the model's own verdict; the entries keep these fields in workspaceState.
 * Plain Node on a fake vscode, with a model stand-in that returns fixed replies.
 */
import { fakeContext, MemoryLog, settings } from '../reliability/fake-vscode';
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { notSureMessage, type Reply } from '../../../src/chat';
import { MAX_QUESTION_LENGTH, type ChatEntry, type ExtensionMessage } from '../../../src/chat/protocol';
import { ChatSession, presentReply } from '../../../extension/chatSession';
import type { ModelStore } from '../../../extension/modelStore';

function reply(text: string, over: Partial<Reply> = {}): Reply {
  const tokens = Array.from(text, (t) => ({ text: t, prob: 0.9 }));
  return { text, tokens, finished: true, cut: false, confidence: 0.9, sure: true, suggestions: [], ...over };
}

const UNSURE = reply('xq', { confidence: 0.12, sure: false, suggestions: ['hello', 'how are you', 'what is your name'] });
const SURE = reply('hi there', { confidence: 0.93 });
const CUT = reply('la la la…', { confidence: 0.7, finished: false, cut: true });

/** A session whose model answers each question with the reply given for it. */
function session(replies: Record<string, Reply>, context = fakeContext('/nonexistent')): { s: ChatSession; posted: ExtensionMessage[]; context: unknown } {
  const model = {
    kind: 'peeky',
    options: { tokenizer: 'word', hidden: 8, wordvec: 4 },
    reply: (q: string): Reply => {
      const r = replies[q];
      if (!r) throw new Error(`no canned reply for ${JSON.stringify(q)}`);
      return r;
    },
  };
  const current = { model, meta: { source: 'trained', label: 'canned' } };
  // A model this small answers on the host thread (ModelStore.reply), at once.
  const store = { model: current, reply: (m: typeof current, q: string): Reply => m.model.reply(q), answersOffThread: () => false } as unknown as ModelStore;
  const s = new ChatSession(context as vscode.ExtensionContext, store, new MemoryLog());
  const posted: ExtensionMessage[] = [];
  s.attach({ post: (m) => posted.push(m) });
  return { s, posted, context };
}

describe('presentReply: what the chat shows for a reply', () => {
  test('a sure reply is shown as is, with its confidence; cut only when cut', () => {
    assert.deepEqual(presentReply('hello', SURE, null), { text: 'hi there', facts: { confidence: 0.93 } });
    assert.deepEqual(presentReply('sing', CUT, null), { text: 'la la la…', facts: { confidence: 0.7, cut: true } });
  });

  test('a reply the model is not sure of becomes the not-sure message with the suggestions', () => {
    assert.deepEqual(presentReply('qwzx vbnm', UNSURE, null), {
      text: notSureMessage('qwzx vbnm'),
      facts: { confidence: 0.12, unsure: true, suggestions: ['hello', 'how are you', 'what is your name'] },
    });
    assert.equal(presentReply('こんにちはー', UNSURE, null).text, 'すみません、よくわかりません。');
  });

  test('a threshold overrides the model\'s verdict both ways: sure = confidence >= threshold', () => {
    assert.equal(presentReply('hello', SURE, 0.95).facts.unsure, true);
    assert.equal(presentReply('hello', SURE, 0.93).facts.unsure, undefined);
    assert.equal(presentReply('x', UNSURE, 0.1).text, 'xq');
    assert.equal(presentReply('x', UNSURE, 0).text, 'xq');
    assert.equal(presentReply('x', reply('y', { confidence: 1 }), 1).text, 'y');
  });

  test('suggestions are cut to 3, and blank or over-long ones (which an ask could not carry) are left out; none is fine', () => {
    const many = reply('?', { sure: false, suggestions: ['a', ' ', 'x'.repeat(MAX_QUESTION_LENGTH + 1), 'b', 'c', 'd'] });
    assert.deepEqual(presentReply('q', many, null).facts.suggestions, ['a', 'b', 'c']);
    assert.deepEqual(presentReply('q', reply('?', { sure: false }), null).facts, { confidence: 0.9, unsure: true, suggestions: [] });
  });

  test('a confidence outside [0, 1] or not a number is clamped (NaN counts as 0)', () => {
    assert.equal(presentReply('q', reply('y', { confidence: 1.5 }), null).facts.confidence, 1);
    assert.equal(presentReply('q', reply('y', { confidence: Number.NaN }), 0.5).facts.unsure, true);
  });
});

describe('the chat session with not-sure, sure and cut replies', () => {
  beforeEach(() => settings.clear());

  test('a not-sure reply streams the not-sure message and ends with unsure, confidence and suggestions', async () => {
    const { s, posted } = session({ 'qwzx vbnm plokij': UNSURE });
    const entry = await s.ask('qwzx vbnm plokij');
    const expected: ChatEntry = { id: entry.id, role: 'bot', text: notSureMessage('qwzx vbnm plokij'), confidence: 0.12, unsure: true, suggestions: ['hello', 'how are you', 'what is your name'] };
    assert.deepEqual(entry, expected);
    const streamed = posted.flatMap((m) => (m.type === 'token' && m.id === entry.id ? [m.text] : [])).join('');
    assert.equal(streamed, entry.text, 'the message is streamed like a reply');
    assert.deepEqual(posted.find((m) => m.type === 'replyEnd'), { type: 'replyEnd', entry: expected });
    s.dispose();
  });

  test('sure replies carry their confidence, and cut when they hit the length limit', async () => {
    const { s } = session({ hello: SURE, sing: CUT });
    assert.deepEqual(await s.ask('hello'), { id: 2, role: 'bot', text: 'hi there', confidence: 0.93 });
    assert.deepEqual(await s.ask('sing'), { id: 4, role: 'bot', text: 'la la la…', confidence: 0.7, cut: true });
    s.dispose();
  });

  test('seq2seqChat.decoding.confidenceThreshold 1 makes a sure reply not sure; out-of-range values are clamped', async () => {
    const { s } = session({ hello: SURE, off: UNSURE });
    settings.set('decoding.confidenceThreshold', 1);
    assert.equal((await s.ask('hello')).unsure, true);
    settings.set('decoding.confidenceThreshold', 7);
    assert.equal((await s.ask('hello')).text, notSureMessage('hello'));
    settings.set('decoding.confidenceThreshold', -3);
    assert.equal((await s.ask('off')).text, 'xq', 'clamped to 0: every reply is shown');
    settings.set('decoding.confidenceThreshold', null);
    assert.equal((await s.ask('off')).unsure, true, 'null: the model decides');
    settings.set('decoding.confidenceThreshold', 'high');
    assert.equal((await s.ask('hello')).unsure, undefined, 'not a number: the model decides');
    s.dispose();
  });

  test('a stopped reply keeps unsure and suggestions but is not marked cut', async () => {
    const { s } = session({ off: UNSURE, sing: CUT });
    const first = s.ask('off');
    s.stop();
    const e = await first;
    assert.equal(e.stopped, true);
    assert.equal(e.unsure, true);
    assert.deepEqual(e.suggestions, UNSURE.suggestions);
    const second = s.ask('sing');
    s.stop();
    const c = await second;
    assert.equal(c.stopped, true);
    assert.equal(c.cut, undefined);
    s.dispose();
  });

  test('the entries keep confidence, unsure, suggestions and cut across a reload (workspaceState)', async () => {
    const first = session({ off: UNSURE, sing: CUT });
    await first.s.ask('off');
    await first.s.ask('sing');
    first.s.dispose();
    await new Promise((r) => setImmediate(r));
    const again = session({}, first.context as ReturnType<typeof fakeContext>);
    const bots = again.s.state().entries.filter((e) => e.role === 'bot');
    assert.deepEqual(bots.map((e) => [e.unsure, e.suggestions, e.cut, e.confidence]), [
      [true, UNSURE.suggestions, undefined, 0.12],
      [undefined, undefined, true, 0.7],
    ]);
    again.s.dispose();
  });
});
