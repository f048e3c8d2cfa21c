/**
 * `npm run bench:quality`: answers users can trust (issue #9). For each FAQ domain in bench/quality/ (product,
 * devtools, hotel; English and Japanese), trains our model with the default settings on the domain's training
 * phrasings (plus the embedded default small talk, as the extension does) and measures:
 *
 * - trained: the training questions answered exactly and `sure` (what a user sees is the answer);
 * - unseen: the test phrasings (written separately, never trained) answered exactly and `sure`;
 * - unseen, any confidence: answered exactly whatever `sure` says (the gap to `unseen` is what the threshold costs);
 * - off-topic abstained: bench/quality/offtopic.txt answered not-sure (the same questions for every domain);
 * - greetings: bench/quality/greetings.tsv (default small talk) answered exactly and `sure`;
 * - AUROC of `confidence` separating the unseen phrasings answered right from the off-topic questions
 *   (1 = a threshold can split them perfectly, 0.5 = confidence says nothing);
 * - train seconds, wall and process CPU.
 *
 * Beside it, a peer: NLP.js (node-nlp), an intent classifier trained on the same pairs (one intent per distinct
 * answer, the default small talk included), which answers 'None' when no intent scores high enough.
 * A reply is compared with the expected answer after the model's own answer normalisation (`expectedReply`).
 * Prints figures only, asserts nothing; a domain that fails to train is reported and the run goes on.
 *
 *   node out/bench/quality.js [--domain NAME] [--options JSON] [--json FILE] [--no-peer]
 *
 * --domain: one domain only (product, devtools, hotel, or all: the three files concatenated, not run by default;
 *   or library, written after the fit and never in the mean);
 * --options: a JSON Partial<TrainOptions> merged over the defaults, e.g. '{"model":"attention","tokenizer":"word"}';
 * --json: also write every figure to FILE; --no-peer: skip NLP.js (its figures do not change with our engine).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NlpManager, type NlpLogger } from 'node-nlp';
import {
  DEFAULT_NORMALIZE_OPTIONS,
  readDefaultPairs,
  readPairs,
  trainChatModel,
  withDefaultPairs,
  type ChatModel,
  type Pair,
  type TrainOptions,
} from '../src/chat';

// Compiled to out/bench/; the data stays in the source tree.
const ROOT = join(__dirname, '..', '..');
const DATA = join(ROOT, 'bench', 'quality');
const DOMAINS = ['product', 'devtools', 'hotel'] as const;
/**
 * Domains written after the confidence was fitted, run only by name (`--domain library`), never in the mean:
 * a check on a FAQ that no fit and no choice of this project has seen.
 */
const HELD_OUT = ['library'] as const;
/** Example failures printed per domain. */
const EXAMPLES = 5;

// ------------------------------------------------------------------------------------------- options

interface Options {
  readonly domains: readonly string[];
  readonly train: Partial<TrainOptions>;
  readonly json?: string;
  readonly peer: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag}: expected a value after it, got ${v === undefined ? 'nothing' : `'${v}'`}`);
    return v;
  };
  const known = new Set(['--domain', '--options', '--json', '--no-peer']);
  argv.forEach((a, i) => {
    if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown flag '${a}'; expected --domain, --options, --json or --no-peer`);
    if (!a.startsWith('--') && !(i > 0 && known.has(argv[i - 1]) && argv[i - 1] !== '--no-peer')) throw new Error(`unexpected argument '${a}'`);
  });
  const domain = value('--domain');
  if (domain !== undefined && domain !== 'all' && !(DOMAINS as readonly string[]).includes(domain) && !(HELD_OUT as readonly string[]).includes(domain)) {
    throw new Error(`--domain: expected ${[...DOMAINS, ...HELD_OUT].join(', ')} or all, got '${domain}'`);
  }
  const optionsText = value('--options');
  let train: Partial<TrainOptions> = {};
  if (optionsText !== undefined) {
    const parsed: unknown = JSON.parse(optionsText);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`--options: expected a JSON object, got ${optionsText}`);
    train = parsed as Partial<TrainOptions>;
  }
  return { domains: domain === undefined ? DOMAINS : [domain], train, json: value('--json'), peer: !argv.includes('--no-peer') };
}

// ------------------------------------------------------------------------------------------- data

interface Domain {
  readonly name: string;
  readonly train: readonly Pair[];
  readonly test: readonly Pair[];
}

function readPairFile(file: string): Pair[] {
  const result = readPairs(new Uint8Array(readFileSync(join(DATA, file))), file);
  for (const w of result.warnings) console.error(`warning: ${w.file}:${w.line}: ${w.message}`);
  return result.pairs;
}

function readDomain(name: string): Domain {
  if (name !== 'all') return { name, train: readPairFile(`${name}.train.tsv`), test: readPairFile(`${name}.test.tsv`) };
  const parts = DOMAINS.map(readDomain);
  return { name, train: parts.flatMap((d) => d.train), test: parts.flatMap((d) => d.test) };
}

/** Lines of a plain list, blank and `#` lines skipped. */
function readLines(file: string): string[] {
  return readFileSync(join(DATA, file), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

// ------------------------------------------------------------------------------------------- figures

/** A reply as the benchmark sees it: its text, whether it would be shown (`sure`), and the confidence behind that. */
interface Answered {
  readonly text: string;
  readonly sure: boolean;
  readonly confidence: number;
  /** The reply hit the length limit before its end (ours only: `Reply.cut`). */
  readonly cut: boolean;
}

type Answerer = (question: string) => Promise<Answered>;

interface Figures {
  /** Percentages, 0–100. */
  readonly trained: number;
  readonly unseen: number;
  readonly unseenAnyConfidence: number;
  readonly offTopicAbstained: number;
  readonly greetings: number;
  /** AUROC of confidence, unseen-and-right vs off-topic; null when no unseen phrasing was answered right. */
  readonly auroc: number | null;
  readonly trainSeconds: number;
  readonly trainCpuSeconds: number;
  /** Share of trained, unseen and greeting questions whose reply was cut at the length limit, %. */
  readonly cut: number;
  /** Mean wall milliseconds per question answered. */
  readonly replyMs: number;
}

interface Measured {
  readonly figures: Figures;
  readonly examples: string[];
}

interface DomainResult {
  readonly domain: string;
  readonly counts: { readonly train: number; readonly test: number; readonly offTopic: number; readonly greetings: number };
  readonly ours: (Figures & { readonly epochs: number; readonly stoppedBy: string; readonly pairsTrained: number }) | { readonly error: string };
  readonly peer?: Figures | { readonly error: string };
  /** The failures printed for each side (unseen phrasings answered wrong or not sure, off-topic answered sure). */
  readonly examples: { readonly ours: string[]; readonly peer: string[] };
}

const percent = (k: number, n: number): number => (n === 0 ? 0 : Math.round((1000 * k) / n) / 10);

/** Probability that a random positive scores above a random negative, ties counting half (Mann–Whitney U / mn). */
function auroc(positives: readonly number[], negatives: readonly number[]): number | null {
  if (positives.length === 0 || negatives.length === 0) return null;
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return Math.round((1000 * wins) / (positives.length * negatives.length)) / 1000;
}

function clip(text: string, max = 90): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > max ? chars.slice(0, max).join('') + '…' : text);
}

/** Asks every question; `expected` maps an answer to the text a right reply equals. */
async function measure(
  answer: Answerer,
  expected: (answer: string) => string,
  domain: Domain,
  offTopic: readonly string[],
  greetings: readonly Pair[],
  time: { seconds: number; cpuSeconds: number },
): Promise<Measured> {
  const right = async (p: Pair): Promise<{ pair: Pair; got: Answered; exact: boolean }> => {
    const got = await answer(p.question);
    return { pair: p, got, exact: got.text === expected(p.answer) };
  };
  const started = process.hrtime.bigint();
  const trained = await Promise.all(domain.train.map(right));
  const unseen = await Promise.all(domain.test.map(right));
  const greeted = await Promise.all(greetings.map(right));
  const off = await Promise.all(offTopic.map(async (q) => ({ question: q, got: await answer(q) })));
  const asked = trained.length + unseen.length + greeted.length + off.length;
  const replyMs = Number(process.hrtime.bigint() - started) / 1e6 / asked;
  const count = <T>(xs: readonly T[], f: (x: T) => boolean): number => xs.filter(f).length;
  const wrong = unseen.filter((u) => !(u.exact && u.got.sure));
  const examples = Array.from({ length: Math.min(EXAMPLES, wrong.length) }, (_, i) => wrong[Math.floor((i * wrong.length) / Math.min(EXAMPLES, wrong.length))]).map(
    (u) => `unseen ${clip(u.pair.question, 50)} → ${clip(u.got.text)} (confidence ${u.got.confidence.toFixed(2)}, ${u.got.sure ? 'sure' : 'not sure'}); expected ${clip(u.pair.answer)}`,
  );
  const answeredOff = off.filter((o) => o.got.sure).slice(0, 3);
  examples.push(...answeredOff.map((o) => `off-topic ${clip(o.question, 50)} → ${clip(o.got.text)} (confidence ${o.got.confidence.toFixed(2)}, sure)`));
  return {
    figures: {
      trained: percent(count(trained, (t) => t.exact && t.got.sure), trained.length),
      unseen: percent(count(unseen, (u) => u.exact && u.got.sure), unseen.length),
      unseenAnyConfidence: percent(count(unseen, (u) => u.exact), unseen.length),
      offTopicAbstained: percent(count(off, (o) => !o.got.sure), off.length),
      greetings: percent(count(greeted, (g) => g.exact && g.got.sure), greeted.length),
      auroc: auroc(unseen.filter((u) => u.exact).map((u) => u.got.confidence), off.map((o) => o.got.confidence)),
      trainSeconds: Math.round(time.seconds * 10) / 10,
      trainCpuSeconds: Math.round(time.cpuSeconds * 10) / 10,
      cut: percent(count([...trained, ...unseen, ...greeted], (x) => x.got.cut), trained.length + unseen.length + greeted.length),
      replyMs: Math.round(replyMs * 100) / 100,
    },
    examples,
  };
}

/** Wall and process-CPU seconds of `run` (CPU includes every thread of this process). */
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { value, seconds: Number(process.hrtime.bigint() - wall) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 };
}

// ------------------------------------------------------------------------------------------- ours

async function trainOurs(domain: Domain, options: Partial<TrainOptions>, defaults: readonly Pair[]): Promise<{ model: ChatModel; seconds: number; cpuSeconds: number }> {
  const t = await timed(() =>
    trainChatModel(
      domain.train,
      options,
      {
        onEpoch(r) {
          if (r.epoch % 10 === 0) console.error(`  ${domain.name}: epoch ${r.epoch}, loss ${r.loss.toFixed(3)}, exact ${(100 * r.accuracy).toFixed(1)} %, ${r.seconds.toFixed(0)} s`);
        },
      },
      undefined,
      '',
      { defaultPairs: defaults },
    ),
  );
  return { model: t.value.model, seconds: t.seconds, cpuSeconds: t.cpuSeconds };
}

// ------------------------------------------------------------------------------------------- peer

function languageOf(text: string): 'ja' | 'en' {
  return /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u.test(text) ? 'ja' : 'en';
}

const SILENT: NlpLogger = { debug() {}, info() {}, warn() {}, error() {}, log() {}, trace() {}, fatal() {} };

/** NLP.js trained on `pairs`: one intent per distinct answer, each phrasing in its detected language. */
async function trainPeer(pairs: readonly Pair[]): Promise<{ answer: Answerer; seconds: number; cpuSeconds: number }> {
  const manager = new NlpManager({ languages: ['en', 'ja'], forceNER: false, autoSave: false, nlu: { log: false } });
  // Its training log is off (nlu.log); this also silences the warnings, e.g. "1+1は" holding only stop words.
  manager.container.register('logger', SILENT);
  const intents = new Map<string, string>();
  const answered = new Set<string>();
  for (const p of pairs) {
    let intent = intents.get(p.answer);
    if (intent === undefined) {
      intent = `a${intents.size}`;
      intents.set(p.answer, intent);
    }
    const lang = languageOf(p.question);
    manager.addDocument(lang, p.question, intent);
    if (!answered.has(`${lang} ${intent}`)) {
      manager.addAnswer(lang, intent, p.answer);
      answered.add(`${lang} ${intent}`);
    }
  }
  const t = await timed(() => manager.train());
  const answer: Answerer = async (question) => {
    const r = await manager.process(languageOf(question), question);
    const sure = r.intent !== 'None' && r.answer !== undefined;
    return { text: r.answer ?? '', sure, confidence: sure ? r.score : 0, cut: false };
  };
  return { answer, seconds: t.seconds, cpuSeconds: t.cpuSeconds };
}

/** Trains NLP.js once on two phrasings, so that loading its language modules is not counted in the first domain's time. */
async function warmUpPeer(): Promise<void> {
  await trainPeer([
    { question: 'hello there', answer: 'Hi.', line: 1 },
    { question: 'こんにちは', answer: 'どうも。', line: 2 },
  ]);
}

// ------------------------------------------------------------------------------------------- report

const cell = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '—' : v.toFixed(digits));

function isFigures<T extends object>(x: T | { readonly error: string } | undefined): x is T {
  return x !== undefined && !('error' in x);
}

function meanOf(results: readonly DomainResult[], pick: (r: DomainResult) => number | null | undefined): number | null {
  const xs = results.map(pick).filter((x): x is number => typeof x === 'number');
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Mean of every figure over the domains that have it (null when none has). */
function means(results: readonly DomainResult[]): { ours: Record<string, number | null>; peer: Record<string, number | null> } {
  const keys: (keyof Figures)[] = ['trained', 'unseen', 'unseenAnyConfidence', 'offTopicAbstained', 'greetings', 'auroc', 'trainSeconds', 'trainCpuSeconds', 'cut', 'replyMs'];
  const side = (pick: (r: DomainResult) => Figures | undefined): Record<string, number | null> =>
    Object.fromEntries(keys.map((k) => [k, meanOf(results, (r) => pick(r)?.[k])]));
  return { ours: side((r) => (isFigures(r.ours) ? r.ours : undefined)), peer: side((r) => (isFigures<Figures>(r.peer) ? r.peer : undefined)) };
}

function printTables(results: readonly DomainResult[]): void {
  type Column = readonly [string, (r: DomainResult) => number | null | undefined, number];
  const ours = (r: DomainResult): Figures | undefined => (isFigures(r.ours) ? r.ours : undefined);
  const peer = (r: DomainResult): Figures | undefined => (isFigures<Figures>(r.peer) ? r.peer : undefined);
  const main: Column[] = [
    ['ours trained %', (r) => ours(r)?.trained, 1],
    ['ours unseen %', (r) => ours(r)?.unseen, 1],
    ['ours unseen, ignoring threshold %', (r) => ours(r)?.unseenAnyConfidence, 1],
    ['ours off-topic abstained %', (r) => ours(r)?.offTopicAbstained, 1],
    ['ours greetings %', (r) => ours(r)?.greetings, 1],
    ['ours train s', (r) => ours(r)?.trainSeconds, 1],
    ['peer trained %', (r) => peer(r)?.trained, 1],
    ['peer unseen %', (r) => peer(r)?.unseen, 1],
    ['peer off-topic abstained %', (r) => peer(r)?.offTopicAbstained, 1],
    ['peer greetings %', (r) => peer(r)?.greetings, 1],
    ['peer train s', (r) => peer(r)?.trainSeconds, 1],
  ];
  const extra: Column[] = [
    ['ours AUROC', (r) => ours(r)?.auroc, 3],
    ['peer AUROC', (r) => peer(r)?.auroc, 3],
    ['ours train CPU s', (r) => ours(r)?.trainCpuSeconds, 1],
    ['peer train CPU s', (r) => peer(r)?.trainCpuSeconds, 1],
    ['ours replies cut %', (r) => ours(r)?.cut, 1],
    ['ours reply ms', (r) => ours(r)?.replyMs, 2],
    ['peer reply ms', (r) => peer(r)?.replyMs, 2],
    ['ours epochs', (r) => (isFigures(r.ours) ? r.ours.epochs : undefined), 0],
    ['ours pairs trained', (r) => (isFigures(r.ours) ? r.ours.pairsTrained : undefined), 0],
  ];
  for (const columns of [main, extra]) {
    console.log(`| domain | ${columns.map((c) => c[0]).join(' | ')} |`);
    console.log(`|---|${columns.map(() => '---:').join('|')}|`);
    for (const r of results) console.log(`| ${r.domain} | ${columns.map(([, pick, d]) => cell(pick(r), d)).join(' | ')} |`);
    if (results.length > 1) console.log(`| mean | ${columns.map(([, pick, d]) => cell(meanOf(results, pick), d)).join(' | ')} |`);
    console.log('');
  }
}

// ------------------------------------------------------------------------------------------- main

async function runDomain(name: string, options: Options, defaults: readonly Pair[], offTopic: readonly string[], greetings: readonly Pair[]): Promise<DomainResult> {
  const domain = readDomain(name);
  const counts = { train: domain.train.length, test: domain.test.length, offTopic: offTopic.length, greetings: greetings.length };
  console.log(`## ${name}: ${counts.train} training phrasings, ${counts.test} test phrasings, ${new Set(domain.train.map((p) => p.answer)).size} answers`);
  const examples = { ours: [] as string[], peer: [] as string[] };
  let ours: DomainResult['ours'];
  try {
    const trained = await trainOurs(domain, options.train, defaults);
    const model = trained.model;
    const answer: Answerer = async (q) => {
      const r = model.reply(q);
      return { text: r.text, sure: r.sure, confidence: r.confidence, cut: r.cut };
    };
    const m = await measure(answer, (a) => model.expectedReply(a), domain, offTopic, greetings, trained);
    const report = model.report;
    ours = { ...m.figures, epochs: report?.epochs ?? 0, stoppedBy: report?.stoppedBy ?? '', pairsTrained: (report?.pairs ?? 0) + (report?.defaultPairs ?? 0) };
    console.log(
      `ours: trained in ${m.figures.trainSeconds} s (${m.figures.trainCpuSeconds} s CPU), ${ours.epochs} epochs, ${ours.stoppedBy}, ` +
        `${ours.pairsTrained} pairs (${domain.train.length} from the domain file, ${ours.pairsTrained - domain.train.length} default small talk)`,
    );
    for (const e of m.examples) console.log(`  ${e}`);
    examples.ours = m.examples;
  } catch (e) {
    ours = { error: e instanceof Error ? e.message : String(e) };
    console.log(`ours: FAILED: ${ours.error}`);
  }
  let peer: DomainResult['peer'];
  if (options.peer) {
    try {
      const trained = await trainPeer(withDefaultPairs(domain.train, defaults, DEFAULT_NORMALIZE_OPTIONS));
      const m = await measure(trained.answer, (a) => a, domain, offTopic, greetings, trained);
      peer = m.figures;
      console.log(`peer: trained in ${m.figures.trainSeconds} s (${m.figures.trainCpuSeconds} s CPU)`);
      for (const e of m.examples) console.log(`  ${e}`);
      examples.peer = m.examples;
    } catch (e) {
      peer = { error: e instanceof Error ? e.message : String(e) };
      console.log(`peer: FAILED: ${peer.error}`);
    }
  }
  console.log('');
  return { domain: name, counts, ours, ...(peer ? { peer } : {}), examples };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const defaults = readDefaultPairs(ROOT);
  const offTopic = readLines('offtopic.txt');
  const greetings = readPairFile('greetings.tsv');
  console.log(`# bench:quality — ${new Date().toISOString()}, Node ${process.version}, train options ${JSON.stringify(options.train)}`);
  console.log(`${offTopic.length} off-topic questions, ${greetings.length} greetings, ${defaults.length} default small-talk pairs trained with each domain\n`);
  if (options.peer) await warmUpPeer();
  const results: DomainResult[] = [];
  // The JSON file is rewritten after every domain (`complete: false` until the last), so a long run that is
  // stopped still leaves the domains it finished.
  const save = (complete: boolean): void => {
    if (options.json === undefined) return;
    const figures = JSON.stringify({ date: new Date().toISOString(), node: process.version, trainOptions: options.train, complete, results, mean: means(results) }, null, 2);
    writeFileSync(options.json, figures + '\n');
  };
  for (const name of options.domains) {
    results.push(await runDomain(name, options, defaults, offTopic, greetings));
    save(results.length === options.domains.length);
  }
  printTables(results);
  if (options.json !== undefined) console.log(`figures written to ${options.json}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
