/**
 * The book's addition experiment (ch. 7.3–7.4, `ch07/train_seq2seq.py`, dataset `dataset/addition.txt`):
 * learn "a+b" → sum character by character. Questions are padded with spaces to 7 characters and
 * answers are "_" + the sum padded to 4 (e.g. `16+75  _91  `), so every row has the same width and the
 * PAD masks are no-ops. The data are generated with a seeded Random instead of read from the book's file.
 *
 * Usage: node out/src/experiments/addition.js [--model simple|peeky|attention] [--reverse] [--epochs N]
 *        [--limit M] [--test-limit K] [--seed S] [--batch B] [--lr LR] [--hidden H] [--wordvec D]
 *        [--file path/to/dataset/addition.txt]   (the book's file instead of generated data)
 * Book results (25 epochs): simple ≈ 10 %, reversed ≈ 50 %, reversed + peeky ≈ 99 % test accuracy.
 */
import type { ModelKind } from '../chat/types';
import { createModel } from '../models/factory';
import { FIRST_TOKEN_ID } from '../models/tokens';
import type { Seq2seqModel } from '../models/types';
import { Adam } from '../optim/adam';
import { Random } from '../random';
import { train, type Evaluation, type TrainTask } from '../train/trainer';
import { readFileSync } from 'node:fs';

export const QUESTION_WIDTH = 7;
export const ANSWER_WIDTH = 5;

export interface AdditionExample {
  readonly question: string; // 7 chars, e.g. "16+75  "
  readonly answer: string; // 5 chars, e.g. "_91  "
}

/** `count` random problems a+b with a, b in 0..999, in the book's fixed-width form. */
export function makeAdditionData(count: number, rng: Random): AdditionExample[] {
  const out: AdditionExample[] = [];
  for (let k = 0; k < count; k++) {
    const a = rng.int(1000);
    const b = rng.int(1000);
    out.push({ question: `${a}+${b}`.padEnd(QUESTION_WIDTH, ' '), answer: `_${a + b}`.padEnd(ANSWER_WIDTH, ' ') });
  }
  return out;
}

/**
 * The book's fixed-width lines (`dataset/*.txt`) as examples: question = the text before the first `_`
 * (padding kept), answer = the rest from `_` on (padding kept), as `sequence.load_data` splits them;
 * then shuffled with `rng` (the book shuffles before its 90/10 split).
 */
export function parseBookLines(text: string, rng: Random, where = 'data file', shuffle = true): AdditionExample[] {
  const out: AdditionExample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const at = line.indexOf('_');
    if (at < 0) throw new RangeError(`${where}:${i + 1}: expected question_answer (the book's fixed-width format), got no '_'`);
    out.push({ question: line.slice(0, at), answer: line.slice(at) });
  });
  const widths = new Set(out.map((e) => `${e.question.length}/${e.answer.length}`));
  if (widths.size > 1) throw new RangeError(`${where}: expected fixed-width lines, got ${widths.size} question/answer widths (${[...widths].slice(0, 3).join(', ')}…)`);
  return shuffle ? rng.shuffle(out) : out;
}

/** Character vocabulary in order of first appearance, ids from FIRST_TOKEN_ID (0..3 stay reserved). */
export class CharVocab {
  readonly idOf = new Map<string, number>();
  readonly charOf: string[] = [];

  constructor(texts: Iterable<string>) {
    for (const text of texts) {
      for (const ch of text) {
        if (!this.idOf.has(ch)) {
          this.idOf.set(ch, FIRST_TOKEN_ID + this.charOf.length);
          this.charOf.push(ch);
        }
      }
    }
  }

  get size(): number {
    return FIRST_TOKEN_ID + this.charOf.length;
  }

  encode(text: string): number[] {
    return Array.from(text, (ch) => {
      const id = this.idOf.get(ch);
      if (id === undefined) throw new RangeError(`CharVocab.encode: character ${JSON.stringify(ch)} is not in the vocabulary`);
      return id;
    });
  }

  decode(ids: number[]): string {
    return ids.map((id) => this.charOf[id - FIRST_TOKEN_ID] ?? '?').join('');
  }
}

/** The book's eval_seq2seq over a set: greedy generate of the answer's width after "_", exact match. */
export function additionAccuracy(model: Seq2seqModel, xs: number[][], ts: number[][], batch = 500): number {
  let correct = 0;
  for (let i = 0; i < xs.length; i += batch) {
    const q = xs.slice(i, i + batch);
    const t = ts.slice(i, i + batch);
    const startId = t[0][0]; // "_"
    const guess = model.generate(q, startId, t[0].length - 1);
    guess.forEach((g, n) => {
      if (g.every((id, k) => id === t[n][k + 1])) correct++;
    });
  }
  return xs.length === 0 ? 0 : correct / xs.length;
}

export interface AdditionOptions {
  model: ModelKind;
  reverse: boolean;
  epochs: number;
  /** Training problems used, at most 45,000. */
  limit: number;
  /** Test problems used, at most 5,000. */
  testLimit: number;
  seed: number;
  batchSize: number;
  lr: number;
  hidden: number;
  wordvec: number;
  /**
   * A local copy of the book's data file (`dataset/addition.txt`, `dataset/date.txt`: fixed-width
   * `question_answer` lines) to train on instead of the generated data; shuffled with `seed`, then split
   * 45,000 / 5,000 as the book's `sequence.load_data` does (its NumPy shuffle order is not reproduced).
   */
  file?: string;
  /**
   * `--book-order`: the file's lines are already in the order the book's `load_data` shuffles them to
   * (scripts/dates-vs-book.sh writes them so), so they are split as they come, first 45,000 train, last
   * 5,000 test: the book's own split.
   */
  bookOrder?: boolean;
}

export const BOOK_OPTIONS: AdditionOptions = {
  model: 'simple', reverse: false, epochs: 25, limit: 45000, testLimit: 5000, seed: 1984,
  batchSize: 128, lr: 0.001, hidden: 128, wordvec: 16,
};

/** Options from command-line flags over `defaults` (another task, e.g. dates.ts, passes its own). */
export function parseArgs(argv: string[], defaults: AdditionOptions = BOOK_OPTIONS, usage = 'src/experiments/addition.ts'): AdditionOptions {
  const o: AdditionOptions = { ...defaults };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) throw new RangeError(`${flag} expects a number, got ${v ?? 'nothing'}`);
    return n;
  };
  let testLimitSet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--model': {
        const m = argv[++i];
        if (m !== 'simple' && m !== 'peeky' && m !== 'attention') throw new RangeError(`--model expects simple, peeky or attention, got ${m}`);
        o.model = m;
        break;
      }
      case '--reverse': o.reverse = true; break;
      case '--book-order': o.bookOrder = true; break;
      case '--epochs': o.epochs = num(a, argv[++i]); break;
      case '--limit': o.limit = Math.min(45000, num(a, argv[++i])); break;
      case '--test-limit': o.testLimit = Math.min(5000, num(a, argv[++i])); testLimitSet = true; break;
      case '--seed': o.seed = num(a, argv[++i]); break;
      case '--batch': o.batchSize = num(a, argv[++i]); break;
      case '--lr': o.lr = num(a, argv[++i]); break;
      case '--hidden': o.hidden = num(a, argv[++i]); break;
      case '--wordvec': o.wordvec = num(a, argv[++i]); break;
      case '--file': {
        const f = argv[++i];
        if (f === undefined) throw new RangeError('--file expects a path to the book\'s data file, got nothing');
        o.file = f;
        break;
      }
      default: throw new RangeError(`unknown argument ${a}; see the usage at the top of ${usage}`);
    }
  }
  if (!testLimitSet) o.testLimit = Math.min(5000, Math.max(500, Math.ceil(o.limit / 9)));
  return o;
}

export async function runAddition(o: AdditionOptions, log: (line: string) => void): Promise<number[]> {
  const rng = new Random(o.seed);
  const data = o.file === undefined ? makeAdditionData(50000, rng) : parseBookLines(readFileSync(o.file, 'utf8'), rng, o.file, o.bookOrder !== true);
  return runCharTask('addition', data, rng, o, log);
}

/**
 * Trains and evaluates a fixed-width character task the book's way (ch. 7–8): 45,000 / 5,000 split of
 * `data` (cut to `o.limit` / `o.testLimit`), char vocabulary, Adam, clip 5, test accuracy per epoch by
 * greedy generation of the answer's width after its first character. Returns the accuracies.
 */
/** Encoded rows of a character task: question ids and answer ids (`_` first). */
export interface EncodedRows {
  readonly xs: number[][];
  readonly ts: number[][];
}

/** The book's training step over encoded rows (a batch is a list of row indices), evaluated by `evaluate`. */
export function charTrainTask(model: Seq2seqModel, tr: EncodedRows, evaluate: () => Evaluation): TrainTask<number> {
  return {
    model,
    samples: tr.xs.map((_, i) => i),
    computeGradients(batch) {
      const loss = model.forward(batch.map((i) => tr.xs[i]), batch.map((i) => tr.ts[i]));
      model.backward();
      return loss;
    },
    evaluate,
  };
}

export async function runCharTask(
  title: string, data: AdditionExample[], rng: Random, o: AdditionOptions, log: (line: string) => void,
): Promise<number[]> {
  const answerWidth = data[0]?.answer.length ?? 0;
  const vocab = new CharVocab(data.flatMap((d) => [d.question, d.answer]));
  const trainSet = data.slice(0, 45000).slice(0, o.limit);
  const testSet = data.slice(45000).slice(0, o.testLimit);
  const encode = (set: AdditionExample[]): { xs: number[][]; ts: number[][] } => ({
    xs: set.map((d) => vocab.encode(d.question)),
    ts: set.map((d) => vocab.encode(d.answer)),
  });
  const tr = encode(trainSet);
  const te = encode(testSet);
  const model = createModel(o.model, { vocabSize: vocab.size, wordvec: o.wordvec, hidden: o.hidden, reverse: o.reverse }, rng);
  log(`${title}: model ${o.model}${o.reverse ? ' (reversed input)' : ''}, V=${vocab.size} D=${o.wordvec} H=${o.hidden}, ` +
    `train ${trainSet.length}, test ${testSet.length}, batch ${o.batchSize}, Adam lr ${o.lr}, clip 5, ${o.epochs} epochs`);
  const accuracies: number[] = [];
  let evalSeconds = 0;
  await train(
    charTrainTask(model, tr, () => {
      const t0 = performance.now();
      const accuracy = additionAccuracy(model, te.xs, te.ts);
      evalSeconds = (performance.now() - t0) / 1000;
      return { accuracy };
    }),
    {
      epochs: o.epochs, batchSize: o.batchSize, optimizer: new Adam({ lr: o.lr }), rng, clip: 5,
      callbacks: {
        onEpoch: (e) => {
          accuracies.push(e.accuracy);
          const trainSeconds = e.seconds - evalSeconds;
          log(`epoch ${e.epoch}/${o.epochs}  loss ${e.loss.toFixed(4)}  test acc ${(100 * e.accuracy).toFixed(3)} %  ` +
            `train ${trainSeconds.toFixed(1)} s (${Math.round(trainSet.length / trainSeconds)} samples/s)  eval ${evalSeconds.toFixed(1)} s`);
        },
      },
    },
  );
  const shown = model.generate(te.xs.slice(0, 3), te.ts[0][0], answerWidth - 1);
  shown.forEach((g, n) => log(`  Q ${testSet[n].question}  T ${testSet[n].answer.slice(1)}  ${vocab.decode(g) === testSet[n].answer.slice(1) ? '☑' : '☒'} ${vocab.decode(g)}`));
  return accuracies;
}

if (require.main === module) {
  runAddition(parseArgs(process.argv.slice(2)), (line) => console.log(line)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
