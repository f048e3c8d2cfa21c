/**
 * WeightsPin (src/layers/wasm-layers.ts): a decode copies its LSTM weights into the step module once and
 * reuses them for its later steps. The answers must be exactly those of copying them at every step (a state
 * without a pin), also when two decodes take turns and when the weights change between two decodes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from 'ml-matrix';
import { availableKernels, rowsOf, withKernel } from '../../../src/matrix';
import { createModel } from '../../../src/models/factory';
import type { DecoderState, Seq2seqModel } from '../../../src/models/types';
import { Random } from '../../../src/random';
import { requirePrerequisite, skipWithout } from '../helpers/prerequisites';

const fastest = availableKernels()[0];
const noWasm = fastest === 'typescript' ? 'no wasm SIMD in this runtime' : undefined;
const QUESTIONS = [[5, 6, 7, 8], [9, 10, 11, 0]];

/** `steps` greedy steps from `state`, feeding START then each argmax; `unpin` drops the pin before each step. */
function decode(model: Seq2seqModel, state: DecoderState, steps: number, unpin: boolean): number[][][] {
  const probs: number[][][] = [];
  let ids = QUESTIONS.map(() => 1);
  for (let s = 0; s < steps; s++) {
    const r = model.step(unpin ? { ...state, pin: undefined } : state, ids);
    const rows = rowsOf(r.probs).map((row) => Array.from(row));
    probs.push(rows);
    ids = rows.map((row) => row.indexOf(Math.max(...row)));
    state = r.state;
  }
  return probs;
}

describe('WeightsPin: the weights of a decode are copied to wasm once', { skip: skipWithout(noWasm) }, () => {
  for (const kind of ['simple', 'peeky', 'attention'] as const) {
    test(`${kind}: pinned steps give exactly the probabilities of unpinned ones, alone, interleaved and after the weights change`, () => {
      requirePrerequisite(noWasm);
      withKernel(fastest, () => {
        const model = createModel(kind, { vocabSize: 14, wordvec: 6, hidden: 8, reverse: true }, new Random(7));
        const state = model.encode(QUESTIONS);
        assert.ok(state.pin !== undefined, 'encode makes a pin');
        const pinned = decode(model, state, 5, false);
        assert.deepEqual(pinned, decode(model, state, 5, true));
        // two decodes taking turns: each step finds the other's weights resident and copies its own
        const other = model.encode(QUESTIONS);
        let [a, b] = [state, other];
        let ids = QUESTIONS.map(() => 1);
        for (let s = 0; s < 3; s++) {
          const ra = model.step(a, ids);
          const rb = model.step(b, ids);
          assert.deepEqual(rowsOf(ra.probs).map((r) => Array.from(r)), pinned[s], `step ${s}`);
          assert.deepEqual(rowsOf(rb.probs).map((r) => Array.from(r)), pinned[s], `step ${s}, the other decode`);
          ids = rowsOf(ra.probs).map((row) => Array.from(row).indexOf(Math.max(...row)));
          [a, b] = [ra.state, rb.state];
        }
        // training changes the weights in place between decodes: the next decode's pin copies them again
        const Wh: Matrix = model.params[model.params.length - 4];
        for (const row of rowsOf(Wh)) for (let j = 0; j < row.length; j++) row[j] *= 1.5;
        const fresh = model.encode(QUESTIONS);
        const after = decode(model, fresh, 5, false);
        assert.deepEqual(after, decode(model, fresh, 5, true));
        assert.notDeepEqual(after, pinned, 'the changed weights change the probabilities');
      });
    });
  }
});
