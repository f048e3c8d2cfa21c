/**
 * Trains the embedded default model from data/default/pairs.tsv with DEFAULT_TRAIN_OPTIONS (fixed seed)
 * and writes data/default/model.s2s, so chat answers right after install.
 *
 *   npm run build && node out/scripts/make-default-model.js [--check] [--random N [--seed S]]
 *
 * Exits 1 unless every training question is answered exactly. `--check` trains but writes nothing.
 * `--random N` instead trains on N made-up pairs of short random phrases (never written anywhere), to
 * check that the defaults also reach 100% on data nobody tuned them for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_MODEL_RELATIVE_PATH, DEFAULT_PAIRS_RELATIVE_PATH, DEFAULT_TRAIN_OPTIONS, evaluateChatModel, readPairs, serializeModel, sha256Hex, trainChatModel,
} from '../src/chat';
import type { Pair } from '../src/chat/types';
import { writeFileAtomic } from '../src/io/atomic';
import { Random } from '../src/random';
import { epochLine } from '../src/cli/progress';

const WORDS = (
  'apple river stone green quick blue seven lamp window music paper orange cloud tiger silver ' +
  'bread north winter coffee garden yellow rocket forest small purple candle ocean quiet bright ' +
  'mountain pencil spring violet thunder honey marble desert velvet copper lemon island shadow'
).split(' ');

/** N pairs of 2–4 random words each; questions distinct. */
function randomPairs(n: number, seed: number): Pair[] {
  const rng = new Random(seed);
  const phrase = (): string => Array.from({ length: 2 + rng.int(3) }, () => WORDS[rng.int(WORDS.length)]).join(' ');
  const seen = new Set<string>();
  const pairs: Pair[] = [];
  while (pairs.length < n) {
    const question = phrase();
    if (seen.has(question)) continue;
    seen.add(question);
    pairs.push({ question, answer: phrase(), line: pairs.length + 1 });
  }
  return pairs;
}

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : Number(process.argv[i + 1]);
}

async function run(): Promise<number> {
  const root = join(__dirname, '..', '..');
  const random = flag('--random');
  if (random !== undefined) {
    const pairs = randomPairs(random, flag('--seed') ?? 12345);
    console.error(`${pairs.length} random pairs, e.g. ${JSON.stringify(pairs[0])}`);
    const { model, report } = await trainChatModel(pairs, DEFAULT_TRAIN_OPTIONS, { onEpoch: (r) => console.error(epochLine(r, DEFAULT_TRAIN_OPTIONS.epochs)) });
    const ev = evaluateChatModel(model, pairs);
    console.log(`random: ${report.epochs} epochs in ${report.seconds.toFixed(1)} s, stopped by ${report.stoppedBy}; exact-match ${ev.correct}/${ev.total}`);
    return ev.correct === ev.total ? 0 : 1;
  }
  const pairsPath = join(root, DEFAULT_PAIRS_RELATIVE_PATH);
  const bytes = new Uint8Array(readFileSync(pairsPath));
  const { pairs, warnings } = readPairs(bytes, DEFAULT_PAIRS_RELATIVE_PATH);
  for (const w of warnings) console.error(`warning: ${w.file}:${w.line}: ${w.message}`);
  console.error(`${pairs.length} pairs; options ${JSON.stringify(DEFAULT_TRAIN_OPTIONS)}`);
  const { model, report } = await trainChatModel(pairs, DEFAULT_TRAIN_OPTIONS, { onEpoch: (r) => console.error(epochLine(r, DEFAULT_TRAIN_OPTIONS.epochs)) }, undefined, sha256Hex(bytes));
  const ev = evaluateChatModel(model, pairs);
  console.log(`${report.epochs} epochs in ${report.seconds.toFixed(1)} s, stopped by ${report.stoppedBy}; exact-match ${ev.correct}/${ev.total}`);
  for (const f of ev.failures.slice(0, 10)) console.log(`  line ${f.line}: ${JSON.stringify(f.question)} → ${JSON.stringify(f.got)} (expected ${JSON.stringify(f.expected)})`);
  if (ev.correct !== ev.total) return 1;
  if (!process.argv.includes('--check')) {
    const out = join(root, DEFAULT_MODEL_RELATIVE_PATH);
    const file = serializeModel(model);
    writeFileAtomic(out, file);
    console.log(`wrote ${out} (${file.length} bytes)`);
  }
  return 0;
}

run().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
