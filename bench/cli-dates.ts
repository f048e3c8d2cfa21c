/**
 * The first iterations of `seq2seq-chat train` on a date file (issue #11): the CLI's training path
 * (trainChatModel with what the CLI passes, the embedded small talk included) against variants that switch
 * off one dialog default at a time, from the same seed. Training is cancelled after `--iters` iterations;
 * the script prints the mean training loss per 50 iterations and the free greedy exact-match on the first
 * `--probe` pairs of the test file (the book's measure), which compares across tokenizers.
 *
 *   node out/bench/cli-dates.js <train-pairs> <test-pairs> [--iters N] [--probe K] [--variant NAME] [--seed S]
 *
 * Variants: cli (the CLI's flags over the dialog defaults), no-noise, char (answers as characters), same
 * (questions in the answers' tokens), no-small-talk, book (all four: the book's character task,
 * CHARACTER_TASK_OPTIONS), file (what `seq2seq-chat train` gives this train file: optionsForFormat on its
 * detected format, CHARACTER_TASK_OPTIONS for a fixed-width file, as src/cli/main.ts), and experiment: what
 * `src/experiments/dates.ts` trains on the same file from the same seed (its book layout: the fixed-width
 * questions as they are, spaces and case kept, reversed whole; `_` then the date, no END; one table of the
 * train and test files' characters; the trainer's own shuffled batches of 128).
 *
 * `--epochs N` trains N whole epochs (with `--iters` past them) and prints, after each, the free greedy
 * exact-match on the whole test file, every reply counted (the book's measure); `--threads N` runs the CLI
 * variants on N threads as the CLI does (its training worker; default 1); `--out FILE` saves the trained
 * model as `seq2seq-chat train --out` does, for `seq2seq-chat eval`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHARACTER_TASK_OPTIONS, optionsForFormat, readDefaultPairs, readPairs, serializeModel, trainChatModel, type Pair, type TrainOptions, type TrainProgress } from '../src/chat';
import { greedyReplies } from '../src/chat/evaluate';
import type { ChatModel } from '../src/chat/model';
import { additionAccuracy, CharVocab, charTrainTask, parseBookLines, type EncodedRows } from '../src/experiments/addition';
import { writeFileAtomic } from '../src/io/atomic';
import { createModel } from '../src/models';
import { Adam } from '../src/optim';
import { Random } from '../src/random';
import { train } from '../src/train';

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
  book: CHARACTER_TASK_OPTIONS,
  file: {},
  experiment: {},
};

/** Mean training loss per 50 iterations, counted across epochs (a report can cover several iterations). */
class LossLog {
  private readonly losses: number[] = [];
  private readonly started = Date.now();

  get count(): number {
    return this.losses.length;
  }

  add(p: Pick<TrainProgress, 'epoch' | 'iteration' | 'iterations' | 'loss'>): number {
    const at = (p.epoch - 1) * p.iterations + p.iteration;
    while (this.losses.length < at) {
      this.losses.push(p.loss);
      if (this.losses.length % 50 === 0) {
        const part = this.losses.slice(-50);
        console.log(`iter ${String(this.losses.length).padStart(4)}  mean loss ${(part.reduce((a, b) => a + b, 0) / part.length).toFixed(4)}  ${Math.round((Date.now() - this.started) / 1000)} s`);
      }
    }
    return at;
  }
}

/** Free greedy exact-match of a chat model on pairs, every reply counted (the book's measure). */
function freeRight(model: ChatModel, pairs: readonly Pair[]): number {
  const replies = greedyReplies(model, pairs.map((p) => model.encodeQuestion(p.question)), model.maxReplyLength);
  return replies.filter((r, i) => r.finished && r.text === model.expectedReply(pairs[i].answer)).length / Math.max(1, pairs.length);
}

/** src/experiments/dates.ts `runCharTask` on the train and test files as they are (`--variant experiment`). */
async function experiment(trainFile: string, testFile: string, seed: number, iters: number, epochs: number, probeSize: number): Promise<void> {
  const rng = new Random(seed);
  const trainSet = parseBookLines(readFileSync(trainFile, 'utf8'), rng, trainFile, false);
  const testSet = parseBookLines(readFileSync(testFile, 'utf8'), rng, testFile, false);
  const vocab = new CharVocab([...trainSet, ...testSet].flatMap((d) => [d.question, d.answer]));
  const encode = (set: typeof trainSet): EncodedRows => ({ xs: set.map((d) => vocab.encode(d.question)), ts: set.map((d) => vocab.encode(d.answer)) });
  const tr = encode(trainSet);
  const te = encode(testSet);
  const model = createModel('attention', { vocabSize: vocab.size, wordvec: CLI.wordvec ?? 16, hidden: CLI.hidden ?? 256, reverse: true }, rng);
  const log = new LossLog();
  let stop = false;
  await train(
    charTrainTask(model, tr, () => ({ accuracy: additionAccuracy(model, te.xs, te.ts) })),
    {
      epochs, batchSize: CLI.batchSize ?? 128, optimizer: new Adam({ lr: CLI.learningRate ?? 0.001 }), rng, clip: 5, progressEveryMs: 0,
      signal: { get isCancellationRequested(): boolean { return stop; } },
      callbacks: {
        onProgress: (p) => {
          if (log.add(p) >= iters) stop = true;
        },
        onEpoch: (e) => console.log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, free greedy exact-match on the ${te.xs.length} test pairs ${(100 * e.accuracy).toFixed(2)} %`),
      },
    },
  );
  const probe = additionAccuracy(model, te.xs.slice(0, probeSize), te.ts.slice(0, probeSize));
  console.log(`variant experiment: V ${vocab.size}; free greedy exact-match on ${Math.min(probeSize, te.xs.length)} test pairs ${(100 * probe).toFixed(1)} %`);
}

function read(file: string): ReturnType<typeof readPairs> {
  return readPairs(new Uint8Array(readFileSync(file)), file);
}

function pairsOf(file: string): Pair[] {
  return read(file).pairs;
}

async function main(): Promise<void> {
  const [trainFile, testFile] = process.argv.slice(2);
  const variant = arg('--variant', 'cli');
  if (trainFile === undefined || testFile === undefined || VARIANTS[variant] === undefined) {
    throw new RangeError(`usage: node out/bench/cli-dates.js <train-pairs> <test-pairs> [--iters N] [--probe K] [--variant ${Object.keys(VARIANTS).join('|')}] [--seed S]`);
  }
  const epochsAsked = arg('--epochs', '');
  const iters = Number(arg('--iters', epochsAsked === '' ? '300' : 'Infinity'));
  const epochs = epochsAsked === '' ? CLI.epochs ?? 3 : Number(epochsAsked);
  const seed = Number(arg('--seed', '1'));
  const probeSize = Number(arg('--probe', '500'));
  if (variant === 'experiment') return experiment(trainFile, testFile, seed, iters, epochs, probeSize);
  const testPairs = pairsOf(testFile);
  const probe = testPairs.slice(0, probeSize);
  const threads = Number(arg('--threads', '1'));
  const trainRead = read(trainFile);
  const given: Partial<TrainOptions> = { ...CLI, epochs, threads, seed, ...VARIANTS[variant] };
  const options = variant === 'file' ? optionsForFormat(trainRead.format, given) : given;
  if (variant === 'file') console.log(`${trainFile}: ${trainRead.pairs.length} pairs (${trainRead.format}); options ${JSON.stringify(options)}`);
  const log = new LossLog();
  const started = Date.now();
  let stop = false;
  const { model } = await trainChatModel(
    trainRead.pairs,
    options,
    {
      onProgress: (p) => {
        if (log.add(p) >= iters) stop = true;
      },
    },
    { get isCancellationRequested(): boolean { return stop; } },
    '',
    {
      ...(options.includeDefaultPairs === false ? {} : { defaultPairs: readDefaultPairs(join(__dirname, '..', '..')) }),
      workerFile: join(__dirname, '..', 'src', 'worker', 'trainWorker.js'),
      cores: threads,
      afterEpoch: (chat, e) => {
        if (epochsAsked !== '') console.log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, exact-match on the training pairs ${(100 * e.accuracy).toFixed(2)} %, free greedy exact-match on the ${testPairs.length} test pairs ${(100 * freeRight(chat, testPairs)).toFixed(2)} %  ${Math.round((Date.now() - started) / 1000)} s`);
      },
    },
  );
  const out = arg('--out', '');
  if (out !== '') writeFileAtomic(out, serializeModel(model));
  const replies = greedyReplies(model, probe.map((p) => model.encodeQuestion(p.question)), 16);
  console.log(`variant ${variant}: ${JSON.stringify(VARIANTS[variant])}, vocabulary ${model.vocabulary.size}${model.knowledge?.questionVocabulary ? ` + questions ${model.knowledge.questionVocabulary.size}` : ''}`);
  console.log(`after ${log.count} iterations: free greedy exact-match on ${probe.length} test pairs ${(100 * freeRight(model, probe)).toFixed(1)} %`);
  for (const [i, r] of replies.slice(0, 3).entries()) console.log(`  Q ${probe[i].question}  T ${probe[i].answer}  got ${r.text}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
