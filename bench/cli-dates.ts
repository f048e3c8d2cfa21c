/**
 * The first iterations of `seq2seq-chat train` on a date file (issue #11): the CLI's training path
 * (trainChatModel with what the CLI passes, the embedded small talk included) against variants that switch
 * off one dialog default at a time, from the same seed. Training is cancelled after `--iters` iterations;
 * the script prints the mean training loss per 50 iterations and the free greedy exact-match on the first
 * `--probe` pairs of the test file (the book's measure), which compares across tokenizers.
 *
 *   node out/bench/cli-dates.js <train-pairs> <test-pairs> [--iters N] [--probe K] [--variant NAME] [--seed S]
 *
 * Variants: cli (exactly what the CLI's flags give), no-noise, char (answers as characters), same (questions
 * in the answers' tokens), no-small-talk, book (all four: the book's character task).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDefaultPairs, readPairs, trainChatModel, type Pair, type TrainOptions } from '../src/chat';
import { greedyReplies } from '../src/chat/evaluate';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
}

/** What `seq2seq-chat train --model attention --reverse --epochs 3 --patience 0 --batch 128 --hidden 256 --wordvec 16 --lr 0.001 --val 0` passes. */
const CLI: Partial<TrainOptions> = {
  model: 'attention', reverse: true, epochs: 3, patience: 0, batchSize: 128, hidden: 256, wordvec: 16, learningRate: 0.001, validation: 0,
};

const VARIANTS: Record<string, Partial<TrainOptions>> = {
  cli: {},
  'no-noise': { questionNoise: 0 },
  char: { tokenizer: 'char' },
  same: { questionTokens: 'same' },
  'no-small-talk': { includeDefaultPairs: false },
  book: { questionNoise: 0, tokenizer: 'char', questionTokens: 'same', includeDefaultPairs: false },
};

function pairsOf(file: string): Pair[] {
  return readPairs(new Uint8Array(readFileSync(file)), file).pairs;
}

async function main(): Promise<void> {
  const [trainFile, testFile] = process.argv.slice(2);
  const variant = arg('--variant', 'cli');
  if (trainFile === undefined || testFile === undefined || VARIANTS[variant] === undefined) {
    throw new RangeError(`usage: node out/bench/cli-dates.js <train-pairs> <test-pairs> [--iters N] [--probe K] [--variant ${Object.keys(VARIANTS).join('|')}] [--seed S]`);
  }
  const iters = Number(arg('--iters', '300'));
  const probe = pairsOf(testFile).slice(0, Number(arg('--probe', '500')));
  const options: Partial<TrainOptions> = { ...CLI, seed: Number(arg('--seed', '1')), ...VARIANTS[variant] };
  const losses: number[] = [];
  let stop = false;
  const started = Date.now();
  const { model } = await trainChatModel(
    pairsOf(trainFile),
    options,
    {
      onProgress: (p) => {
        losses.push(p.loss);
        if (losses.length % 50 === 0) {
          const part = losses.slice(-50);
          console.log(`iter ${String(losses.length).padStart(4)}  mean loss ${(part.reduce((a, b) => a + b, 0) / part.length).toFixed(4)}  ${Math.round((Date.now() - started) / 1000)} s`);
        }
        if (losses.length >= iters) stop = true;
      },
    },
    { get isCancellationRequested(): boolean { return stop; } },
    '',
    options.includeDefaultPairs === false ? {} : { defaultPairs: readDefaultPairs(join(__dirname, '..', '..')) },
  );
  const replies = greedyReplies(model, probe.map((p) => model.encodeQuestion(p.question)), 16);
  const right = replies.filter((r, i) => r.finished && r.text === model.expectedReply(probe[i].answer)).length;
  console.log(`variant ${variant}: ${JSON.stringify(VARIANTS[variant])}, vocabulary ${model.vocabulary.size}${model.knowledge?.questionVocabulary ? ` + questions ${model.knowledge.questionVocabulary.size}` : ''}`);
  console.log(`after ${losses.length} iterations: free greedy exact-match on ${probe.length} test pairs ${((100 * right) / probe.length).toFixed(1)} %`);
  for (const [i, r] of replies.slice(0, 3).entries()) console.log(`  Q ${probe[i].question}  T ${probe[i].answer}  got ${r.text}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
