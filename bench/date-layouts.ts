/**
 * Learning speed of the book's date task in the book's layout against the chat path's (issue #11), from
 * the same initial weights and the same batches: a dump written by a reference run of the book's code
 * (see book-compare.ts: `chars`, `xs` reversed fixed-width question ids, `ts` answer ids starting
 * with `_`) gives the batch order; our AttentionSeq2seq starts from createModel(seed) in both layouts
 * (same vocabulary size, so the same initial weights).
 *
 *   node out/bench/date-layouts.js <dump.json> --layout book|chat [--iters N] [--seed S]
 *
 * book: 29-character questions padded with spaces and reversed as whole rows, answers `_YYYY-MM-DD`, no
 *       END (the book's ch. 8 `train.py`);
 * chat: what `seq2seq-chat train date.txt` feeds the model: questions normalised (normalizeQuestion:
 *       lowercase, NFKC, spaces collapsed, trailing spaces gone), PAD-padded per batch and reversed by the
 *       model (real tokens only, PAD masked), answers START YYYY-MM-DD END;
 * padded: chat, but the questions keep their padding spaces (29 characters, lower-cased), so that reversed
 *       they start with the spaces as in the book's layout.
 * Every 50 iterations it prints the mean training loss, and on a fixed probe of 640 questions (drawn from
 * the dump's last batches) the teacher-forced loss over the 10 date characters only (END excluded, so the
 * layouts compare) and the greedy exact-match of those 10 characters.
 */
import * as fs from 'node:fs';
import { createModel } from '../src/models/factory';
import { END, FIRST_TOKEN_ID, PAD, START } from '../src/models/tokens';
import { Adam } from '../src/optim/adam';
import { clipGrads } from '../src/optim/clip';
import { Random } from '../src/random';
import { normalizeQuestion } from '../src/text';

interface Dump {
  chars: string[];
  xs: number[][];
  ts: number[][];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
}

const padRows = (rows: number[][]): number[][] => {
  const T = Math.max(...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...new Array<number>(T - r.length).fill(PAD)]);
};

function main(): void {
  const file = process.argv[2];
  const layout = arg('--layout', 'book');
  if (file === undefined || !['book', 'chat', 'padded'].includes(layout)) throw new RangeError('usage: node out/bench/date-layouts.js <dump.json> --layout book|chat|padded [--iters N] [--seed S]');
  const dump = JSON.parse(fs.readFileSync(file, 'utf8')) as Dump;
  const N = 128;
  const iters = Number(arg('--iters', '500'));
  const seed = Number(arg('--seed', '1984'));
  const idOf = new Map(dump.chars.map((c, i) => [c, i + FIRST_TOKEN_ID]));
  const V = dump.chars.length + FIRST_TOKEN_ID;
  const under = idOf.get('_') as number;
  // Text of each example: the question in reading order (padding kept), the answer after '_'.
  const text = (k: number): { q: string; a: string } => ({
    q: dump.xs[k].slice().reverse().map((id) => dump.chars[id]).join(''),
    a: dump.ts[k].slice(1).map((id) => dump.chars[id]).join(''),
  });
  const encode = (s: string): number[] => Array.from(s, (c) => {
    const id = idOf.get(c);
    if (id === undefined) throw new RangeError(`date-layouts: character ${JSON.stringify(c)} not in the dump's vocabulary`);
    return id;
  });
  const example = (k: number): { x: number[]; t: number[] } => {
    const { q, a } = text(k);
    if (layout === 'book') return { x: dump.xs[k].map((id) => id + FIRST_TOKEN_ID), t: [under, ...encode(a)] }; // reversed whole rows, as x[:, ::-1]
    if (layout === 'padded') return { x: encode(q.toLowerCase()), t: [START, ...encode(a.trimEnd()), END] }; // the padding spaces kept
    return { x: encode(normalizeQuestion(q)), t: [START, ...encode(a.trimEnd()), END] };
  };
  const batch = (ks: number[]): { xs: number[][]; ts: number[][] } => {
    const e = ks.map(example);
    return { xs: padRows(e.map((r) => r.x)), ts: padRows(e.map((r) => r.t)) };
  };
  const total = dump.xs.length;
  const probe = Array.from({ length: 640 }, (_, i) => total - 640 + i);
  const model = createModel('attention', { vocabSize: V, wordvec: 16, hidden: 256, reverse: layout !== 'book' }, new Random(seed));
  const opt = new Adam(0.001);
  const probeScore = (): { loss: number; exact: number } => {
    let loss = 0;
    let exact = 0;
    for (let s = 0; s < probe.length; s += N) {
      const { xs, ts } = batch(probe.slice(s, s + N));
      const dateOnly = ts.map((r) => r.map((id, j) => (j <= 10 ? id : PAD))); // START + 10 characters: targets are the 10
      loss += model.forward(xs, dateOnly) * xs.length;
      const guess = model.generate(xs, ts[0][0], 10);
      guess.forEach((g, n) => { if (g.every((id, j) => id === ts[n][j + 1])) exact++; });
    }
    return { loss: loss / probe.length, exact: exact / probe.length };
  };
  console.log(`date-layouts: ${layout} layout, V=${V}, seed ${seed}, ${iters} iterations of ${N} from ${file}`);
  let sum = 0;
  const t0 = performance.now();
  for (let it = 0; it < iters; it++) {
    const ks = Array.from({ length: N }, (_, n) => (it * N + n) % total);
    const { xs, ts } = batch(ks);
    sum += model.forward(xs, ts);
    model.backward();
    clipGrads(model.grads, 5);
    opt.update(model.params, model.grads);
    if ((it + 1) % 50 === 0) {
      const p = probeScore();
      console.log(`iter ${String(it + 1).padStart(4)}  train loss ${(sum / 50).toFixed(4)}  probe date-char loss ${p.loss.toFixed(4)}  probe exact ${(100 * p.exact).toFixed(1)} %  ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      sum = 0;
    }
  }
}

if (require.main === module) main();
