/**
 * `seq2seq-chat`: train, chat with and evaluate models from a terminal (the same facade the extension uses).
 *
 * Exit codes: 0 success, 1 bad input (a pairs or model file; the message names file:line:reason),
 * 2 usage, 130 training interrupted by Ctrl+C, 143 by SIGTERM (the best model so far is still saved if
 * an epoch finished; nothing is written otherwise).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  ChatModel,
  DEFAULT_MODEL_RELATIVE_PATH,
  notSureMessage,
  plural,
  readDefaultPairs,
  DEFAULT_TRAIN_OPTIONS,
  decodeFor,
  deserializeModel,
  isCharacterTask,
  optionsForFormat,
  evaluatePairs,
  MAX_SEED,
  MAX_THREADS,
  ModelFileError,
  PairFileError,
  readPairs,
  resolveTrainOptions,
  serializeModel,
  sha256Hex,
  summarizeOutcomes,
  trainChatModel,
  TrainingError,
  type DecodeOptions,
  type EpochReport,
  type PairLimits,
  type TrainOptions,
  type TrainProgress,
} from '../chat';
import { writeFileAtomic } from '../io/atomic';
import { modelCard } from '../insight/card';
import { buildEvaluationReport, compareReports } from '../insight/evaluation';
import { renderReportHtml } from '../insight/reportHtml';
import { appendRun, CurveRecorder, withoutTimes } from '../train/curves';
import { autoThreads, AUTO_THREADS_MIN_BATCH } from '../train/parallel';
import { currentKernel } from '../matrix';
import { num, parseArgs, str, UsageError, type FlagSpec, type ParsedArgs } from './args';
import { fineTuneCommand, FINE_TUNE_FLAGS, FINE_TUNE_USAGE } from './finetune';
import { withStopSignals } from './signals';
import { EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, EXIT_USAGE } from './exit';
import { BadInput, checkOutput, displayName, fixedDate, readBytes, readInput } from './files';
import { dumbTerminal, ProgressPrinter } from './progress';
import { cliLayout } from './layout';

export { EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED };

/** How a character task's exact-match is measured (src/chat/defaults.ts `decodeFor`), said where a figure is printed. */
const CHARACTER_TASK_MEASURE = "a character task: exact-match of free greedy replies, every reply counted, as the book measures (--threshold X counts only sure replies)";

/** Pair-file warnings printed one by one before the rest are counted. */
const SHOWN_WARNINGS = 10;

/** The package root (package.json, data/default/) and the training worker, compiled (out/) or bundled (dist/). */
const { root: PACKAGE_ROOT, trainWorker: TRAIN_WORKER } = cliLayout(__dirname);

const TRAIN_USAGE = `  seq2seq-chat train <pairs-file|-> --out <model-file> [--json] [options]
  seq2seq-chat train <corrections-file> --from <model-file> --out <model-file> [--replay <pairs-file>]`;
const CHAT_USAGE = `  seq2seq-chat chat [model-file] ["question"] [--json] [--beam K | --temperature X] [--max-length N]`;
const EVAL_USAGE = `  seq2seq-chat eval <model-file> <pairs-file|-> [--show N] [--beam K] [--json] [--min-accuracy P]
      [--report report.html [--compare other.s2s]]
  seq2seq-chat eval <model-file> --unknown <questions-file|-> [--json] [--min-accuracy P]`;

const TRAIN_HELP = `train options (the pairs file \`-\` reads standard input):
  --out FILE              model file to write (required)
  --json                  print a JSON summary on stdout when training ends: {model, pairs, format, epochs, loss,
                          accuracy, stoppedBy, seconds, warnings}
  --no-default-pairs      leave out the embedded small talk (greetings, thanks), trained with yours by default
  --characters, --no-characters
                          train as the book's character tasks (dates, sums): questions and answers as characters,
                          questions padded with spaces to the longest, no question noise, no small talk (default
                          on for the book's fixed-width files only)
  --model KIND            simple | peeky | attention (default ${DEFAULT_TRAIN_OPTIONS.model})
  --reverse, --no-reverse reverse questions (default ${DEFAULT_TRAIN_OPTIONS.reverse ? 'on' : 'off'})
  --tokenizer KIND        char | word (default ${DEFAULT_TRAIN_OPTIONS.tokenizer}; questions are always read as words)
  --epochs N              most epochs (default ${DEFAULT_TRAIN_OPTIONS.epochs}; stops early at 100% exact-match)
  --batch N               batch size (default ${DEFAULT_TRAIN_OPTIONS.batchSize})
  --hidden N              LSTM width (default ${DEFAULT_TRAIN_OPTIONS.hidden})
  --wordvec N             embedding width (default ${DEFAULT_TRAIN_OPTIONS.wordvec})
  --lr X                  Adam learning rate (default ${DEFAULT_TRAIN_OPTIONS.learningRate})
  --seed N                random seed (default ${DEFAULT_TRAIN_OPTIONS.seed})
  --val X                 fraction held out for validation, 0 = training pairs (default ${DEFAULT_TRAIN_OPTIONS.validation})
  --patience N            epochs without improvement before stopping, 0 = never (default ${DEFAULT_TRAIN_OPTIONS.patience})
  --threads N             threads sharing each batch, 1 = no helper threads (default: 2 when --batch is
                          ${AUTO_THREADS_MIN_BATCH} or more and there are 2+ processors, else 1; at most the processors available)
  --deterministic         fixed dates in the model file (1970, or SOURCE_DATE_EPOCH when set), so the same
                          seed and data give the same bytes; SOURCE_DATE_EPOCH alone does the same
  Limits: --max-file-bytes N, --max-line-length N, --max-pairs N, --max-field-length N,
  --max-vocabulary N (default ${DEFAULT_TRAIN_OPTIONS.maxVocabulary ?? 30000}).
  Progress goes to stderr: a redrawn bar on a terminal (none with TERM=dumb; NO_COLOR redraws without escape
  sequences), one line per epoch otherwise.

${FINE_TUNE_USAGE}`;

const DECODE_HELP = `  --beam K                beam search with K beams (default greedy)
  --temperature X         sample with temperature X
  --seed N                seed for sampling
  --max-length N          longest reply in tokens (default the model's own: its longest trained answer plus a margin)
  --threshold X           confidence below which a reply is not sure (default the model's own)
  --free                  free generation instead of replying with one of the trained answers`;

const CHAT_HELP = `chat options: the model defaults to the embedded default model; with a question, prints one reply,
  otherwise opens a prompt (empty line or Ctrl+D quits). A question that starts with - goes after --.
${DECODE_HELP}
  --json                  one JSON object per question: reply, confidence, sure, suggestions, cut`;

const EVAL_HELP = `eval: prints the first failures (--show N, default 10), then "answered: A/N (P%)" (replies given as sure)
  and "exact-match: K/N (P%)" (sure and exactly right). A model of the book's character tasks (trained from a
  fixed-width file, or with --characters) replies with free generation and every reply counts, as the book measures. With --unknown (one question per line that the
  model must not know), the last line is "abstained: K/N (P%)". The file \`-\` reads standard input.
  --report FILE.html also writes a self-contained HTML report (exact-match, confidence histogram, misses with
  a character diff, model card); --compare OTHER.s2s adds which pairs changed from OTHER to this model.
  --json                  one JSON object instead: the counts and every failure
  --min-accuracy P        exit 1 when the last percentage (exact-match, or abstained with --unknown) is below
                          P (0-100), so that eval can gate a CI
${DECODE_HELP}
  Limits: --max-file-bytes N, --max-line-length N, --max-pairs N, --max-field-length N.`;

const FORMATS = 'Pairs files: TSV (question<TAB>answer), CSV, JSON, JSONL, or the book\'s fixed-width format.';
const EXIT_CODES = 'Exit codes: 0 success, 1 bad input (or eval below --min-accuracy), 2 usage, 130 interrupted (Ctrl+C),\n  143 terminated (SIGTERM).';

export const USAGE = `Usage:
${TRAIN_USAGE}
${CHAT_USAGE}
${EVAL_USAGE}
  seq2seq-chat <command> --help
  seq2seq-chat --version

${FORMATS}

${TRAIN_HELP}

${CHAT_HELP}

${EVAL_HELP}

${EXIT_CODES}`;

type Command = 'train' | 'chat' | 'eval';

/** One command's help: `seq2seq-chat chat -h`. */
export function commandUsage(command: Command): string {
  const [usage, help] = command === 'train' ? [TRAIN_USAGE, TRAIN_HELP] : command === 'chat' ? [CHAT_USAGE, CHAT_HELP] : [EVAL_USAGE, EVAL_HELP];
  return `Usage:\n${usage}\n\n${command === 'chat' ? '' : FORMATS + '\n\n'}${help}\n\n${EXIT_CODES}`;
}

const LIMIT_FLAGS: Record<string, FlagSpec> = {
  'max-file-bytes': { type: 'int', min: 1 },
  'max-line-length': { type: 'int', min: 1 },
  'max-pairs': { type: 'int', min: 1 },
  'max-field-length': { type: 'int', min: 1 },
};

const DECODE_FLAGS: Record<string, FlagSpec> = {
  beam: { type: 'int', min: 1 },
  temperature: { type: 'number', minExclusive: 0 },
  seed: { type: 'int', min: 0, max: MAX_SEED },
  'max-length': { type: 'int', min: 1 },
  threshold: { type: 'number', min: 0, max: 1 },
  free: { type: 'boolean' },
};

const JSON_FLAG: Record<string, FlagSpec> = { json: { type: 'boolean' } };

const CHAT_FLAGS: Record<string, FlagSpec> = { ...DECODE_FLAGS, ...JSON_FLAG };

const TRAIN_FLAGS: Record<string, FlagSpec> = {
  out: { type: 'string' },
  model: { type: 'string', choices: ['simple', 'peeky', 'attention'] },
  reverse: { type: 'boolean', negatable: true },
  tokenizer: { type: 'string', choices: ['char', 'word'] },
  epochs: { type: 'int', min: 1 },
  batch: { type: 'int', min: 1 },
  hidden: { type: 'int', min: 1 },
  wordvec: { type: 'int', min: 1 },
  lr: { type: 'number', minExclusive: 0 },
  seed: { type: 'int', min: 0, max: MAX_SEED },
  val: { type: 'number', min: 0, max: 0.9 },
  patience: { type: 'int', min: 0 },
  'max-vocabulary': { type: 'int', min: 5 },
  threads: { type: 'int', min: 1, max: MAX_THREADS },
  deterministic: { type: 'boolean' },
  'default-pairs': { type: 'boolean', negatable: true },
  characters: { type: 'boolean', negatable: true },
  ...FINE_TUNE_FLAGS,
  ...LIMIT_FLAGS,
  ...JSON_FLAG,
};

const EVAL_FLAGS: Record<string, FlagSpec> = {
  show: { type: 'int', min: 0 }, unknown: { type: 'string' }, report: { type: 'string' }, compare: { type: 'string' },
  'min-accuracy': { type: 'number', min: 0, max: 100 },
  ...DECODE_FLAGS, ...LIMIT_FLAGS, ...JSON_FLAG,
};

export interface Io {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
}

/** The embedded default model, in the package root. */
export function defaultModelPath(): string {
  return join(PACKAGE_ROOT, DEFAULT_MODEL_RELATIVE_PATH);
}

function limitsFrom(args: ParsedArgs): Partial<PairLimits> {
  const limits: { -readonly [K in keyof PairLimits]?: number } = {};
  const map: [string, keyof PairLimits][] = [
    ['max-file-bytes', 'maxFileBytes'],
    ['max-line-length', 'maxLineLength'],
    ['max-pairs', 'maxPairs'],
    ['max-field-length', 'maxFieldLength'],
  ];
  for (const [flag, key] of map) {
    const v = num(args, flag);
    if (v !== undefined) limits[key] = v;
  }
  return limits;
}

function decodeFrom(args: ParsedArgs): DecodeOptions {
  const beam = num(args, 'beam');
  const temperature = num(args, 'temperature');
  const shared = {
    ...(num(args, 'max-length') !== undefined ? { maxLength: num(args, 'max-length') } : {}),
    ...(num(args, 'threshold') !== undefined ? { threshold: num(args, 'threshold') } : {}),
    ...(args.flags.get('free') === true ? { constrained: false } : {}),
  };
  if (beam !== undefined && temperature !== undefined) throw new UsageError('--beam and --temperature cannot be used together');
  if (beam !== undefined) return { strategy: 'beam', beamWidth: beam, ...shared };
  if (temperature !== undefined) {
    if (temperature <= 0) throw new UsageError(`--temperature: expected a number above 0, got ${temperature}`);
    return { strategy: 'sample', temperature, seed: num(args, 'seed'), ...shared };
  }
  return { strategy: 'greedy', ...shared };
}

function loadModel(path: string): ChatModel {
  return deserializeModel(readBytes(path), path);
}

async function train(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, TRAIN_FLAGS);
  if (args.positionals.length !== 1) throw new UsageError(`train: expected one pairs file, got ${plural(args.positionals.length, 'argument')}`);
  const out = str(args, 'out');
  if (out === undefined) throw new UsageError('train: --out <model-file> is required');
  if (args.flags.has('from')) return fineTuneCommand(args, io, out, limitsFrom(args));
  for (const flag of Object.keys(FINE_TUNE_FLAGS)) if (args.flags.has(flag)) throw new UsageError(`--${flag} needs --from <model-file> (it fine-tunes a trained model)`);
  const pairsPath = args.positionals[0];
  const options: { -readonly [K in keyof TrainOptions]?: TrainOptions[K] } = {};
  const model = str(args, 'model');
  if (model === 'simple' || model === 'peeky' || model === 'attention') options.model = model;
  const tokenizer = str(args, 'tokenizer');
  if (tokenizer === 'char' || tokenizer === 'word') options.tokenizer = tokenizer;
  if (args.flags.get('default-pairs') === false) options.includeDefaultPairs = false;
  const reverse = args.flags.get('reverse');
  if (typeof reverse === 'boolean') options.reverse = reverse;
  const numeric: [string, 'epochs' | 'batchSize' | 'hidden' | 'wordvec' | 'learningRate' | 'seed' | 'validation' | 'patience' | 'maxVocabulary' | 'threads'][] = [
    ['epochs', 'epochs'],
    ['batch', 'batchSize'],
    ['hidden', 'hidden'],
    ['wordvec', 'wordvec'],
    ['lr', 'learningRate'],
    ['seed', 'seed'],
    ['val', 'validation'],
    ['patience', 'patience'],
    ['max-vocabulary', 'maxVocabulary'],
    ['threads', 'threads'],
  ];
  for (const [flag, key] of numeric) {
    const v = num(args, flag);
    if (v !== undefined) options[key] = v;
  }
  // Every usage error before any work: the options as training would check them, the date, the output.
  try {
    resolveTrainOptions(options);
  } catch (e) {
    if (e instanceof TrainingError) throw new UsageError(e.message);
    throw e;
  }
  const date = fixedDate(args.flags.get('deterministic') === true);
  checkOutput(out, pairsPath);
  const cores = availableParallelism();
  if (options.threads !== undefined && options.threads > cores) {
    io.stderr.write(`warning: --threads ${options.threads} is more than the ${cores} processor${cores === 1 ? '' : 's'} available; using ${cores}\n`);
    options.threads = cores;
  }
  const limits = limitsFrom(args);
  const json = args.flags.get('json') === true;
  const bytes = await readInput(pairsPath, io.stdin, limits);
  const pairsName = displayName(pairsPath);
  const read = readPairs(bytes, pairsName, limits);
  // The first few, then a count: the book's date.txt has 6,700 duplicate lines, which would bury the training's output.
  for (const w of read.warnings.slice(0, SHOWN_WARNINGS)) io.stderr.write(`warning: ${w.file}:${w.line}: ${w.message}\n`);
  if (read.warnings.length > SHOWN_WARNINGS) {
    const more = read.warnings.length - SHOWN_WARNINGS;
    io.stderr.write(`warning: … and ${more.toLocaleString('en-US')} more warning${more === 1 ? '' : 's'} like these (--json lists them all)\n`);
  }
  // The book's fixed-width format: its character tasks, trained as the book does (CHARACTER_TASK_OPTIONS).
  const characters = args.flags.get('characters');
  const trainOptions = optionsForFormat(read.format, options, typeof characters === 'boolean' ? characters : read.format === 'fixed');
  const epochs = options.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs;
  const threads = options.threads ?? autoThreads(options.batchSize ?? DEFAULT_TRAIN_OPTIONS.batchSize, cores);
  const printer = new ProgressPrinter(io.stderr, epochs, process.env);
  return withStopSignals(io, printer, async (signal, stoppedBy) => {
    io.stderr.write(`${pairsName}: ${plural(read.pairs.length, 'pair')} (${read.format}); kernel ${currentKernel().name}, ${plural(threads, 'thread')}\n`);
    if (trainOptions !== options) {
      const why = characters === true ? '--characters' : "the book's fixed-width format";
      io.stderr.write(`${pairsName}: ${why}, trained as the book's character tasks: characters, no question noise, no small talk; ${CHARACTER_TASK_MEASURE}\n`);
    }
    const curves = new CurveRecorder(epochs);
    const callbacks = {
      onProgress: (p: TrainProgress): void => {
        curves.onProgress(p);
        printer.progress(p);
      },
      onEpoch: (r: EpochReport): void => {
        curves.onEpoch(r);
        printer.epoch(r);
      },
      onWarning: (message: string): void => {
        printer.clear();
        io.stderr.write(`warning: ${message}\n`);
      },
    };
    const result = await trainChatModel(read.pairs, trainOptions, callbacks, signal, sha256Hex(bytes), {
      workerFile: TRAIN_WORKER,
      cores,
      ...(trainOptions.includeDefaultPairs === false ? {} : { defaultPairs: readDefaultPairs(PACKAGE_ROOT) }),
    });
    printer.clear();
    const r = result.report;
    const summary = (saved: boolean): string =>
      JSON.stringify({
        model: saved ? out : null,
        pairs: read.pairs.length,
        format: read.format,
        epochs: r.epochs,
        loss: Number.isFinite(r.loss) ? Math.round(r.loss * 1e4) / 1e4 : null,
        accuracy: Math.round(r.accuracy * 1e4) / 1e4,
        stoppedBy: r.stoppedBy,
        seconds: Math.round(r.seconds * 10) / 10,
        warnings: read.warnings,
      }) + '\n';
    if (r.epochs === 0) {
      if (json) io.stdout.write(summary(false));
      // Stopped before the first epoch ended: untrained weights (loss NaN) must not replace a good model.
      io.stderr.write(`${stoppedBy()?.word ?? 'stopped'} before the first epoch finished: nothing was saved${existsSync(out) ? ` (${out} is unchanged)` : ''}\n`);
      return stoppedBy()?.code ?? EXIT_INTERRUPTED;
    }
    // The run joins the model's history (src/train/curves.ts). A reproducible file: the fixed date, and
    // nothing that depends on the clock (report.seconds, epoch times, iterations reported by time).
    curves.finish(r.stoppedBy, r.message);
    const report = date === undefined ? r : { ...r, date, seconds: 0 };
    const run = { file: pairsPath === '-' ? pairsName : basename(pairsPath), options: result.model.options, report, curves: date === undefined ? curves.curves() : withoutTimes(curves.curves()) };
    const m = result.model;
    const saved = new ChatModel(m.engine, m.vocabulary, m.options, report, m.knowledge, appendRun([], run));
    try {
      writeFileAtomic(resolve(out), serializeModel(saved));
    } catch (e) {
      throw new BadInput(`${out}: cannot write the model (${e instanceof Error ? e.message : String(e)})`);
    }
    io.stdout.write(json ? summary(true) : `saved ${out}: ${plural(r.epochs, 'epoch')}, loss ${r.loss.toFixed(4)}, exact-match ${(r.accuracy * 100).toFixed(1)}% (${r.stoppedBy}, ${r.seconds.toFixed(1)}s)\n`);
    return r.stoppedBy === 'cancelled' ? (stoppedBy()?.code ?? EXIT_INTERRUPTED) : EXIT_OK;
  });
}

/**
 * One reply. `--json`: one JSON object per question, {reply, confidence, sure, suggestions, cut} (other
 * tools read it). Otherwise the reply (ending with … when cut), or, when the model is not sure, the
 * not-sure message and the closest trained questions.
 */
function printReply(model: ChatModel, question: string, decode: DecodeOptions, io: Io, json: boolean): void {
  const reply = model.reply(question, decode);
  if (json) {
    const out = { reply: reply.text, confidence: Math.round(reply.confidence * 1e4) / 1e4, sure: reply.sure, suggestions: reply.suggestions, cut: reply.cut };
    io.stdout.write(JSON.stringify(out) + '\n');
  } else if (reply.sure) {
    io.stdout.write(reply.text + '\n');
  } else {
    const lines = [notSureMessage(question), ...(reply.suggestions.length > 0 ? ['Did you mean:', ...reply.suggestions.map((s) => `  ${s}`)] : [])];
    io.stdout.write(lines.join('\n') + '\n');
  }
}

async function chat(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, CHAT_FLAGS);
  const json = args.flags.get('json') === true;
  const pos = args.positionals;
  if (pos.length > 2) throw new UsageError(`chat: expected at most a model file and a question, got ${plural(pos.length, 'argument')}`);
  let modelPath = defaultModelPath();
  let question: string | undefined;
  if (pos.length === 2) [modelPath, question] = pos;
  else if (pos.length === 1) {
    // One argument: a model file if it names one, else a question for the default model.
    if (pos[0].endsWith('.s2s') || existsSync(pos[0])) modelPath = pos[0];
    else question = pos[0];
  }
  const given = decodeFrom(args);
  const model = loadModel(modelPath);
  const decode = decodeFor(model.options, given);
  if (question !== undefined) {
    printReply(model, question, decode, io, json);
    return EXIT_OK;
  }
  // TERM=dumb: no line editing, whose redraws are escape sequences.
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: io.stdin.isTTY === true && !dumbTerminal(process.env) });
  const prompt = (): void => {
    if (io.stdin.isTTY) rl.prompt();
  };
  rl.setPrompt('> ');
  prompt();
  for await (const line of rl) {
    const q = line.trim();
    if (q === '' && io.stdin.isTTY) break;
    if (q !== '') printReply(model, q, decode, io, json);
    prompt();
  }
  rl.close();
  return EXIT_OK;
}

/** `12/40 (30.0%)`: the form of eval's last lines, which scripts read. */
function percent(k: number, n: number): string {
  return `${k}/${n} (${ratio(k, n).toFixed(1)}%)`;
}

function ratio(k: number, n: number): number {
  return n > 0 ? (100 * k) / n : 0;
}

/** `--min-accuracy P`: exit 1, with a line that says by how much, when the last percentage is below P. */
function gate(what: string, k: number, n: number, min: number | undefined, io: Io): number {
  if (min === undefined || ratio(k, n) >= min) return EXIT_OK;
  io.stderr.write(`${ERROR_PREFIX}${what} ${ratio(k, n).toFixed(1)}% is below --min-accuracy ${min}%\n`);
  return EXIT_BAD_INPUT;
}

async function evaluate(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, EVAL_FLAGS);
  const unknown = str(args, 'unknown');
  const expected = unknown === undefined ? 2 : 1;
  if (args.positionals.length !== expected) {
    throw new UsageError(unknown === undefined
      ? `eval: expected <model-file> <pairs-file>, got ${plural(args.positionals.length, 'argument')} (or <model-file> --unknown <questions-file>)`
      : `eval --unknown: expected only <model-file> besides the questions file, got ${plural(args.positionals.length, 'argument')}`);
  }
  const [modelPath, pairsPath] = args.positionals;
  const given = decodeFrom(args); // usage errors before any work
  const json = args.flags.get('json') === true;
  const minAccuracy = num(args, 'min-accuracy');
  const reportPath = str(args, 'report');
  const comparePath = str(args, 'compare');
  if (unknown !== undefined && (reportPath !== undefined || comparePath !== undefined)) throw new UsageError('eval --unknown: --report and --compare need a pairs file');
  if (comparePath !== undefined && reportPath === undefined) throw new UsageError('eval: --compare needs --report <file.html> (the comparison is part of the report)');
  if (reportPath !== undefined) checkOutput(reportPath, pairsPath, '--report', 'the report');
  const modelBytes = readBytes(modelPath);
  const model = deserializeModel(modelBytes, modelPath);
  const decode = decodeFor(model.options, given);
  if (isCharacterTask(model.options)) io.stderr.write(`${modelPath}: ${CHARACTER_TASK_MEASURE}\n`);
  const limits = limitsFrom(args);
  const show = num(args, 'show') ?? 10;
  if (unknown !== undefined) {
    // One question per line that the model must not know: a reply counts as abstained when it is not sure.
    const questions = new TextDecoder().decode(await readInput(unknown, io.stdin, limits)).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    const replies = model.replies(questions, decode);
    const answered = replies.map((r, i) => ({ r, q: questions[i] })).filter(({ r }) => r.sure);
    const abstained = questions.length - answered.length;
    if (json) {
      const list = answered.map(({ r, q }) => ({ question: q, reply: r.text, confidence: Math.round(r.confidence * 1e4) / 1e4 }));
      io.stdout.write(JSON.stringify({ total: questions.length, abstained, answered: list }) + '\n');
    } else {
      for (const { r, q } of answered.slice(0, show)) io.stdout.write(`answered ${JSON.stringify(q)} with ${JSON.stringify(r.text)} (confidence ${r.confidence.toFixed(2)})\n`);
      io.stdout.write(`abstained: ${percent(abstained, questions.length)}\n`);
    }
    return gate('abstained', abstained, questions.length, minAccuracy, io);
  }
  const pairsName = displayName(pairsPath);
  const read = readPairs(await readInput(pairsPath, io.stdin, limits), pairsName, limits);
  const outcomes = evaluatePairs(model, read.pairs, decode);
  const result = summarizeOutcomes(outcomes);
  if (json) {
    const failures = result.failures.map((f) => ({ line: f.line, question: f.question, expected: f.expected, got: f.got, sure: f.sure }));
    io.stdout.write(JSON.stringify({ file: pairsName, total: result.total, answered: result.answered, correct: result.correct, failures }) + '\n');
  } else {
    for (const f of result.failures.slice(0, show)) {
      io.stdout.write(`${pairsName}:${f.line}: ${JSON.stringify(f.question)}\n  expected ${JSON.stringify(f.expected)}\n  got      ${f.sure ? '' : '(not sure) '}${JSON.stringify(f.got)}\n`);
    }
    const more = result.failures.length - show;
    if (more > 0) io.stdout.write(`… and ${more} more ${more === 1 ? 'failure' : 'failures'}\n`);
  }
  if (reportPath !== undefined) {
    const reportName = pairsPath === '-' ? pairsName : basename(pairsPath);
    const report = buildEvaluationReport(reportName, { label: basename(modelPath), kind: model.kind }, outcomes);
    const other = comparePath === undefined ? undefined : loadModel(comparePath);
    const comparison = other && compareReports(buildEvaluationReport(reportName, { label: basename(comparePath ?? ''), kind: other.kind }, evaluatePairs(other, read.pairs, decode)), report);
    try {
      writeFileAtomic(resolve(reportPath), new TextEncoder().encode(renderReportHtml(report, { card: modelCard(model, modelBytes.length), ...(comparison ? { comparison } : {}) })));
    } catch (e) {
      throw new BadInput(`${reportPath}: cannot write the report (${e instanceof Error ? e.message : String(e)})`);
    }
    // With --json, stdout holds the one JSON object; where the report went is said on stderr.
    const where = json ? io.stderr : io.stdout;
    if (comparison) where.write(`compared with ${comparePath}: ${comparison.fixed.length} fixed, ${comparison.broken.length} broken, ${comparison.changed.length} changed\n`);
    where.write(`report: ${reportPath}\n`);
  }
  if (!json) {
    io.stdout.write(`answered: ${percent(result.answered, result.total)}\n`);
    io.stdout.write(`exact-match: ${percent(result.correct, result.total)}\n`);
  }
  return gate('exact-match', result.correct, result.total, minAccuracy, io);
}

/** Every error line starts with this, usage and bad input alike, so a script or a person finds it. */
export const ERROR_PREFIX = 'seq2seq-chat: error: ';

const COMMANDS: readonly Command[] = ['train', 'chat', 'eval'];

function isCommand(x: string): x is Command {
  return (COMMANDS as readonly string[]).includes(x);
}

/** The package's version, from the package.json beside out/. */
export function version(): string {
  const raw: unknown = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));
  const v = typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
  return typeof v === 'string' ? v : 'unknown';
}

/** Runs one command; returns the exit code (never calls process.exit except on a second Ctrl+C). */
export async function main(argv: readonly string[], io: Io = process): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) throw new UsageError('expected a command: train, chat or eval');
    if (command === '--version' || command === '-V') {
      io.stdout.write(`seq2seq-chat ${version()}\n`);
      return EXIT_OK;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      const topic = rest[0];
      io.stdout.write((topic !== undefined && isCommand(topic) ? commandUsage(topic) : USAGE) + '\n');
      return EXIT_OK;
    }
    // After `--` everything is a positional argument: `chat -- --help` asks the model "--help".
    const dashes = rest.indexOf('--');
    const options = dashes < 0 ? rest : rest.slice(0, dashes);
    if (isCommand(command) && (options.includes('--help') || options.includes('-h'))) {
      io.stdout.write(commandUsage(command) + '\n');
      return EXIT_OK;
    }
    switch (command) {
      case 'train':
        return await train(rest, io);
      case 'chat':
        return await chat(rest, io);
      case 'eval':
        return await evaluate(rest, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (expected train, chat or eval)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      const help = command !== undefined && isCommand(command) ? `seq2seq-chat ${command} --help` : 'seq2seq-chat --help';
      io.stderr.write(`${ERROR_PREFIX}${e.message}\nRun ${help} for usage.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof PairFileError || e instanceof ModelFileError || e instanceof BadInput || e instanceof TrainingError) {
      io.stderr.write(`${ERROR_PREFIX}${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`seq2seq-chat: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
