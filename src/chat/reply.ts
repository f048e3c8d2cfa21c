/**
 * Turning a question's ids into a Reply with the chosen strategy: greedy (book ch. 7.2.4), beam search
 * (n-best with length-normalised log-probabilities), or sampling with a temperature (book ch. 7.1.2,
 * `np.random.choice(p=…)`). All go through the model's `encode`/`step`, one token at a time.
 */
import { Random } from '../random';
import { rowsOf } from '../matrix';
import { END, START, UNK } from '../models/tokens';
import type { DecoderState } from '../models/types';
import { DEFAULT_DECODE_OPTIONS } from './defaults';
import { greedyDecode } from './greedy';
import type { ChatModel } from './model';
import type { DecodeOptions, Reply } from './types';

const FALLBACK_MAX_LENGTH = DEFAULT_DECODE_OPTIONS.maxLength ?? 80;

function maxLengthOf(decode: DecodeOptions): number {
  const m = decode.maxLength ?? FALLBACK_MAX_LENGTH;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`expected maxLength to be a positive integer, got ${m}`);
  return m;
}

/** A question with no known token still gets a reply: the model reads one UNK. */
function nonEmpty(ids: readonly number[]): number[] {
  return ids.length > 0 ? [...ids] : [UNK];
}

function toReply(model: ChatModel, ids: number[], probs: number[], finished: boolean, attention?: number[][]): Reply {
  const tokens = model.vocabulary.decode(ids);
  return {
    text: model.tokenizer.detokenize(tokens),
    tokens: tokens.map((text, i) => ({ text, prob: probs[i] })),
    finished,
    ...(attention ? { attention } : {}),
  };
}

export function decodeReply(model: ChatModel, questionIds: readonly number[], decode: DecodeOptions): Reply {
  const q = nonEmpty(questionIds);
  const maxLength = maxLengthOf(decode);
  switch (decode.strategy) {
    case 'greedy': {
      const [r] = greedyDecode(model.engine, [q], maxLength);
      return toReply(model, r.ids, r.probs, r.finished, r.attention);
    }
    case 'beam':
      return beamReply(model, q, decode.beamWidth, maxLength);
    case 'sample':
      return sampleReply(model, q, decode.temperature, decode.seed, maxLength);
    default: {
      const never: never = decode;
      throw new Error(`unknown decode strategy ${JSON.stringify(never)}`);
    }
  }
}

interface Hypothesis {
  readonly ids: number[];
  readonly probs: number[];
  readonly attention: number[][];
  readonly logp: number;
  readonly state: DecoderState;
  readonly finished: boolean;
}

/** log-probability per generated token (END counted), so short replies are not favoured just for being short. */
function score(h: Hypothesis): number {
  return h.logp / (h.ids.length + (h.finished ? 1 : 0) || 1);
}

function beamReply(model: ChatModel, q: number[], beamWidth: number, maxLength: number): Reply {
  if (!Number.isInteger(beamWidth) || beamWidth < 1) throw new RangeError(`expected beamWidth to be a positive integer, got ${beamWidth}`);
  let beams: Hypothesis[] = [{ ids: [], probs: [], attention: [], logp: 0, state: model.engine.encode([q]), finished: false }];
  const done: Hypothesis[] = [];
  for (let s = 0; s < maxLength && beams.length > 0; s++) {
    const candidates: Hypothesis[] = [];
    for (const h of beams) {
      const r = model.engine.step(h.state, [h.ids.length ? h.ids[h.ids.length - 1] : START]);
      const p = rowsOf(r.probs)[0];
      const att = r.attention ? Array.from(rowsOf(r.attention)[0].subarray(0, q.length)) : undefined;
      // The beamWidth most likely next ids of this hypothesis.
      const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a]).slice(0, beamWidth);
      for (const id of order) {
        const logp = h.logp + Math.log(Math.max(p[id], 1e-300));
        if (id === END) candidates.push({ ...h, logp, finished: true });
        else candidates.push({ ids: [...h.ids, id], probs: [...h.probs, p[id]], attention: att ? [...h.attention, att] : h.attention, logp, state: r.state, finished: false });
      }
    }
    candidates.sort((a, b) => b.logp - a.logp);
    beams = [];
    for (const c of candidates.slice(0, beamWidth)) (c.finished ? done : beams).push(c);
    if (done.length >= beamWidth) break;
  }
  const all = [...done, ...beams].sort((a, b) => score(b) - score(a));
  const best = all[0];
  const reply = toReply(model, best.ids, best.probs, best.finished, best.attention.length ? best.attention : undefined);
  return { ...reply, alternatives: all.slice(0, beamWidth).map((h) => ({ text: model.textOf(h.ids), score: score(h) })) };
}

function sampleReply(model: ChatModel, q: number[], temperature: number, seed: number | undefined, maxLength: number): Reply {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RangeError(`expected temperature above 0, got ${temperature}`);
  const rng = new Random(seed ?? Math.floor(Math.random() * 2 ** 32));
  let state = model.engine.encode([q]);
  let last = START;
  const ids: number[] = [];
  const probs: number[] = [];
  const attention: number[][] = [];
  for (let s = 0; s < maxLength; s++) {
    const r = model.engine.step(state, [last]);
    const p = rowsOf(r.probs)[0];
    // p_i^(1/T), renormalised: T < 1 sharpens, T > 1 flattens.
    const w = Array.from(p, (x) => Math.pow(x, 1 / temperature));
    const total = w.reduce((a, b) => a + b, 0);
    let u = rng.uniform() * total;
    let id = w.length - 1;
    for (let j = 0; j < w.length; j++) {
      u -= w[j];
      if (u < 0) {
        id = j;
        break;
      }
    }
    if (id === END) return toReply(model, ids, probs, true, attention.length ? attention : undefined);
    ids.push(id);
    probs.push(p[id]);
    if (r.attention) attention.push(Array.from(rowsOf(r.attention)[0].subarray(0, q.length)));
    state = r.state;
    last = id;
  }
  return toReply(model, ids, probs, false, attention.length ? attention : undefined);
}
