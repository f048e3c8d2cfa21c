/**
 * Fits the confidence's logistic-regression weights (src/chat/confidence.ts) and prints them with the
 * trade-offs of a few thresholds.
 *
 *   npm run build && node out/scripts/calibrate.js
 *
 * Data: the *training* files of the quality benchmark (bench/quality/<domain>.train.tsv), never its test
 * files. For each domain, twice, one of every topic's phrasings (the last, then the one before it) is held
 * out and the model is trained, with the defaults, on the others; the held-out phrasings stand for rephrasings (a reply is right or wrong),
 * the off-topic questions below (written for calibration, none of them in bench/quality/offtopic.txt) for
 * questions the model must not answer, and the trained questions for what it must keep answering.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDefaultPairs, readPairs, trainChatModel } from '../src/chat';
import { featureVector, CONFIDENCE_WEIGHTS } from '../src/chat/confidence';
import type { Pair } from '../src/chat/types';

const OFF_TOPIC = [
  'what is the tallest building in the world', 'how many legs does a spider have', 'who painted the mona lisa',
  'what is the boiling point of water', 'how do i make pancakes', 'what year did the titanic sink', 'is pluto a planet',
  'how many moons does jupiter have', 'what is the speed of light', 'recommend a good book', 'what is the largest ocean',
  'how do i learn to play guitar', 'who is the president of france', 'what is photosynthesis', 'how old is the universe',
  'what is the best pizza topping', 'where do penguins live', 'how to tie a tie', 'what does dna stand for',
  'ghjkl poiu', 'mnbvcxz', 'lorem ipsum dolor', 'blorf zinkle wup', 'hhhhhhh', '???', 'the quick brown fox',
  '日本の首都はどこですか', '明日の天気は', '一番高い山は', 'ピザの作り方', '猫は何年生きますか', 'ふじこlp', 'おすすめの本を教えて',
  '宇宙はいつできたの', 'サッカーのルールは', 'ギターの弾き方', '世界で一番大きい国は',
];

interface Sample {
  readonly x: number[];
  readonly y: number;
  readonly kind: 'held-out' | 'off-topic' | 'trained';
}

function read(path: string): Pair[] {
  return readPairs(new Uint8Array(readFileSync(path)), path).pairs;
}

/** Logistic regression by gradient descent with a small L2 penalty (not on the bias). */
function fit(samples: readonly Sample[], epochs = 4000, lr = 0.1, l2 = 1e-3): number[] {
  const d = samples[0].x.length;
  const w = new Array<number>(d).fill(0);
  // weight classes equally: off-topic and wrong replies are fewer than right ones
  const pos = samples.filter((s) => s.y === 1).length;
  const neg = samples.length - pos;
  for (let e = 0; e < epochs; e++) {
    const g = new Array<number>(d).fill(0);
    for (const s of samples) {
      let z = 0;
      for (let i = 0; i < d; i++) z += w[i] * s.x[i];
      const p = 1 / (1 + Math.exp(-z));
      const weight = s.y === 1 ? samples.length / (2 * pos) : samples.length / (2 * neg);
      for (let i = 0; i < d; i++) g[i] += weight * (p - s.y) * s.x[i];
    }
    for (let i = 0; i < d; i++) w[i] -= lr * (g[i] / samples.length + (i > 0 ? l2 * w[i] : 0));
  }
  return w;
}

function predict(w: readonly number[], x: readonly number[]): number {
  let z = 0;
  for (let i = 0; i < x.length; i++) z += w[i] * x[i];
  return 1 / (1 + Math.exp(-z));
}

async function run(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const defaults = readDefaultPairs(root);
  const cacheAt = process.argv.indexOf('--samples');
  const cache = cacheAt > 0 ? process.argv[cacheAt + 1] : undefined;
  const samples: Sample[] = cache && existsSync(cache) ? (JSON.parse(readFileSync(cache, 'utf8')) as Sample[]) : [];
  // Two folds per domain: the last phrasing of every topic held out, then the one before it.
  const runs = ['product', 'devtools', 'hotel'].flatMap((domain) => [1, 2].map((fold) => ({ domain, fold })));
  for (const { domain, fold } of samples.length > 0 ? [] : runs) {
    const pairs = read(join(root, 'bench', 'quality', `${domain}.train.tsv`));
    const byAnswer = new Map<string, Pair[]>();
    for (const p of pairs) byAnswer.set(p.answer, [...(byAnswer.get(p.answer) ?? []), p]);
    const heldOut = [...byAnswer.values()].map((ps) => ps[Math.max(0, ps.length - fold)]);
    const train = pairs.filter((p) => !heldOut.includes(p));
    const { model, report } = await trainChatModel(train, {}, {}, undefined, '', { defaultPairs: defaults });
    const add = (questions: readonly string[], answers: readonly (string | undefined)[], kind: Sample['kind']): void => {
      model.replies(questions).forEach((r, i) => {
        if (r.signals === undefined) return;
        const expected = answers[i];
        const right = expected !== undefined && r.text === model.expectedReply(expected);
        samples.push({ x: featureVector(r.signals), y: right ? 1 : 0, kind });
      });
    };
    add(heldOut.map((p) => p.question), heldOut.map((p) => p.answer), 'held-out');
    add(OFF_TOPIC, OFF_TOPIC.map(() => undefined), 'off-topic');
    add(train.map((p) => p.question), train.map((p) => p.answer), 'trained');
    console.log(`${domain}, fold ${fold}: ${train.length} pairs trained (${report.epochs} epochs, ${report.seconds.toFixed(1)} s), ${heldOut.length} held out`);
  }
  if (cache && !existsSync(cache)) writeFileSync(cache, JSON.stringify(samples));
  const w = fit(samples);
  console.log(`weights (bias, log posterior, log minProb, coverage, similarity, agrees, support): [${w.map((v) => v.toFixed(2)).join(', ')}]`);
  console.log(`current:                                                               [${CONFIDENCE_WEIGHTS.join(', ')}]`);
  const rate = (kind: Sample['kind'], t: number, want: (s: Sample, c: number) => boolean): string => {
    const of = samples.filter((s) => s.kind === kind);
    return ((100 * of.filter((s) => want(s, predict(w, s.x))).length) / of.length).toFixed(1);
  };
  console.log('threshold | held-out sure & right % | held-out right % | off-topic abstained % | trained sure & right %');
  for (const t of [0.05, 0.1, 0.12, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7]) {
    console.log(`${t} | ${rate('held-out', t, (s, c) => s.y === 1 && c >= t)} | ${rate('held-out', t, (s) => s.y === 1)} | ${rate('off-topic', t, (_, c) => c < t)} | ${rate('trained', t, (s, c) => s.y === 1 && c >= t)}`);
  }
  // Calibration: mean confidence vs share right, in bins, over held-out and off-topic replies.
  const bins = [0, 0.2, 0.4, 0.6, 0.8, 1.0001];
  for (let b = 0; b + 1 < bins.length; b++) {
    const inBin = samples.filter((s) => s.kind !== 'trained' && predict(w, s.x) >= bins[b] && predict(w, s.x) < bins[b + 1]);
    if (inBin.length === 0) continue;
    const mean = inBin.reduce((m, s) => m + predict(w, s.x), 0) / inBin.length;
    console.log(`confidence ${bins[b].toFixed(1)}–${Math.min(1, bins[b + 1]).toFixed(1)}: ${inBin.length} replies, mean ${mean.toFixed(2)}, right ${(inBin.filter((s) => s.y === 1).length / inBin.length).toFixed(2)}`);
  }
}

run().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
