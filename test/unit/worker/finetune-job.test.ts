/**
 * Fine-tuning in the training worker (src/worker/trainWorker.ts with TrainRequest.fineTune), as *Apply
 * Corrections* runs it: the current model goes in as bytes, the fine-tuned one comes back with the regression
 * check, and the extension host does no training itself.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deserializeModel, serializeModel, trainChatModel } from '../../../src/chat';
import type { Pair } from '../../../src/chat/types';
import { startTrainingJob } from '../../../src/worker/trainingJob';

const WORKER = join(__dirname, '../../../src/worker/trainWorker.js');
const PAIRS: Pair[] = [
  { question: 'hello', answer: 'Hi!', line: 1 },
  { question: 'how are you', answer: 'Fine, thanks.', line: 2 },
  { question: 'who are you', answer: 'A small model.', line: 3 },
];

describe('fine-tuning in the training worker', () => {
  test('returns the fine-tuned model and the regression check; the model gives the correction and keeps the rest', async () => {
    const { model } = await trainChatModel(PAIRS, { hidden: 32, wordvec: 16, batchSize: 4, epochs: 200, patience: 0 });
    const epochs: number[] = [];
    const job = startTrainingJob(WORKER, [{ question: 'how are you', answer: 'Great, thanks for asking!', line: 2 }], {}, 'corrections', {
      onEpoch: (r) => epochs.push(r.epoch),
    }, { fineTune: { model: serializeModel(model) } });
    const out = await job.result;
    assert.equal(out.status, 'completed');
    if (out.status !== 'completed') return;
    assert.ok(out.check?.accepted, JSON.stringify(out.check));
    assert.deepEqual([out.check?.learned, out.check?.corrections, out.check?.broken.length], [1, 1, 0]);
    assert.deepEqual(epochs, out.epochs.map((e) => e.epoch));
    assert.equal(out.report.pairs, 1);
    const tuned = deserializeModel(out.model, 'worker');
    assert.equal(tuned.reply('how are you').text, 'Great, thanks for asking!');
    assert.equal(tuned.reply('who are you').text, 'A small model.');
  });
});
