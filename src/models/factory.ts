/** `createModel(kind, config, rng)`: the one place that maps a ModelKind to its class. */
import type { ModelKind } from '../chat/types';
import { Random } from '../random';
import { AttentionSeq2seq } from './attention';
import { PeekySeq2seq } from './peeky';
import { Seq2seq } from './seq2seq';
import type { ModelConfig, Seq2seqModel } from './types';

export function createModel(kind: ModelKind, config: ModelConfig, rng: Random): Seq2seqModel {
  switch (kind) {
    case 'simple':
      return new Seq2seq(config, rng);
    case 'peeky':
      return new PeekySeq2seq(config, rng);
    case 'attention':
      return new AttentionSeq2seq(config, rng);
    default: {
      const never: never = kind;
      throw new RangeError(`createModel: kind must be 'simple', 'peeky' or 'attention', got ${String(never)}`);
    }
  }
}
