/**
 * A model of the book's character tasks (trained from a fixed-width file, or with --characters) in the
 * extension (issue #11): the chat panel, @seq2seq and Evaluate decode and count its replies as
 * `seq2seq-chat chat` and `eval` do (src/chat/defaults.ts `decodeFor`, applied by extension/modelStore.ts and
 * the Evaluate command): free greedy generation, every reply shown as an answer and never "not sure", whatever
 * seq2seqChat.decoding.constrained says; seq2seqChat.decoding.confidenceThreshold, when set, still judges the
 * replies, as --threshold does. A dialog model keeps the decoding settings. Plain Node on the fake vscode,
 * with the real ModelStore (replying here and in the reply worker), chat session, @seq2seq handler, Evaluate
 * command and worker, and a copy-task model trained here in seconds (as test/unit/cli/fixed-width.test.ts).
 */
import { commands, fakeContext, MemoryLog, settings } from '../reliability/fake-vscode';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { isCharacterTask, notSureMessage, type ChatModel, type Reply } from '../../../src/chat';
import { createChatHandler } from '../../../extension/chatParticipant';
import { ChatSession } from '../../../extension/chatSession';
import { registerTrainingCommands, type Services } from '../../../extension/commands';
import { ModelStore } from '../../../extension/modelStore';
import { copyLines, copyTaskModel, twoTinyModels } from '../helpers/tiny-model';

const WORKER = join(__dirname, '../../../src/worker/trainWorker.js');
const TMP = mkdtempSync(join(tmpdir(), 's2s-character-task-'));

/** What `seq2seq-chat chat` prints for a character task (decodeFor: free greedy, threshold 0 unless given). */
function cliReply(model: ChatModel, question: string, threshold = 0): Reply {
  return model.reply(question, { strategy: 'greedy', constrained: false, threshold });
}

let folders = 0;
/** Every store and session made, disposed after the tests (a failed test leaves no reply worker running). */
const opened: { dispose(): void }[] = [];
/** A store holding `model` (answering in the reply worker when `offThread`), and a chat session on it. */
async function setup(model: ChatModel, bytes: Uint8Array, offThread = false): Promise<{ store: ModelStore; session: ChatSession; log: MemoryLog; ctx: vscode.ExtensionContext }> {
  const root = join(TMP, `ext${folders++}`);
  mkdirSync(join(root, 'global'), { recursive: true });
  const ctx = fakeContext(root) as vscode.ExtensionContext;
  const log = new MemoryLog();
  const store = offThread ? new ModelStore(ctx, log, WORKER, () => true) : new ModelStore(ctx, log);
  await store.replace(model, { source: 'imported', label: 'copy.s2s' }, bytes);
  const session = new ChatSession(ctx, store, log);
  opened.push(session, store);
  return { store, session, log, ctx };
}

/** `question` asked of @seq2seq on `store`'s model: the markdown pieces it streamed, and its result. */
async function askParticipant(store: ModelStore, question: string): Promise<{ parts: string[]; result: Awaited<ReturnType<ReturnType<typeof createChatHandler>>> }> {
  const parts: string[] = [];
  const stream = { markdown: (v: string | vscode.MarkdownString): void => void parts.push(typeof v === 'string' ? v : v.value), progress: (): void => undefined };
  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };
  const result = await createChatHandler({ models: store, log: new MemoryLog() })({ prompt: question, command: undefined, references: [] }, stream, token);
  return { parts, result };
}

describe('a character-task model in the extension: replies and counts as the CLI gives them', () => {
  let model: ChatModel;
  let bytes: Uint8Array;
  /** New words the model copies right with free generation (constrained replies could never give them). */
  let right: string[];
  let fresh: string[];
  before(async () => {
    ({ model, bytes, fresh: fresh } = await copyTaskModel());
    assert.ok(isCharacterTask(model.options), 'precondition: trained as the CLI trains a fixed-width file');
    right = fresh.filter((w) => cliReply(model, w).text === w);
    assert.ok(right.length > 0, 'precondition: some new words are copied right by free generation');
  });
  beforeEach(() => settings.clear());
  after(() => {
    for (const d of opened) d.dispose();
    rmSync(TMP, { recursive: true, force: true });
  });

  for (const offThread of [false, true]) {
    test(`the chat panel shows every free greedy reply as an answer, with the decoding settings at their defaults (${offThread ? 'in the reply worker' : 'on this thread'})`, async () => {
      const { session } = await setup(model, bytes, offThread);
      // What the panel showed before for a new word copied right: a trained answer, or "not sure" with suggestions.
      const dialog = model.reply(right[0], { strategy: 'greedy' });
      assert.ok(dialog.text !== right[0] || !dialog.sure, 'precondition: the dialog decoding does not give it');
      for (const w of [right[0], ...fresh.slice(0, 5)]) {
        const expected = cliReply(model, w);
        const entry = await session.ask(w);
        assert.equal(entry.text, expected.text, w);
        assert.equal(entry.unsure, undefined, `${w}: never "not sure"`);
        assert.equal(entry.suggestions, undefined);
        assert.equal(entry.confidence, expected.confidence);
      }
    });
  }

  test('seq2seqChat.decoding.constrained true or false changes nothing; a confidence threshold still judges replies, as --threshold does', async () => {
    const { session } = await setup(model, bytes);
    const w = right[0];
    settings.set('decoding.constrained', false);
    assert.equal((await session.ask(w)).text, w);
    settings.set('decoding.constrained', true);
    assert.equal((await session.ask(w)).text, w);
    // A never-trained answer has confidence 0 (src/chat/model.ts), so `--threshold 0.5` calls it not sure.
    settings.set('decoding.confidenceThreshold', 0.5);
    assert.equal(cliReply(model, w, 0.5).sure, false, 'precondition: the CLI with --threshold 0.5 is not sure');
    const judged = await session.ask(w);
    assert.equal(judged.unsure, true);
    assert.equal(judged.text, notSureMessage(w));
  });

  test('@seq2seq answers with the free greedy reply, not sure of nothing', async () => {
    const { store } = await setup(model, bytes);
    const w = right[0];
    const { parts, result } = await askParticipant(store, w);
    assert.equal(parts.slice(0, -1).join(''), w);
    assert.deepEqual(result.metadata, { command: 'ask', confidence: cliReply(model, w).confidence, unsure: false, suggestions: [] });
  });

  test('@seq2seq: the line under a character-task reply gives its lowest character probability, not a confidence of 0 %', async () => {
    const { store } = await setup(model, bytes);
    const ask = async (w: string): Promise<string> => (await askParticipant(store, w)).parts.at(-1) ?? '';
    const w = right[0];
    const expected = cliReply(model, w);
    const lowest = Math.min(...expected.tokens.map((t) => t.prob));
    assert.ok(expected.confidence < 0.01, 'precondition: the dialog confidence of a free reply is about 0');
    const line = await ask(w);
    assert.doesNotMatch(line, /Confidence/);
    assert.ok(line.includes(`lowest character probability ${Math.round(100 * lowest)} %`), line);
    assert.ok(line.includes('copy\\.s2s'), line); // the label, escaped as markdown
    // With a threshold set, the confidence judges the reply (as --threshold does) and the line says so.
    settings.set('decoding.confidenceThreshold', 0.5);
    assert.match(await ask(w), /Not sure: 0 %/);
  });

  test('Evaluate counts every free greedy reply, as `seq2seq-chat eval` does', async () => {
    const { store, session, log, ctx } = await setup(model, bytes);
    const file = join(TMP, 'copy-new.txt');
    writeFileSync(file, copyLines(fresh));
    const reports: unknown[] = [];
    const services = { context: ctx, log, models: store, session, insight: { showReport: (r: unknown) => void reports.push(r) }, workerFile: WORKER } as unknown as Services;
    registerTrainingCommands(services);
    const evaluate = commands.get('seq2seqChat.evaluate') ?? assert.fail('Evaluate was not registered');
    // Replies constrained to the trained answers (the dialog decoding) could get none of these right.
    const { correct, total } = (await evaluate(file)) as { correct: number; total: number };
    assert.deepEqual({ correct, total }, { correct: right.length, total: fresh.length });
    assert.equal(reports.length, 1);
  });

  test('a dialog model keeps the decoding settings: replies constrained to its trained answers', async () => {
    const { a } = await twoTinyModels();
    assert.equal(isCharacterTask(a.model.options), false);
    const { store } = await setup(a.model, a.bytes);
    const m = store.model ?? assert.fail('no model');
    for (const q of ['hello', 'qwzx vbnm']) {
      assert.deepEqual(store.reply(m, q, { strategy: 'greedy' }), a.model.reply(q, { strategy: 'greedy' }));
      assert.deepEqual(store.reply(m, q, { strategy: 'greedy', constrained: false }), a.model.reply(q, { strategy: 'greedy', constrained: false }));
    }
  });
});
