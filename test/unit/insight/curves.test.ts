import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserializeModel, serializeModel, trainChatModel, type EpochReport, type Pair, type TrainProgress } from '../../../src/chat';
import { appendRun, CurveRecorder, historyProblem, MAX_RUNS, SMOOTHING, STORED_ITERATION_POINTS, thinPoints, type TrainingRun } from '../../../src/train/curves';
import { decodeModelFile } from '../../../src/io/model-file';

const ROOT = join(__dirname, '..', '..', '..', '..');

function progress(epoch: number, iteration: number, loss: number, iterations = 4): TrainProgress {
  return { epoch, epochs: 10, iteration, iterations, loss, samplesPerSecond: 100, eta: 5 };
}
function epoch(e: number, loss: number, accuracy: number, valLoss?: number): EpochReport {
  return { epoch: e, loss, accuracy, seconds: 0.5, ...(valLoss !== undefined ? { valLoss } : {}) };
}

describe('CurveRecorder', () => {
  test('places iterations on the epoch axis and smooths them with a debiased moving average', () => {
    const rec = new CurveRecorder(10);
    rec.onProgress(progress(1, 1, 4));
    rec.onProgress(progress(1, 2, 2));
    rec.onProgress(progress(2, 4, 2));
    const it = rec.curves().iterations;
    assert.deepEqual(it.map((p) => p.x), [0.25, 0.5, 2]);
    assert.equal(it[0].smoothed, 4, 'the first smoothed value is the first loss (bias corrected)');
    // By hand: ema1 = 0.1·4 = 0.4; ema2 = 0.9·0.4 + 0.1·2 = 0.56; debiased by 1 − 0.9² = 0.19.
    assert.ok(Math.abs(it[1].smoothed - 0.56 / (1 - SMOOTHING ** 2)) < 1e-12);
    assert.ok(it[1].smoothed < 4 && it[1].smoothed > 2);
  });

  test('a constant loss smooths to itself; a non-finite loss is not drawn', () => {
    const rec = new CurveRecorder(3);
    for (let i = 1; i <= 4; i++) rec.onProgress(progress(1, i, 1.5));
    rec.onProgress(progress(2, 1, Number.NaN));
    const it = rec.curves().iterations;
    assert.equal(it.length, 4);
    for (const p of it) assert.ok(Math.abs(p.smoothed - 1.5) < 1e-12);
  });

  test('marks the best epoch by the trainer\'s rule: accuracy first, then validation loss', () => {
    const rec = new CurveRecorder(10);
    rec.onEpoch(epoch(1, 3, 0.5, 2.0));
    rec.onEpoch(epoch(2, 2, 0.8, 1.9));
    rec.onEpoch(epoch(3, 1, 0.8, 1.5)); // same accuracy, lower validation loss
    rec.onEpoch(epoch(4, 0.5, 0.7, 1.0)); // lower accuracy: not best despite the losses
    const c = rec.curves();
    assert.equal(c.bestEpoch, 3);
    assert.deepEqual(c.epochs.map((p) => p.valLoss), [2.0, 1.9, 1.5, 1.0]);
  });

  test('early stopping is marked after the last epoch, divergence during the next one', () => {
    const early = new CurveRecorder(10);
    for (let e = 1; e <= 3; e++) early.onEpoch(epoch(e, 1, 0.5));
    early.finish('early-stopping', 'No improvement for 2 epoch(s)');
    assert.deepEqual(early.curves().stop, { reason: 'early-stopping', epoch: 3, message: 'No improvement for 2 epoch(s)' });
    assert.equal(early.curves().eta, undefined, 'no ETA once stopped');

    const diverged = new CurveRecorder(10);
    diverged.onEpoch(epoch(1, 1, 0.5));
    diverged.onProgress(progress(2, 1, 900));
    diverged.finish('non-finite', 'Training diverged at epoch 2, iteration 2');
    assert.equal(diverged.curves().stop?.epoch, 2);
    assert.equal(diverged.curves().stop?.reason, 'non-finite');
  });

  test('thinning keeps the first and last points and at most the limit', () => {
    const pts = Array.from({ length: 1001 }, (_, i) => i);
    const thin = thinPoints(pts, 200);
    assert.ok(thin.length <= 200);
    assert.equal(thin[0], 0);
    assert.equal(thin[thin.length - 1], 1000);
    assert.deepEqual(thinPoints([1, 2, 3], 10), [1, 2, 3]);
  });
});

describe('a model\'s history', () => {
  const pairs: Pair[] = [
    { question: 'hello', answer: 'Hi there.', line: 1 },
    { question: 'bye', answer: 'See you.', line: 2 },
  ];

  test('survives a save and load, thinned, and a file without it loads with an empty history', async () => {
    const rec = new CurveRecorder(4);
    const { model, report } = await trainChatModel(pairs, { epochs: 4, hidden: 8, wordvec: 4, includeDefaultPairs: false, patience: 0 }, {
      onProgress: (p) => rec.onProgress(p),
      onEpoch: (r) => rec.onEpoch(r),
    });
    rec.finish(report.stoppedBy, report.message);
    const run: TrainingRun = { file: 'tiny.tsv', options: model.options, report, curves: rec.curves() };
    const many = { ...run, curves: { ...run.curves, iterations: Array.from({ length: 1000 }, (_, i) => ({ x: i / 250, loss: 1, smoothed: 1 })) } };
    const withHistory = model.withHistory(appendRun(appendRun([], run), many));
    const back = deserializeModel(serializeModel(withHistory), 'tiny.s2s');
    assert.equal(back.history.length, 2);
    assert.equal(back.history[0].file, 'tiny.tsv');
    assert.deepEqual(back.history[0].curves.epochs.map((p) => p.epoch), run.curves.epochs.map((p) => p.epoch));
    assert.equal(back.history[0].curves.bestEpoch, run.curves.bestEpoch);
    assert.ok(back.history[1].curves.iterations.length <= STORED_ITERATION_POINTS);
    assert.equal(back.reply('hello').text, withHistory.reply('hello').text, 'the weights are unchanged');

    const old = deserializeModel(new Uint8Array(readFileSync(join(ROOT, 'data', 'default', 'model.s2s'))), 'model.s2s');
    assert.deepEqual(old.history, []);
    assert.equal(decodeModelFile(serializeModel(old)).header.history, undefined, 'an empty history is not written');
  });

  test('keeps the newest MAX_RUNS runs', () => {
    const run = (i: number): TrainingRun => ({
      file: `f${i}.tsv`, options: {},
      report: { dataHash: '', pairs: 1, epochs: 1, stoppedBy: 'completed', loss: 1, accuracy: 1, date: '1970-01-01T00:00:00.000Z', seconds: 0 },
      curves: { epochsPlanned: 1, epochs: [], iterations: [], bestEpoch: 0 },
    });
    let h: TrainingRun[] = [];
    for (let i = 0; i < MAX_RUNS + 3; i++) h = appendRun(h, run(i));
    assert.equal(h.length, MAX_RUNS);
    assert.equal(h[0].file, 'f3.tsv');
    assert.equal(h[h.length - 1].file, `f${MAX_RUNS + 2}.tsv`);
    assert.equal(historyProblem(JSON.parse(JSON.stringify(h))), undefined);
  });

  test('a malformed stored history is named', () => {
    assert.match(historyProblem({}) ?? '', /expected "history" to be an array/);
    assert.match(historyProblem([{ file: 1 }]) ?? '', /history\[0\]\.file/);
    const run = { file: 'a', options: {}, report: { dataHash: '', pairs: 1, epochs: 1, stoppedBy: 'completed', loss: null, accuracy: 1, date: 'd', seconds: 0 }, curves: { epochsPlanned: 1, epochs: [{ epoch: 1 }], iterations: [], bestEpoch: 0 } };
    assert.match(historyProblem([run]) ?? '', /history\[0\]\.curves\.epochs/);
  });
});
