import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { additionAccuracy, CharVocab, makeAdditionData, parseArgs, runAddition } from '../../../src/experiments/addition';
import { createModel } from '../../../src/models/factory';
import { FIRST_TOKEN_ID } from '../../../src/models/tokens';
import { Random } from '../../../src/random';

describe('addition experiment (book ch. 7)', () => {
  test('problems are in the book\'s fixed-width form and add up', () => {
    const data = makeAdditionData(200, new Random(1));
    for (const { question, answer } of data) {
      assert.equal(question.length, 7);
      assert.equal(answer.length, 5);
      assert.equal(answer[0], '_');
      const [a, b] = question.trim().split('+').map(Number);
      assert.ok(a >= 0 && a <= 999 && b >= 0 && b <= 999);
      assert.equal(Number(answer.slice(1).trim()), a + b);
    }
    assert.deepEqual(makeAdditionData(5, new Random(7)), makeAdditionData(5, new Random(7)));
  });

  test('the character vocabulary keeps ids 0..3 reserved and round-trips', () => {
    const vocab = new CharVocab(['16+75  ', '_91  ']);
    assert.equal(vocab.encode('1')[0], FIRST_TOKEN_ID);
    assert.equal(vocab.decode(vocab.encode('_91 +')), '_91 +');
    assert.throws(() => vocab.encode('x'), /character "x" is not in the vocabulary/);
  });

  test('arguments default to the book\'s hyperparameters and are checked', () => {
    const o = parseArgs(['--model', 'peeky', '--reverse', '--epochs', '1', '--limit', '5000']);
    assert.deepEqual([o.model, o.reverse, o.epochs, o.limit, o.testLimit, o.batchSize, o.lr, o.hidden, o.wordvec], ['peeky', true, 1, 5000, 556, 128, 0.001, 128, 16]);
    assert.throws(() => parseArgs(['--model', 'big']), /--model expects simple, peeky or attention, got big/);
    assert.throws(() => parseArgs(['--fast']), /unknown argument --fast/);
  });

  test('accuracy is exact match of the greedy answer, and a tiny run completes', async () => {
    const model = createModel('simple', { vocabSize: 8, wordvec: 2, hidden: 3, reverse: false }, new Random(2));
    const xs = [[4, 5], [5, 4]];
    const guess = model.generate(xs, 6, 2);
    assert.equal(additionAccuracy(model, xs, [[6, ...guess[0]], [6, 7, 7]]), guess[1].every((id) => id === 7) ? 1 : 0.5);
    const lines: string[] = [];
    const acc = await runAddition({ ...parseArgs([]), epochs: 1, limit: 256, testLimit: 64, hidden: 8, wordvec: 4 }, (l) => lines.push(l));
    assert.equal(acc.length, 1);
    assert.ok(acc[0] >= 0 && acc[0] <= 1);
    assert.match(lines[1], /^epoch 1\/1 {2}loss \d/);
  });
});
