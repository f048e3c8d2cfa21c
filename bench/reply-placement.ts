/**
 * `node out/bench/reply-placement.js`: the figures behind where a reply is computed (src/worker/replyClient.ts).
 * 1) A reply's time on this thread by model size (peeky, wordvec 32, the default greedy constrained decoding):
 *    the first reply (its lazy tables built) and the median and worst of 5 more, by weights and trained questions.
 * 2) The default model's reply on this thread against the same reply through the reply worker (a round trip),
 *    and what starting the worker and loading the model there costs, 3 rounds side by side.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserializeModel, DEFAULT_MODEL_RELATIVE_PATH } from '../src/chat';
import { DEFAULT_DECODE_OPTIONS } from '../src/chat/defaults';
import { syntheticModel } from './heavy-files';
import { ReplyWorker, repliesOffThread, weightCount } from '../src/worker/replyClient';

const ROOT = join(__dirname, '../..');
const WORKER = join(__dirname, '../src/worker/trainWorker.js');
const QUESTIONS = ['hello', 'what is your name', 'how are you', 'thank you', 'good night', 'tell me about the moon'];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];


function timed(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

async function main(): Promise<void> {
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
