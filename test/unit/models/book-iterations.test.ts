/**
 * Training dynamics against the book's own code (issue #11): the per-iteration losses of a tiny
 * AttentionSeq2seq trained for 12 iterations with clip_grads and the book's Adam must equal the numbers
 * the book's `ch08/attention_seq2seq.py` + `common/optimizer.py` Adam + `common/util.py` clip_grads gave
 * for the same initial weights, batches and hyperparameters (recorded once; the book runs in float32, so
 * they agree to about 1e-7). book-reference.test.ts pins one forward/backward; this pins what happens
 * over several updates: Adam's folded bias correction and ε, the clipping rule, the reversed input, and
 * that the params/grads lists stay paired across updates. The clip threshold (0.35) is below the
 * gradient norm of iterations 3, 4, 7, 8, 11 and 12, so clipping acts on half of them.
 * The float32 training path (every layer in wasm, the default wherever wasm SIMD runs) must follow the
 * same numbers within the same tolerance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel } from '../../../src/models/factory';
import { availableKernels, withKernel } from '../../../src/matrix';
import type { KernelName } from '../../../src/matrix';
import { Adam } from '../../../src/optim/adam';
import { clipGrads } from '../../../src/optim/clip';
import { Random } from '../../../src/random';
import { requirePrerequisite, skipWithout } from '../helpers/prerequisites';

const fastest = availableKernels()[0];
const noWasm = fastest === 'typescript' ? 'no wasm SIMD in this runtime' : undefined;

/** [loss, gradient norm before clipping] per iteration, from the book's code (float32). */
const BOOK: [number, number][] = [
  [2.484106699625651, 0.3060750017346118], [2.474066628350152, 0.31059461300988567],
  [2.4559993743896484, 0.40347361500105716], [2.4529512193467884, 0.4157423453608528],
  [2.431870354546441, 0.302365940298343], [2.422533459133572, 0.3115021909113744],
  [2.3972975413004556, 0.4092390608388077], [2.3998826344807944, 0.42210860022460844],
  [2.3701464335123696, 0.3111299995023863], [2.360936482747396, 0.3174510331820873],
  [2.3267955780029297, 0.4197415854934622], [2.3314198387993708, 0.43191064691396874],
];

/** 12 iterations under `kernel`; asserts each loss and gradient norm within `tolerance` of the book's. */
function followBook(kernel: KernelName, tolerance: number): void {
  withKernel(kernel, () => {
    // V = 12 (ids 4..11 used, no PAD), D = 3, H = 4; questions Tₑ = 5 reversed by the model, answers 4 ids.
    const model = createModel('attention', { vocabSize: 12, wordvec: 3, hidden: 4, reverse: true }, new Random(7));
    const xs = [[4, 5, 6, 7, 8], [9, 10, 11, 4, 4], [5, 5, 9, 6, 11], [7, 8, 10, 10, 4], [11, 9, 8, 7, 6], [6, 4, 5, 10, 9]];
    const ts = [[4, 5, 6, 7], [4, 8, 9, 10], [4, 11, 11, 5], [4, 6, 10, 8], [4, 7, 7, 9], [4, 10, 5, 11]];
    const batches = [[0, 1, 2], [3, 4, 5], [1, 3, 5], [0, 2, 4]];
    const optimizer = new Adam(0.01);
    BOOK.forEach(([bookLoss, bookNorm], it) => {
      const b = batches[it % batches.length];
      const loss = model.forward(b.map((i) => xs[i]), b.map((i) => ts[i]));
      model.backward();
      const norm = clipGrads(model.grads, 0.35);
      optimizer.update(model.params, model.grads);
      assert.ok(Math.abs(loss - bookLoss) < tolerance, `${kernel}, iteration ${it + 1}: loss ${loss}, the book's ${bookLoss}`);
      assert.ok(Math.abs(norm - bookNorm) < tolerance, `${kernel}, iteration ${it + 1}: gradient norm ${norm}, the book's ${bookNorm}`);
    });
  });
}

test('AttentionSeq2seq with clip and Adam follows the book\'s losses iteration by iteration', () => followBook('typescript', 1e-6));

test('so does its float32 training path (wasm LSTM, attention, affine and softmax-with-loss), within 1e-6', { skip: skipWithout(noWasm) }, () => {
  requirePrerequisite(noWasm);
  followBook(fastest, 1e-6);
});
