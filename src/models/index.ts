export { PAD, START, END, UNK, FIRST_TOKEN_ID } from './tokens';
export type { ModelConfig, DecoderState, StepResult, Seq2seqModel } from './types';
export { Encoder, Decoder, Seq2seq } from './seq2seq';
export { PeekyDecoder, PeekySeq2seq } from './peeky';
export { AttentionEncoder, AttentionDecoder, AttentionSeq2seq } from './attention';
export { createModel } from './factory';
export { Seq2seqBase } from './base';
export type { EncoderPart, DecoderPart, PreparedQuestions } from './base';
export { paddingMask, reverseReal, greedyGenerate } from './common';
