/**
 * Our models against the book's own code: test/unit/models/book_reference.py is a float64 NumPy port
 * of the book's layers and seq2seq models. Same weights and batch in, the loss and every gradient must
 * agree — which pins down what a gradient check cannot: the gate order (f, g, i, o), the peeky
 * concatenation order (h, x) and (h, hs), attention's (context, h), and the params order.
 * Skipped where python3 with NumPy is not installed, except under CI (env CI set), where that fails
 * (test/unit/helpers/prerequisites.ts). Batches have no PAD in the questions (the book
 * has no encoder mask); PAD targets are compared with the book's ignore_label set to PAD.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { ModelKind } from '../../../src/chat/types';
import { createModel } from '../../../src/models/factory';
import { END, PAD, START } from '../../../src/models/tokens';
import { setKernel, typescriptKernel } from '../../../src/matrix';
import { Random } from '../../../src/random';
import { requirePrerequisite, skipWithout } from '../helpers/prerequisites';

const script = path.resolve(__dirname, '../../../../test/unit/models/book_reference.py');
const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const missing = numpy ? undefined : 'python3 with NumPy is not installed (it runs the book reference test/unit/models/book_reference.py)';

function book(kind: ModelKind, params: number[][][], xs: number[][], ts: number[][]): { loss: number; grads: number[][][] } {
  const r = spawnSync('python3', [script], { input: JSON.stringify({ kind, params, xs, ts }), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`book_reference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { loss: number; grads: number[][][] };
}

describe('agreement with the book\'s NumPy code', { skip: skipWithout(missing) }, () => {
  for (const kind of ['simple', 'peeky', 'attention'] as ModelKind[]) {
    test(`${kind}: loss and every gradient equal the book's to float64 rounding`, () => {
      requirePrerequisite(missing);
      const previous = setKernel(typescriptKernel);
      try {
        const model = createModel(kind, { vocabSize: 12, wordvec: 3, hidden: 4, reverse: false }, new Random(91));
        for (const p of model.params) p.mul(30 / Math.sqrt(p.rows * p.columns) + 1); // make every entry matter
        const xs = [[4, 5, 6, 7], [8, 9, 10, 11], [11, 4, 4, 9]];
        const ts = [[START, 5, 6, END], [START, 7, END, PAD], [START, 11, 10, END]];
        const loss = model.forward(xs, ts);
        model.backward();
        const ref = book(kind, model.params.map((p) => p.to2DArray()), xs, ts);
        assert.ok(Math.abs(loss - ref.loss) < 1e-12, `loss ${loss} vs book ${ref.loss}`);
        assert.equal(ref.grads.length, model.grads.length);
        model.grads.forEach((g, i) => {
          const want = ref.grads[i];
          assert.deepEqual([g.rows, g.columns], [want.length, want[0].length], `grads[${i}] shape`);
          let worst = 0;
          g.to2DArray().forEach((row, r) => row.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - want[r][c])))));
          assert.ok(worst < 1e-10, `grads[${i}] differs from the book's by ${worst}`);
        });
      } finally {
        setKernel(previous);
      }
    });
  }
});
