import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelKind } from '../../../src/chat/types';
import { greedyDecode } from '../../../src/decode/greedy';
import { createModel } from '../../../src/models/factory';
import { Adam } from '../../../src/optim/adam';
import { clipGrads } from '../../../src/optim/clip';
import { Random } from '../../../src/random';
import { batchOf, TINY_PAIRS, TINY_V } from './tiny-pairs';

const kinds: ModelKind[] = ['simple', 'peeky', 'attention'];

describe('overfitting a handful of pairs', () => {
  for (const kind of kinds) {
    test(`${kind} seq2seq (reversed input) learns six padded pairs to their exact replies`, () => {
      const model = createModel(kind, { vocabSize: TINY_V, wordvec: 8, hidden: 24, reverse: true }, new Random(41));
      const optimizer = new Adam({ lr: 0.02 });
      const { xs, ts } = batchOf(TINY_PAIRS);
      let loss = Infinity;
      for (let step = 0; step < 300 && loss > 0.01; step++) {
        loss = model.forward(xs, ts);
        model.backward();
        clipGrads(model.grads, 5);
        optimizer.update(model.params, model.grads);
      }
      assert.ok(loss < 0.05, `loss ${loss}`);
      for (const pair of TINY_PAIRS) {
        const r = greedyDecode(model, pair.question, { maxLength: 10 });
        assert.deepEqual(r.ids, pair.reply, `question ${pair.question.join(' ')}`);
        assert.equal(r.finished, true);
      }
    });
  }
});
