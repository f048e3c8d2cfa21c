/**
 * `node out/bench/reply-placement.js`: the figures behind where a reply is computed (src/worker/replyClient.ts).
 * 1) A reply's time on this thread by model size (peeky, wordvec 32, the default greedy constrained decoding):
 *    the first reply (its lazy tables built) and the median and worst of 5 more, by weights and trained questions.
 * 2) The default model's reply on this thread against the same reply through the reply worker (a round trip),
 *    and what starting the worker and loading the model there costs, 3 rounds side by side.
 * 3) The reply cost estimate (src/chat/replyCost.ts) against measured replies that never end early.
 * 4) The default model at the widest decoding settings (beam 32, 1,000 steps): the reply on this thread (where
 *    it ran before the cost rule) against this thread's longest block while the reply worker computes it.
 * 5) The host's memory for the bench's large model (30,000 tokens, 20,000 questions) as ModelStore.decode
 *    builds it: with its weights (before) and without (a model the reply worker holds), each in a child process.
 * 6) Evaluate's hand-off of that model's 24.5 MB: the synchronous part of starting the task (the message's
 *    copy) with the bytes as a plain buffer (before) and in shared memory, 3 rounds side by side.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserializeModel, DEFAULT_MODEL_RELATIVE_PATH } from '../src/chat';
import { DEFAULT_DECODE_OPTIONS } from '../src/chat/defaults';
import { syntheticModel } from './heavy-files';
import { ReplyWorker, repliesOffThread, weightCount } from '../src/worker/replyClient';
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { estimateReplyCost, replyShape } from '../src/chat/replyCost';
import { largeModel, longestBlock } from './heavy-files';
import { evaluateInWorker, loadModelInWorker } from '../src/worker/taskClient';
import type { DecodeOptions } from '../src/chat';
import { rowsOf } from '../src/matrix';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { hasWeights } from '../src/chat/serialize';

const ROOT = join(__dirname, '../..');
const WORKER = join(__dirname, '../src/worker/trainWorker.js');
const QUESTIONS = ['hello', 'what is your name', 'how are you', 'thank you', 'good night', 'tell me about the moon'];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];


function timed(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Child of part 5: the large model as ModelStore.decode builds it (`weights`), held; after the decoding
 * worker has gone and a full collection, this process's memory (MiB) and the bytes of weights the model holds.
 */
async function memoryChild(weights: 'always' | 'unlessLarge', file: string): Promise<void> {
  const held = await loadModelInWorker(WORKER, new Uint8Array(readFileSync(file)), 'large.s2s', () => new Promise((r) => setImmediate(r)), { weights, share: true });
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 500));
    collect();
  }
  const u = process.memoryUsage();
  const buffers = new Set<ArrayBufferLike>();
  for (const p of held.model.engine.params) for (const row of rowsOf(p) as (Float64Array | undefined)[]) if (row) buffers.add(row.buffer);
  const weightBytes = [...buffers].reduce((n, b) => n + b.byteLength, 0);
  const mb = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10;
  console.log(JSON.stringify({ weights: hasWeights(held.model), weightMB: mb(weightBytes), rss: mb(u.rss), heapUsed: mb(u.heapUsed), external: mb(u.external), arrayBuffers: mb(u.arrayBuffers), bytesMB: mb(held.bytes.byteLength) }));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--memory') return memoryChild(process.argv[3] === 'always' ? 'always' : 'unlessLarge', process.argv[4]);
  if (process.argv[2] !== '--only-new') await sizes();
  console.log('3) the reply cost estimate against measured replies that never end early (random models; fastest of 3)');
  for (const [V, H] of [[424, 64], [3000, 64], [10000, 64], [3000, 128]]) {
    const m = syntheticModel(V, 20, H);
    for (const decode of [{ strategy: 'greedy', constrained: false, maxLength: 200 }, { strategy: 'beam', beamWidth: 8, maxLength: 100 }, { strategy: 'beam', beamWidth: 32, maxLength: 100 }] as const) {
      const estimate = estimateReplyCost(replyShape(m), decode, 'question number 1'.length);
      const t = Math.min(...[0, 1, 2].map(() => timed(() => m.reply('question number 1', decode))));
      console.log(`  V ${V}, H ${H}, ${decode.strategy === 'beam' ? `beam ${decode.beamWidth}` : 'free greedy'} × ${decode.maxLength}: measured ${t.toFixed(1)} ms, estimated ${estimate.ms.toFixed(1)} ms (${(estimate.multiplyAdds / t / 1e3).toFixed(0)} k multiply-adds per ms measured; measured / estimate ${(t / estimate.ms).toFixed(2)})`);
    }
  }
  console.log('4) the default model at beam 32 × 1,000 steps (the settings\' maxima): on this thread against through the reply worker');
  const defBytes = new Uint8Array(readFileSync(join(ROOT, DEFAULT_MODEL_RELATIVE_PATH)));
  const def = deserializeModel(defBytes, 'default');
  const widest: DecodeOptions = { strategy: 'beam', beamWidth: 32, maxLength: 1000, constrained: true };
  def.reply('warm up', DEFAULT_DECODE_OPTIONS);
  for (let round = 1; round <= 3; round++) {
    const here = timed(() => def.reply('hello', widest));
    const worker = new ReplyWorker(WORKER);
    await worker.load(def, defBytes, 'default');
    const { ms: block } = await longestBlock(() => worker.reply(def, defBytes, 'default', 'hello', widest));
    worker.dispose();
    console.log(`  round ${round}: off the thread by the cost rule: ${repliesOffThread(def, widest, 'hello')} (estimated ${estimateReplyCost(replyShape(def), widest, 5).ms.toFixed(0)} ms); on this thread it blocks ${here.toFixed(0)} ms; through the worker this thread's longest block ${block.toFixed(1)} ms`);
  }
  console.log('5) host memory of the large model (30,000 tokens, 20,000 questions), built as ModelStore.decode builds it (each in a child process, MiB while it is held): the bytes of weights it holds, this process\'s memory');
  const dir = mkdtempSync(join(tmpdir(), 's2s-bench-memory-'));
  const modelFile = join(dir, 'large.s2s');
  writeFileSync(modelFile, largeModel());
  for (const weights of ['always', 'unlessLarge', 'always', 'unlessLarge'] as const) {
    const r = spawnSync(process.execPath, [__filename, '--memory', weights, modelFile], { encoding: 'utf8' });
    console.log(`  ${weights === 'always' ? 'with its weights (before)   ' : 'without (the reply worker\'s)'}: ${r.stdout.trim()}${r.status === 0 ? '' : ` (exit ${r.status}: ${r.stderr.trim()})`}`);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log('6) Evaluate\'s hand-off of the large model\'s bytes (24.5 MB): the synchronous part of starting the task (ms)');
  const file = { bytes: new TextEncoder().encode('question number 1 about things\tanswer 1\n'), name: 'p.tsv', limits: {} };
  const plain = largeModel();
  const shared = new Uint8Array(new SharedArrayBuffer(plain.byteLength));
  shared.set(plain);
  for (let round = 1; round <= 3; round++) {
    const times: string[] = [];
    for (const [name, model] of [['plain (cloned, before)', plain], ['shared', shared]] as const) {
      const t = performance.now();
      const pending = evaluateInWorker(WORKER, { model, modelName: 'large', file, decode: DEFAULT_DECODE_OPTIONS });
      const sync = performance.now() - t;
      await pending;
      times.push(`${name} ${sync.toFixed(1)}`);
    }
    console.log(`  round ${round}: ${times.join(', ')}`);
  }
}

async function sizes(): Promise<void> {
  console.log('1) reply on this thread by size (ms): first, then median / worst of the next 5');
  for (const [V, Q, H] of [[500, 200, 64], [2000, 200, 64], [5000, 200, 64], [10000, 200, 64], [30000, 200, 64], [500, 20000, 64], [30000, 20000, 64], [5000, 200, 256]]) {
    const m = syntheticModel(V, Q, H);
    const t = QUESTIONS.map((q) => timed(() => m.reply(q, DEFAULT_DECODE_OPTIONS)));
    const rest = t.slice(1);
    console.log(`  V ${V}, ${Q} questions, H ${H}: ${(weightCount(m) / 1e6).toFixed(2)} M weights, off the thread: ${repliesOffThread(m)}; first ${t[0].toFixed(1)}, ${median(rest).toFixed(1)} / ${Math.max(...rest).toFixed(1)}`);
  }
  console.log('2) the default model: on this thread against through the reply worker (ms)');
  const bytes = new Uint8Array(readFileSync(join(ROOT, DEFAULT_MODEL_RELATIVE_PATH)));
  for (let round = 1; round <= 3; round++) {
    const model = deserializeModel(bytes, 'default');
    const first = timed(() => model.reply('warm up', DEFAULT_DECODE_OPTIONS));
    const worker = new ReplyWorker(WORKER);
    let t = performance.now();
    await worker.load(model, bytes, 'default');
    const load = performance.now() - t;
    const here: number[] = [];
    const there: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (const q of QUESTIONS) {
        here.push(timed(() => model.reply(q, DEFAULT_DECODE_OPTIONS)));
        t = performance.now();
        await worker.reply(model, bytes, 'default', q, DEFAULT_DECODE_OPTIONS);
        there.push(performance.now() - t);
      }
    }
    worker.dispose();
    console.log(`  round ${round}: first reply here ${first.toFixed(1)}; worker start, load and warm-up ${load.toFixed(0)}; reply median (worst) here ${median(here).toFixed(2)} (${Math.max(...here).toFixed(1)}), through the worker ${median(there).toFixed(2)} (${Math.max(...there).toFixed(1)})`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
