/**
 * `node out/bench/reply-placement.js`: the figures behind where a reply is computed (src/worker/replyClient.ts).
 * 1) A reply's time on this thread by model size (peeky, wordvec 32, the default greedy constrained decoding):
 *    the first reply (its lazy tables built) and the median and worst of 5 more, by weights and trained questions.
 * 2) The default model's reply on this thread against the same reply through the reply worker (a round trip),
 *    and what starting the worker and loading the model there costs, 3 rounds side by side.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserializeModel, DEFAULT_MODEL_RELATIVE_PATH, type ChatModel } from '../src/chat';
import { ChatModel as ChatModelClass } from '../src/chat/model';
import { DEFAULT_DECODE_OPTIONS, DEFAULT_TRAIN_OPTIONS } from '../src/chat/defaults';
import { createModel } from '../src/models';
import { Random } from '../src/random';
import { Vocabulary } from '../src/text';
import { ReplyWorker, repliesOffThread, weightCount } from '../src/worker/replyClient';

const ROOT = join(__dirname, '../..');
const WORKER = join(__dirname, '../src/worker/trainWorker.js');
const QUESTIONS = ['hello', 'what is your name', 'how are you', 'thank you', 'good night', 'tell me about the moon'];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function sized(V: number, questions: number, hidden: number): ChatModel {
  const vocabulary = Vocabulary.fromTokens(['<pad>', '<s>', '</s>', '<unk>', ...Array.from({ length: V - 4 }, (_, i) => String.fromCodePoint(0x4e00 + i))]);
  const engine = createModel('peeky', { vocabSize: V, wordvec: 32, hidden, reverse: true }, new Random(1));
  const answers = Array.from({ length: Math.min(1000, questions) }, (_, i) => `answer ${i}`);
  const qs = Array.from({ length: questions }, (_, i) => ({ text: `question number ${i} about things`, answer: i % answers.length }));
  return new ChatModelClass(engine, vocabulary, { ...DEFAULT_TRAIN_OPTIONS }, undefined, { answers, questions: qs, maxReplyLength: 40, threshold: 0.5 });
}

function timed(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

async function main(): Promise<void> {
  console.log('1) reply on this thread by size (ms): first, then median / worst of the next 5');
  for (const [V, Q, H] of [[500, 200, 64], [2000, 200, 64], [5000, 200, 64], [10000, 200, 64], [30000, 200, 64], [500, 20000, 64], [30000, 20000, 64], [5000, 200, 256]]) {
    const m = sized(V, Q, H);
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
