/**
 * A reply's cost estimated before the work (src/chat/replyCost.ts), which decides where the extension computes
 * it (src/worker/replyClient.ts `repliesOffThread`): hand-computed cases for each kind and strategy, settings
 * beyond their bounds counted at the bounds, bad shapes refused, and the estimate against measured replies that
 * never end early (a random model's free and beam replies): never below them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_RELATIVE_PATH, deserializeModel, type DecodeOptions } from '../../../src/chat';
import { DEFAULT_DECODE_OPTIONS } from '../../../src/chat/defaults';
import { estimateReplyCost, HOST_MULTIPLY_ADDS_PER_MS, HOST_REPLY_BUDGET_MS, MAX_REPLY_STEPS, replyShape, type ReplyShape } from '../../../src/chat/replyCost';
import { syntheticModel } from '../../../bench/heavy-files';

const ROOT = join(__dirname, '../../../..');
const FREE: DecodeOptions = { strategy: 'greedy', constrained: false, maxLength: 5 };
const shape = (s: Partial<ReplyShape> = {}): ReplyShape => ({ kind: 'simple', vocabSize: 10, wordvec: 2, hidden: 3, maxReplyLength: 7, knowsAnswers: false, ...s });

describe('reply cost estimate', () => {
  test('hand-computed: encoder, decoder steps, beams and "Why?" for a simple model', () => {
    // encoder 4 tokens × 4H(D+H) = 4·12·5 = 240; a step 4H(D+H) + H·V + 4V = 60 + 30 + 40 = 130
    assert.deepEqual(estimateReplyCost(shape(), FREE, 4), { steps: 5, beams: 1, multiplyAdds: 240 + 5 * 130, ms: (240 + 650) / HOST_MULTIPLY_ADDS_PER_MS });
    // 2 beams: a step 2·130 + a top-k pass 2·V + the kept lists 2·L = 260 + 20 + 10
    assert.equal(estimateReplyCost(shape(), { strategy: 'beam', beamWidth: 2, maxLength: 5 }, 4).multiplyAdds, 240 + 5 * 290);
    // sampling walks like greedy
    assert.equal(estimateReplyCost(shape(), { strategy: 'sample', temperature: 1, maxLength: 5 }, 4).multiplyAdds, 890);
    // "Why?": the reply, then a 5-beam search over the same steps: 240 + 5·(5·130 + 5·10 + 5·5)
    assert.equal(estimateReplyCost(shape(), FREE, 4, true).multiplyAdds, 890 + 240 + 5 * 725);
  });

  test('peeky feeds the encoder state to every step and doubles the affine input; attention adds its scores over the question', () => {
    // peeky: 4H(D+H+H) + 2H·V + 4V = 12·8 + 60 + 40 = 196 a step
    assert.equal(estimateReplyCost(shape({ kind: 'peeky' }), FREE, 4).multiplyAdds, 240 + 5 * 196);
    // attention: 4H(D+H) + 2H·V + 4V + 2·Tq·H = 60 + 60 + 40 + 24 = 184 a step
    assert.equal(estimateReplyCost(shape({ kind: 'attention' }), FREE, 4).multiplyAdds, 240 + 5 * 184);
  });

  test('the steps: the setting, else the model\'s own limit; a constrained greedy reply ends with the longest trained answer', () => {
    assert.equal(estimateReplyCost(shape(), { strategy: 'greedy', constrained: false }, 4).steps, 7);
    assert.equal(estimateReplyCost(shape({ knowsAnswers: true }), { strategy: 'greedy', maxLength: 1000 }, 4).steps, 7);
    assert.equal(estimateReplyCost(shape({ knowsAnswers: true }), { strategy: 'greedy', constrained: false, maxLength: 1000 }, 4).steps, 1000);
    assert.equal(estimateReplyCost(shape({ knowsAnswers: true }), { strategy: 'beam', beamWidth: 3, maxLength: 1000 }, 4).steps, 1000);
  });

  test('settings beyond their bounds are counted at the bounds (the extension clamps them); a question is read up to 1,000 tokens', () => {
    const wide = estimateReplyCost(shape(), { strategy: 'beam', beamWidth: 100_000, maxLength: 1e9 }, 4);
    assert.deepEqual([wide.beams, wide.steps], [32, MAX_REPLY_STEPS]);
    assert.equal(estimateReplyCost(shape(), FREE, 50_000_000).multiplyAdds, estimateReplyCost(shape(), FREE, 1000).multiplyAdds);
    assert.equal(estimateReplyCost(shape(), FREE, 0).multiplyAdds, estimateReplyCost(shape(), FREE, 1).multiplyAdds);
  });

  test('a shape or question length that is not a count is refused before any work', () => {
    for (const bad of [shape({ vocabSize: 0 }), shape({ hidden: 1.5 }), shape({ wordvec: Number.NaN })]) {
      assert.throws(() => estimateReplyCost(bad, FREE, 4), (e: unknown) => e instanceof RangeError && /^estimateReplyCost: expected .* to be an integer ≥ 1, got/.test(e.message));
    }
    assert.throws(() => estimateReplyCost(shape(), FREE, -1), /question's length to be an integer ≥ 0, got -1/);
  });

  test("the default model: its replies at the default settings fit the host's budget; beam 32 × 1,000 steps (the settings' maxima) does not", () => {
    const def = deserializeModel(new Uint8Array(readFileSync(join(ROOT, DEFAULT_MODEL_RELATIVE_PATH))), 'default');
    const s = replyShape(def);
    const usual = estimateReplyCost(s, DEFAULT_DECODE_OPTIONS, 40);
    assert.ok(usual.ms < HOST_REPLY_BUDGET_MS, `default settings: ${usual.ms.toFixed(1)} ms estimated`);
    const widest = estimateReplyCost(s, { strategy: 'beam', beamWidth: 32, maxLength: 1000, constrained: true }, 40);
    // such a reply took 10.4 s on the host before beams stopped early (a beam that never ends still can)
    assert.ok(widest.ms > 100 * HOST_REPLY_BUDGET_MS, `beam 32 × 1,000: ${widest.ms.toFixed(0)} ms estimated`);
  });

  test('measured: replies that never end early (a random model, free greedy and beam) take no longer than estimated', () => {
    const model = syntheticModel(3000, 20);
    const s = replyShape(model);
    const question = 'question number 1';
    for (const decode of [{ strategy: 'greedy', constrained: false, maxLength: 200 }, { strategy: 'beam', beamWidth: 4, maxLength: 60 }] as const) {
      const estimate = estimateReplyCost(s, decode, question.length);
      // the fastest of three: the machine's own speed, with the least of the other jobs' interference
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const reply = model.reply(question, decode);
        best = Math.min(best, performance.now() - t);
        if (decode.strategy === 'greedy') assert.equal(reply.tokens.length, decode.maxLength, 'this random model runs to the limit');
      }
      assert.ok(best <= estimate.ms, `${decode.strategy}: measured ${best.toFixed(1)} ms, estimated ${estimate.ms.toFixed(1)} ms`);
    }
  });
});
