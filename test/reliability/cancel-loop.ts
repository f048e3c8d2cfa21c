/**
 * Child process for test/unit/reliability/training-faults.test.ts: starts real training workers
 * (src/worker/trainingJob.ts) and cancels each at a random moment, checking after each that the previous
 * model still answers as before. Prints one JSON line, then simply returns: if a worker thread, a port
 * or a timer were left behind, this process would not exit, and the parent notices.
 *
 *   node out/test/reliability/cancel-loop.js <worker.js> <count> <seed>
 */
import { deserializeModel, serializeModel, trainChatModel } from '../../src/chat';
import type { Pair } from '../../src/chat/types';
import { Random } from '../../src/random';
import { startTrainingJob } from '../../src/worker/trainingJob';

/** The last pair contradicts the first (same question, another answer): never 100% exact, so no run ends before its cancel. */
const PAIRS: Pair[] = [
  ...Array.from({ length: 12 }, (_, i) => ({ question: `question ${i}`, answer: `answer ${i * 7}`, line: i + 1 })),
  { question: 'question 0', answer: 'another answer', line: 13 },
];

async function main(workerFile: string, count: number, seed: number): Promise<void> {
  const { model } = await trainChatModel(PAIRS.slice(0, 3), { hidden: 8, wordvec: 4, epochs: 1, batchSize: 3, patience: 0 });
  const previous = deserializeModel(serializeModel(model), 'previous');
  const expected = PAIRS.map((p) => previous.reply(p.question).text);
  const rng = new Random(seed);
  const outcomes: Record<string, number> = {};
  const delays: number[] = [];
  let epochsSeen = 0;
  for (let k = 0; k < count; k++) {
    // From "before the worker has loaded" to "several epochs in".
    const delay = rng.int(4) === 0 ? rng.int(30) : 50 + rng.int(900);
    delays.push(delay);
    let epochs = 0;
    const job = startTrainingJob(workerFile, PAIRS, { hidden: 24, wordvec: 8, epochs: 100_000, batchSize: 4, patience: 0 }, 'hash', { onEpoch: () => epochs++ });
    await new Promise((r) => setTimeout(r, delay));
    job.cancel();
    const out = await job.result;
    outcomes[out.status] = (outcomes[out.status] ?? 0) + 1;
    if (out.status !== 'cancelled') throw new Error(`cancel ${k} (after ${delay} ms): expected status cancelled, got ${out.status}`);
    epochsSeen += epochs;
    const now = PAIRS.map((p) => previous.reply(p.question).text);
    if (now.join('\n') !== expected.join('\n')) throw new Error(`cancel ${k}: the previous model's replies changed`);
  }
  process.stdout.write(JSON.stringify({ count, outcomes, epochsSeen, minDelay: Math.min(...delays), maxDelay: Math.max(...delays), resources: activeResources() }) + '\n');
}

/** process.getActiveResourcesInfo (Node ≥ 17, experimental; not in @types/node 20.9). */
function activeResources(): string[] {
  return (process as NodeJS.Process & { getActiveResourcesInfo?(): string[] }).getActiveResourcesInfo?.() ?? [];
}

const [workerFile, count = '20', seed = '1'] = process.argv.slice(2);
main(workerFile, Number(count), Number(seed)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
