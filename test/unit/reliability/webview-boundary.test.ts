/**
 * The webview boundary (src/chat/protocol.ts `validateWebviewMessage`, extension/chatWebview.ts
 * `connectWebview`, extension/chatSession.ts): every message a webview sends is validated; unknown types,
 * missing or wrong-typed fields, extra fields and oversized strings are dropped with one log line and
 * never throw (unit cases plus fast-check random objects). A burst of 1,000 questions through the real
 * controller is answered completely and in order. Runs the extension code in plain Node on a fake vscode.
 */
import { clipboard, fakeContext, MemoryLog } from './fake-vscode';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_CORRECTION_LENGTH, MAX_QUESTION_LENGTH, validateWebviewMessage, type ExtensionMessage } from '../../../src/chat/protocol';
import { trainChatModel, type ChatModel, type DecodeOptions } from '../../../src/chat';
import { ChatSession, presentReply } from '../../../extension/chatSession';
import { connectWebview } from '../../../extension/chatWebview';
import type { ModelStore } from '../../../extension/modelStore';
import type * as vscode from 'vscode';

interface Harness {
  readonly send: (raw: unknown) => void;
  readonly posted: ExtensionMessage[];
  readonly log: MemoryLog;
  readonly actions: string[];
  readonly session: ChatSession;
}

function harness(model: ChatModel | null): Harness {
  const log = new MemoryLog();
  const posted: ExtensionMessage[] = [];
  const actions: string[] = [];
  let listener: ((raw: unknown) => void) | undefined;
  const webview = {
    onDidReceiveMessage: (l: (raw: unknown) => void) => {
      listener = l;
      return { dispose: () => (listener = undefined) };
    },
    postMessage: (m: ExtensionMessage) => {
      posted.push(m);
      return Promise.resolve(true);
    },
  };
  // A model this small answers on the host thread (ModelStore.reply), at once.
  const store = {
    model: model ? { model, meta: { source: 'trained', label: 'test model' } } : null,
    reply: (m: { model: ChatModel }, q: string, d: DecodeOptions) => m.model.reply(q, d),
    answersOffThread: () => false,
  } as unknown as ModelStore;
  const session = new ChatSession(fakeContext('/nonexistent') as vscode.ExtensionContext, store, log);
  connectWebview(webview as unknown as vscode.Webview, session, {
    train: () => actions.push('train'), useDefault: () => actions.push('useDefault'), showLog: () => actions.push('showLog'),
    newChat: () => actions.push('newChat'), newPairsFile: () => actions.push('newPairsFile'),
    confirm: (id) => actions.push(`confirm ${id}`), correct: (id, text) => actions.push(`correct ${id} ${text}`),
    why: (id) => actions.push(`why ${id}`), dashboard: () => actions.push('dashboard'),
  }, log, 'test');
  return {
    send: (raw) => {
      if (!listener) throw new Error('not connected');
      listener(raw);
    },
    posted,
    log,
    actions,
    session,
  };
}

let trained: ChatModel | undefined;
async function model(): Promise<ChatModel> {
  if (!trained) {
    const pairs = ['hello', 'how are you', 'what is your name', 'bye'].map((q, i) => ({ question: q, answer: ['hi there', 'fine thanks', 'seq2seq bot', 'see you'][i], line: i + 1 }));
    trained = (await trainChatModel(pairs, { hidden: 24, wordvec: 8, epochs: 150, batchSize: 4, patience: 0 })).model;
  }
  return trained;
}

describe('webview messages are validated at the boundary', () => {
  test('unknown types, missing or wrong-typed fields, extra fields and oversized strings are dropped with one log line each', () => {
    const h = harness(null);
    const bad: unknown[] = [
      undefined, null, 0, 'ask', [], [{ type: 'ask', text: 'x' }], {}, { type: 1 }, { type: 'nope' }, { type: '__proto__' }, { type: 'toString' },
      { type: 'ask' }, { type: 'ask', text: 5 }, { type: 'ask', text: null }, { type: 'ask', text: ['x'] }, { type: 'ask', text: 'x', extra: 1 },
      { type: 'ask', text: 'x'.repeat(MAX_QUESTION_LENGTH + 1) }, { type: 'ask', text: 'x'.repeat(5_000_000) }, { type: 'ready', text: 'x' },
      { type: 'x'.repeat(1_000_000) }, JSON.parse('{"type":"ask","text":"x","__proto__":{"polluted":true}}'),
    ];
    for (const raw of bad) assert.doesNotThrow(() => h.send(raw));
    const warnings = h.log.lines.filter((l) => l.startsWith('WARN dropped invalid message'));
    assert.equal(warnings.length, bad.length, h.log.lines.join('\n'));
    assert.ok(warnings.every((l) => l.length < 400), 'log lines stay short even for megabyte-long input');
    assert.deepEqual(h.posted, [], 'nothing reached the session');
    assert.deepEqual(h.actions, []);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('fast-check: random values are either valid messages (handled) or dropped with a log line; nothing throws', () => {
    const h = harness(null);
    const known = fc.constantFrom('ready', 'ask', 'stop', 'train', 'useDefault', 'newChat', 'showLog', 'newPairsFile');
    const nearlyValid = fc.record(
      { type: fc.oneof(known, fc.string({ maxLength: 12 })), text: fc.oneof(fc.string({ maxLength: 50 }), fc.anything(), fc.string({ minLength: MAX_QUESTION_LENGTH - 2, maxLength: MAX_QUESTION_LENGTH + 2 })), extra: fc.anything() },
      { requiredKeys: [] },
    );
    const valid = fc.oneof(
      known.map((type) => (type === 'ask' ? { type, text: 'hello' } : { type })),
      fc.string({ maxLength: MAX_QUESTION_LENGTH }).map((text) => ({ type: 'ask', text })),
    );
    let tried = 0;
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(fc.anything(), nearlyValid, fc.object(), valid), (raw) => {
        tried++;
        const before = h.log.lines.length;
        const verdict = validateWebviewMessage(raw);
        assert.doesNotThrow(() => h.send(raw));
        const logged = h.log.lines.slice(before).filter((l) => l.startsWith('WARN dropped invalid message')).length;
        if (verdict.ok) {
          accepted++;
          assert.equal(logged, 0);
          // An accepted message has exactly its declared fields, of the right types.
          const m = verdict.message;
          assert.deepEqual(Object.keys(m).sort(), m.type === 'ask' ? ['text', 'type'] : ['type']);
          if (m.type === 'ask') assert.ok(typeof m.text === 'string' && m.text.length <= MAX_QUESTION_LENGTH);
        } else assert.equal(logged, 1, `expected one log line for ${verdict.reason}`);
      }),
      { numRuns: 3000, seed: 11 },
    );
    console.log(`reliability/webview-boundary: ${tried} random messages, ${accepted} valid (handled), ${tried - accepted} dropped with a log line, 0 thrown`);
  });
});

describe('the empty state\'s and the replies\' buttons (issue #12)', () => {
  test('New chat and Create a sample pairs file run their commands; Copy copies the entry\'s own text, looked up by id', async () => {
    const h = harness(await model());
    h.send({ type: 'newChat' });
    h.send({ type: 'newPairsFile' });
    assert.deepEqual(h.actions, ['newChat', 'newPairsFile']);
    const reply = await h.session.ask('hello');
    const before = clipboard.length;
    h.send({ type: 'copy', id: reply.id });
    h.send({ type: 'copy', id: 987654 });
    h.send({ type: 'copy', id: -1 });
    h.send({ type: 'copy', id: reply.id, text: 'smuggled' });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(clipboard.slice(before), [reply.text], 'only the existing entry is copied; no text crosses the boundary');
    assert.equal(h.log.lines.filter((l) => l.startsWith('WARN dropped invalid message')).length, 2);
  });

  test('users\' questions and replies are logged at the Debug level only, never at Info', async () => {
    const h = harness(await model());
    const reply = await h.session.ask('what is your name');
    const info = h.log.lines.filter((l) => !l.startsWith('DEBUG'));
    assert.ok(info.some((l) => /^INFO reply in [\d.]+ ms \(test model, confidence/.test(l)), info.join('\n'));
    assert.ok(info.every((l) => !l.includes('what is your name') && !l.includes(reply.text)), info.join('\n'));
    assert.ok(h.log.lines.some((l) => l.startsWith('DEBUG') && l.includes('"what is your name"')));
  });

  test('the state carries the model card and example questions for the welcome screen', async () => {
    const h = harness(await model());
    const state = h.session.state();
    assert.ok(state.model);
    assert.equal(state.model.card?.[0], 'test model (trained)');
    assert.ok(state.model.card?.some((l) => /^4 pairs, \d+ epochs? \(/.test(l)), state.model.card?.join(' | '));
    assert.deepEqual([...(state.model.examples ?? [])].sort(), ['bye', 'hello', 'how are you', 'what is your name']);
  });
});

describe('👍 / 👎 on a reply', () => {
  test('confirm and correct reach the extension with a whole-number id and a non-blank answer; anything else is dropped', () => {
    const h = harness(null);
    h.send({ type: 'confirm', id: 3 });
    h.send({ type: 'correct', id: 4, text: 'a better answer' });
    const bad: unknown[] = [
      { type: 'confirm' }, { type: 'confirm', id: -1 }, { type: 'confirm', id: 1.5 }, { type: 'confirm', id: '3' }, { type: 'confirm', id: 3, text: 'x' },
      { type: 'correct', id: 4 }, { type: 'correct', id: 4, text: '' }, { type: 'correct', id: 4, text: ' \n ' }, { type: 'correct', id: 4, text: 7 },
      { type: 'correct', id: 4, text: 'x'.repeat(MAX_CORRECTION_LENGTH + 1) }, { type: 'correct', id: Number.MAX_VALUE, text: 'x' },
    ];
    for (const raw of bad) h.send(raw);
    assert.deepEqual(h.actions, ['confirm 3', 'correct 4 a better answer']);
    assert.equal(h.log.lines.filter((l) => l.startsWith('WARN dropped invalid message')).length, bad.length, h.log.lines.join('\n'));
  });

  test('the session marks a finished reply and returns the question it answered; a question or an unknown id is refused', async () => {
    const h = harness(await model());
    const reply = await h.session.ask('how are you');
    const asked = h.session.state().entries.find((e) => e.role === 'user');
    assert.deepEqual(h.session.markFeedback(reply.id, 'corrected'), { question: 'how are you', reply: reply.text });
    const update = h.posted.find((p) => p.type === 'update');
    assert.deepEqual(update, { type: 'update', entry: { ...reply, feedback: 'corrected' } });
    assert.equal(h.session.state().entries.find((e) => e.id === reply.id)?.feedback, 'corrected');
    assert.throws(() => h.session.markFeedback(asked?.id ?? -1, 'confirmed'), /expected the id of a finished reply, got \d+ \(a user\)/);
    assert.throws(() => h.session.markFeedback(9999, 'confirmed'), /expected the id of a finished reply, got 9999/);
  });
});

describe('a burst of questions through the chat controller', () => {
  test('1,000 questions sent at once are all answered, completely and in order', async () => {
    const m = await model();
    const h = harness(m);
    const questions = Array.from({ length: 1000 }, (_, i) => ['hello', 'how are you', 'what is your name', 'bye', `question number ${i}`][i % 5]);
    // What the chat shows: the reply, or the not-sure message when the model is not sure of it.
    const expected = questions.map((q) => presentReply(q, m.reply(q), null).text);
    const finished: ChatEntryLike[] = [];
    type ChatEntryLike = { id: number; text: string; stopped?: boolean };
    const done = new Promise<void>((resolve) => {
      h.session.onDidFinishReply((e) => {
        finished.push(e);
        if (finished.length === questions.length) resolve();
      });
    });
    const t0 = performance.now();
    for (const q of questions) h.send({ type: 'ask', text: q });
    await done;
    const ms = performance.now() - t0;
    const users = h.posted.flatMap((p) => (p.type === 'entry' && p.entry.role === 'user' ? [p.entry] : []));
    const ends = h.posted.flatMap((p) => (p.type === 'replyEnd' ? [p.entry] : []));
    assert.deepEqual(users.map((u) => u.text), questions, 'every question shown, in order');
    assert.equal(ends.length, questions.length);
    const stopped = ends.filter((e) => e.stopped).length;
    const wrong = ends.filter((e, i) => e.text !== expected[i]).length;
    assert.equal(stopped, 0, 'no reply cut short by the next question');
    assert.equal(wrong, 0, 'every reply complete');
    for (let i = 1; i < ends.length; i++) assert.ok(ends[i].id > ends[i - 1].id && ends[i].id > users[i].id, 'replies in order, each after its question');
    // Each reply's streamed tokens add up to the reply.
    const streamed = new Map<number, string>();
    for (const p of h.posted) if (p.type === 'token') streamed.set(p.id, (streamed.get(p.id) ?? '') + p.text);
    assert.ok(ends.every((e) => (streamed.get(e.id) ?? '') === e.text), 'streamed tokens equal each final reply');
    console.log(`reliability/webview-boundary: 1,000 questions in a burst answered completely and in order in ${ms.toFixed(0)} ms (${(ms / 1000).toFixed(2)} ms per question), 0 cut short, 0 lost`);
  });
});
