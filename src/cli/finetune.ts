/**
 * `seq2seq-chat train <corrections> --from <model> --out <model> [--replay <pairs>]`: fine-tunes a trained
 * model on new pairs (src/chat/finetune.ts; docs/corrections.md). The vocabulary grows as needed and the
 * model keeps its own options; only the length of the short training (--epochs, --lr, --seed) and the
 * regression guard's limit (--max-broken) can be given. Prints the usual per-epoch lines and the regression
 * check's result; when the check rejects the new model nothing is written and the exit code is 1.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ChatModel, DEFAULT_FINE_TUNE, deserializeModel, describeCheck, fineTuneChatModel, knownPairs, readPairs, serializeModel,
  type CheckedPair, type EpochReport, type FineTuneOptions, type Pair, type PairLimits, type TrainProgress,
} from '../chat';
import { writeFileAtomic } from '../io/atomic';
import { num, str, UsageError, type FlagSpec, type ParsedArgs } from './args';
import { EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK } from './exit';
import { BadInput, checkOutput, fixedDate, readBytes } from './files';
import type { Io } from './main';
import { ProgressPrinter } from './progress';
import { withStopSignals } from './signals';

/** Flags only fine-tuning takes. */
export const FINE_TUNE_FLAGS: Record<string, FlagSpec> = {
  from: { type: 'string' },
  replay: { type: 'string' },
  'max-broken': { type: 'number', min: 0, max: 1 },
};

/** Train flags that shape a model: a fine-tuned model keeps its own. */
const KEPT_FROM_MODEL = ['model', 'reverse', 'tokenizer', 'hidden', 'wordvec', 'batch', 'val', 'patience', 'threads', 'default-pairs', 'max-vocabulary', 'characters'];

export const FINE_TUNE_USAGE = `train --from (fine-tuning; docs/corrections.md): continues training <model-file> on the pairs of
  <corrections-file> mixed with a replay sample of the pairs it knows; new words and characters grow its
  vocabulary, its options are kept. Then a regression check: if more than --max-broken of the answers it gave
  right break, nothing is saved (exit code 1) and the broken ones are listed.
  --from FILE             the trained model to start from
  --replay FILE           the original pairs to replay and check (default: the pairs the model keeps)
  --max-broken X          share of previously right answers allowed to break, 0–1 (default ${DEFAULT_FINE_TUNE.maxBroken})
  --epochs N, --lr X, --seed N   most epochs (default ${DEFAULT_FINE_TUNE.epochs}), Adam rate (default a quarter of the model's), seed`;

function pairsFrom(path: string, limits: Partial<PairLimits>, io: Io): Pair[] {
  const read = readPairs(readBytes(path, limits), path, limits);
  for (const w of read.warnings) io.stderr.write(`warning: ${w.file}:${w.line}: ${w.message}\n`);
  return read.pairs;
}

function listed(label: string, pairs: readonly CheckedPair[]): string {
  return pairs.map((c) => `  ${label}: ${JSON.stringify(c.question)} → ${c.sure ? '' : '(not sure) '}${JSON.stringify(c.got)}, expected ${JSON.stringify(c.expected)}\n`).join('');
}

export async function fineTuneCommand(args: ParsedArgs, io: Io, out: string, limits: Partial<PairLimits>): Promise<number> {
  for (const flag of KEPT_FROM_MODEL) {
    if (args.flags.has(flag)) throw new UsageError(`--${flag} cannot be used with --from: a fine-tuned model keeps the options it was trained with`);
  }
  const from = str(args, 'from') ?? '';
  if (from === '') throw new UsageError('--from: expected a model file, got ""');
  const correctionsPath = args.positionals[0];
  const replayPath = str(args, 'replay');
  const date = fixedDate(args.flags.get('deterministic') === true);
  checkOutput(out, correctionsPath);
  if (replayPath !== undefined) checkOutput(out, replayPath);
  const base = deserializeModel(readBytes(from), from);
  const corrections = pairsFrom(correctionsPath, limits, io);
  const original = replayPath === undefined ? undefined : pairsFrom(replayPath, limits, io);
  const options: FineTuneOptions = {
    ...(num(args, 'epochs') !== undefined ? { epochs: num(args, 'epochs') } : {}),
    ...(num(args, 'lr') !== undefined ? { learningRate: num(args, 'lr') } : {}),
    ...(num(args, 'seed') !== undefined ? { seed: num(args, 'seed') } : {}),
    ...(num(args, 'max-broken') !== undefined ? { maxBroken: num(args, 'max-broken') } : {}),
  };
  const printer = new ProgressPrinter(io.stderr, options.epochs ?? DEFAULT_FINE_TUNE.epochs);
  return withStopSignals(io, printer, async (signal, stoppedBy) => {
    const replayed = original === undefined ? `the ${knownPairs(base).length} pairs it keeps` : `${original.length} pairs of ${replayPath}`;
    io.stderr.write(`${correctionsPath}: ${corrections.length} pairs; fine-tuning ${from} (${base.kind}), replaying ${replayed}\n`);
    const callbacks = {
      onProgress: (p: TrainProgress): void => printer.progress(p),
      onEpoch: (r: EpochReport): void => printer.epoch(r),
    };
    const result = await fineTuneChatModel(base, corrections, options, callbacks, signal, original);
    printer.clear();
    const check = result.check;
    io.stdout.write(`${describeCheck(check)}\n${listed('broken', check.broken)}${listed('not learned', check.notLearned)}`);
    if (!check.accepted) {
      io.stderr.write(`error: the regression check rejected the fine-tuned model: nothing was saved${existsSync(out) ? ` (${out} is unchanged)` : ''}; allow more with --max-broken, or fix the corrections\n`);
      return EXIT_BAD_INPUT;
    }
    const m = result.model;
    const saved = date === undefined || m.report === undefined ? m : new ChatModel(m.engine, m.vocabulary, m.options, { ...m.report, date, seconds: 0 }, m.knowledge);
    try {
      writeFileAtomic(resolve(out), serializeModel(saved));
    } catch (e) {
      throw new BadInput(`${out}: cannot write the model (${e instanceof Error ? e.message : String(e)})`);
    }
    io.stdout.write(
      `saved ${out}: fine-tuned on ${result.corrections.length} pairs in ${result.epochs.length} epochs (${result.seconds.toFixed(1)}s); ` +
        `vocabulary +${result.grown.answers} answer tokens, +${result.grown.questions} question words\n`,
    );
    return stoppedBy()?.code ?? (signal.aborted ? EXIT_INTERRUPTED : EXIT_OK);
  });
}
