/**
 * The reply worker (src/worker/replies.ts) through its host side (replyClient.ts), in real worker_threads
 * Workers (#10 item 10, replies): the worker's replies and "Why?" explanations equal the model's own on this
 * thread; a question is answered by the model it was asked of when another model is sent right after it; an error in a reply
 * comes back with its message and the worker keeps answering; a worker that never answers or exits makes
 * the reply fail with a clear error within the timeout (never a hang), and the next question starts a new
 * one; the size policy keeps the default model on the calling thread and sends a 30,000-token one off it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_RELATIVE_PATH, deserializeModel, type ChatModel, type DecodeOptions } from '../../../src/chat';
import { twoTinyModels } from '../helpers/tiny-model';
import { explainReply } from '../../../src/insight/explain';
import { DEFAULT_DECODE_OPTIONS } from '../../../src/chat/defaults';
import { syntheticModel } from '../../../bench/heavy-files';
import { OFF_THREAD_QUESTIONS, OFF_THREAD_WEIGHTS, repliesOffThread, ReplyWorker, ReplyWorkerError, weightCount } from '../../../src/worker/replyClient';
import { estimateReplyCost, HOST_REPLY_BUDGET_MS, replyShape } from '../../../src/chat/replyCost';

const WORKER = join(__dirname, '../../../src/worker/trainWorker.js');
const ROOT = join(__dirname, '../../../..');
const FIXTURES = mkdtempSync(join(tmpdir(), 's2s-reply-worker-'));

/** Worker scripts that fail: one reads every message and never answers, one exits with code 3 on the first. */
const SILENT = join(FIXTURES, 'silent.js');
const EXITS = join(FIXTURES, 'exits.js');
writeFileSync(SILENT, "require('node:worker_threads').parentPort.on('message', () => undefined);\n");
writeFileSync(EXITS, "require('node:worker_threads').parentPort.on('message', () => process.exit(3));\n");
/** One that reports each model loaded after LOAD_DELAY_MS and never answers a question. */
const LOADS_ONLY = join(FIXTURES, 'loads-only.js');
const LOAD_DELAY_MS = 300;
writeFileSync(
  LOADS_ONLY,
  `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => { if (m.type === 'model') setTimeout(() => parentPort.postMessage({ type: 'loaded', generation: m.generation }), ${LOAD_DELAY_MS}); });
`,
);


const QUESTIONS = ['hello', 'bye', 'what is your name', 'qwzx vbnm', ''];
const GREEDY: DecodeOptions = DEFAULT_DECODE_OPTIONS;
const BEAM: DecodeOptions = { strategy: 'beam', beamWidth: 3 };

describe('reply worker', () => {
  let a: { model: ChatModel; bytes: Uint8Array };
  let b: typeof a;
  before(async () => ({ a, b } = await twoTinyModels()));
  after(() => rmSync(FIXTURES, { recursive: true, force: true }));

  test("the worker's replies equal the model's own on this thread (greedy and beam), and its bytes stay the caller's", async () => {
    const worker = new ReplyWorker(WORKER);
    try {
      const size = a.bytes.byteLength;
      for (const decode of [GREEDY, BEAM]) {
        const there = await Promise.all(QUESTIONS.map((q) => worker.reply(a, a.bytes, 'a', q, decode)));
        assert.deepEqual(there, QUESTIONS.map((q) => a.model.reply(q, decode)));
      }
      assert.equal(a.bytes.byteLength, size, 'a copy went to the worker, not the caller\'s buffer');
    } finally {
      worker.dispose();
    }
  });

  test('"Why?" in the worker: the explanation equals explainReply\'s here', async () => {
    const worker = new ReplyWorker(WORKER);
    try {
      for (const q of ['hello', 'qwzx vbnm']) assert.deepEqual(await worker.explain(a, a.bytes, 'a', q, GREEDY), explainReply(a.model, q, GREEDY));
    } finally {
      worker.dispose();
    }
  });

  test('a question is answered by the model it was asked of, when another model is sent right after it', async () => {
    const worker = new ReplyWorker(WORKER);
    try {
      const ofA = worker.reply(a, a.bytes, 'a', 'hello', GREEDY);
      const loadB = worker.load(b, b.bytes, 'b');
      const ofB = worker.reply(b, b.bytes, 'b', 'hello', GREEDY);
      await loadB;
      assert.equal((await ofA).text, a.model.reply('hello').text);
      assert.equal((await ofB).text, b.model.reply('hello').text);
      assert.notEqual(a.model.reply('hello').text, b.model.reply('hello').text, 'the two models answer differently');
      // Back to a: sent again (the worker holds one model), and answered by it.
      assert.equal((await worker.reply(a, a.bytes, 'a', 'bye', GREEDY)).text, a.model.reply('bye').text);
    } finally {
      worker.dispose();
    }
  });

  test("an error in a reply comes back with the engine's message, and the worker keeps answering", async () => {
    const worker = new ReplyWorker(WORKER);
    try {
      await assert.rejects(worker.reply(a, a.bytes, 'a', 'hello', { strategy: 'sample', temperature: 0 }), (e: unknown) => {
        assert.ok(e instanceof ReplyWorkerError, String(e));
        assert.equal(e.errorName, 'RangeError');
        assert.match(e.message, /expected temperature above 0, got 0/);
        return true;
      });
      assert.equal((await worker.reply(a, a.bytes, 'a', 'hello', GREEDY)).text, a.model.reply('hello').text);
    } finally {
      worker.dispose();
    }
  });

  test('a model file the worker cannot decode fails its load and the replies waiting on it with the reason', async () => {
    const worker = new ReplyWorker(WORKER);
    const broken = { key: 'broken' };
    try {
      const garbage = Uint8Array.from({ length: 500 }, (_, i) => (i * 37) & 255);
      await assert.rejects(worker.reply(broken, garbage, 'broken.s2s', 'hello', GREEDY), /broken\.s2s/);
      assert.equal((await worker.reply(a, a.bytes, 'a', 'hello', GREEDY)).text, a.model.reply('hello').text);
    } finally {
      worker.dispose();
    }
  });

  test('a worker that never answers: the reply fails within the timeout with a clear error, and the next question starts a new worker', async () => {
    const silent = new ReplyWorker(SILENT, { loadTimeoutMs: 300, replyTimeoutMs: 300 });
    const t = performance.now();
    await assert.rejects(silent.reply(a, a.bytes, 'a', 'hello', GREEDY), (e: unknown) => {
      assert.ok(e instanceof ReplyWorkerError, String(e));
      assert.match(e.message, /expected the reply worker to load a within 0\.3 s, got no answer: it was stopped and starts again with the next question/);
      return true;
    });
    assert.ok(performance.now() - t < 5000, 'no hang');
    assert.equal(silent.running, false, 'the silent worker was stopped');
    const next = silent.reply(a, a.bytes, 'a', 'hello', GREEDY);
    assert.equal(silent.running, true, 'a new worker for the next question');
    await assert.rejects(next, ReplyWorkerError);
    silent.dispose();
  });

  test('a reply the worker never sends fails with a clear error once the model is loaded; the clock starts then', async () => {
    const worker = new ReplyWorker(LOADS_ONLY, { loadTimeoutMs: 5000, replyTimeoutMs: 200 });
    const t = performance.now();
    await assert.rejects(worker.reply(a, a.bytes, 'a', 'hello', GREEDY), /expected a reply within 0\.2 s, got none: the reply worker was stopped and starts again with the next question/);
    assert.ok(performance.now() - t >= 200 + LOAD_DELAY_MS - 20, 'counted from the load, not from the question');
    assert.equal(worker.running, false);
    worker.dispose();
  });

  test('a worker that exits fails the replies waiting on it with its exit code', async () => {
    const worker = new ReplyWorker(EXITS);
    await assert.rejects(worker.reply(a, a.bytes, 'a', 'hello', GREEDY), /the reply worker exited with code 3 before answering/);
    worker.dispose();
  });

  test('release stops the worker once no reply waits on it', async () => {
    const worker = new ReplyWorker(WORKER);
    try {
      const pending = worker.reply(a, a.bytes, 'a', 'hello', GREEDY);
      worker.release();
      assert.equal(worker.running, true, 'a reply still waits');
      assert.equal((await pending).text, a.model.reply('hello').text);
      assert.equal(worker.running, false);
    } finally {
      worker.dispose();
    }
  });

  test('the size policy: the default model answers on the calling thread; 1 M weights or 2,000 trained questions answer off it', () => {
    const def = deserializeModel(new Uint8Array(readFileSync(join(ROOT, DEFAULT_MODEL_RELATIVE_PATH))), 'default');
    assert.ok(weightCount(def) < OFF_THREAD_WEIGHTS / 4, `default model: ${weightCount(def)} weights`);
    assert.equal(repliesOffThread(def), false);
    const large = syntheticModel(30_000, 10);
    assert.ok(weightCount(large) > 5 * OFF_THREAD_WEIGHTS, `30,000 tokens: ${weightCount(large)} weights`);
    assert.equal(repliesOffThread(large), true);
    assert.equal(repliesOffThread(syntheticModel(500, OFF_THREAD_QUESTIONS - 1)), false);
    assert.equal(repliesOffThread(syntheticModel(500, OFF_THREAD_QUESTIONS)), true);
  });

  test('the cost rule: a small model answers off the calling thread when its reply under the decoding settings is estimated over the host budget', () => {
    const def = deserializeModel(new Uint8Array(readFileSync(join(ROOT, DEFAULT_MODEL_RELATIVE_PATH))), 'default');
    const widest: DecodeOptions = { strategy: 'beam', beamWidth: 32, maxLength: 1000, constrained: true };
    assert.equal(repliesOffThread(def, GREEDY, 'hello'), false, 'the default settings');
    assert.equal(repliesOffThread(def, widest, 'hello'), true, 'beam 32 × 1,000 steps');
    assert.equal(repliesOffThread(def, { strategy: 'greedy', constrained: false, maxLength: 1000 }, 'hello'), true, 'a free reply of 1,000 steps');
    assert.equal(repliesOffThread(def, { strategy: 'greedy', maxLength: 1000 }, 'hello'), false, 'a constrained reply ends with the longest trained answer');
    const estimate = estimateReplyCost(replyShape(def), widest, 'hello'.length);
    assert.ok(estimate.ms > HOST_REPLY_BUDGET_MS, `${estimate.ms.toFixed(0)} ms estimated`);
    // without settings, the size rule alone: where the model is held whatever the settings
    assert.equal(repliesOffThread(def), false);
  });
});
