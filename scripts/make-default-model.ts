/**
 * Trains the embedded default model from data/default/pairs.tsv with DEFAULT_TRAIN_OPTIONS (fixed seed)
 * and writes data/default/model.s2s, so chat answers right after install.
 *
 *   npm run build && node out/scripts/make-default-model.js [--check]
 *
 * Exits 1 unless every training question is answered exactly. `--check` trains but writes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_MODEL_RELATIVE_PATH, DEFAULT_PAIRS_RELATIVE_PATH, DEFAULT_TRAIN_OPTIONS, evaluateChatModel, readPairs, serializeModel, sha256Hex, trainChatModel,
} from '../src/chat';
import { writeFileAtomic } from '../src/io/atomic';
import { epochLine } from '../src/cli/progress';

async function run(): Promise<number> {
  const root = join(__dirname, '..', '..');
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
