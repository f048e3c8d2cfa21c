/**
 * The seq2seq engine's public API (book "Deep Learning from Scratch 2", ch. 5–8). Import from here.
 *
 * Tokens:   PAD = 0, START = 1, END = 2, UNK = 3, FIRST_TOKEN_ID = 4            (src/models/tokens.ts)
 * Models:   createModel(kind: 'simple'|'peeky'|'attention', config: ModelConfig, rng: Random): Seq2seqModel
 *           ModelConfig = { vocabSize, wordvec, hidden, reverse }
 *           Seq2seqModel: kind, config, params: Matrix[], grads: Matrix[],
 *             forward(xs: number[][], ts: number[][]): number   xs: questions N×Tq in reading order, PAD-padded;
 *                                                              ts: answers N×Ta = [START, …, END, PAD…]
 *             backward(dout = 1): void                          grads written in place
 *             generate(xs, startId, sampleSize): number[][]     the book's batched greedy generate
 *             encode(xs): DecoderState;  step(state, ids: number[]): { probs (N×V), state, attention? (N×Tq) }
 *           classes Seq2seq, PeekySeq2seq, AttentionSeq2seq (constructor(config, rng)), Encoder, Decoder,
 *           PeekyDecoder, AttentionEncoder, AttentionDecoder (constructor(V, D, H, rng));
 *           AttentionSeq2seq.attentionWeights: Matrix[] — per answer step (N×Tq), reading order.
 *           params order: encoder [embed.W, lstm.Wx, lstm.Wh, lstm.b] then decoder
 *           [embed.W, lstm.Wx, lstm.Wh, lstm.b, affine.W, affine.b]; biases are 1×n matrices.
 * Optim:    new Adam(lr = 0.001, beta1 = 0.9, beta2 = 0.999) or new Adam({ lr?, beta1?, beta2? }); new SGD(lr = 0.01);
 *           both implement Optimizer { lr; update(params, grads) }
 *           clipGrads(grads, maxNorm = 5): number (global norm before clipping); globalNorm(grads): number
 * Decode:   greedyDecode(model, question: number[], { maxLength = 50, startId = START, endId = END }?): DecodeResult
 *           beamSearch(model, question, { beamWidth, nBest = beamWidth, maxLength? }): DecodeResult[] (best first)
 *           sampleDecode(model, question, { temperature (0 = greedy), rng: Random, maxLength? }): DecodeResult
 *           DecodeResult = { ids (no START/END), probs (per id), finished (END reached), score (Σlog p / length,
 *                            END counted when finished), attention? [step][questionPosition] (attention models) }
 * Train:    train<S>(task: TrainTask<S>, options: TrainerOptions): Promise<TrainResult>
 *           TrainTask = { model: {params, grads}, samples: S[], computeGradients(batch: S[]): number,
 *                         evaluate?(): { accuracy, valLoss? } | Promise<…> }
 *           TrainerOptions = { epochs, batchSize, optimizer, rng, clip = 5 (0 off), patience = 0 (off),
 *                              signal?: CancelSignal, callbacks?: TrainCallbacks, yieldEveryMs = 50,
 *                              progressEveryMs = 100, maxLoss = Infinity (a finite loss above it = divergence), now? }
 *           TrainResult = { stoppedBy: 'completed'|'early-stopping'|'cancelled'|'non-finite', epochs, bestEpoch,
 *                           best?: EpochReport, history: EpochReport[], seconds, message? } — the model holds the
 *                           best epoch's weights afterwards (initial ones after a non-finite first epoch).
 * Layers:   Embedding, TimeEmbedding, LSTM, TimeLSTM, TimeAffine, TimeSoftmaxWithLoss, TimeAffineWithLoss, WeightSum,
 *           AttentionWeight, Attention, TimeAttention, softmax  (src/layers)
 */
export { PAD, START, END, UNK, FIRST_TOKEN_ID } from './models/tokens';
export type { ModelConfig, DecoderState, StepResult, Seq2seqModel } from './models/types';
export { Encoder, Decoder, Seq2seq } from './models/seq2seq';
export { PeekyDecoder, PeekySeq2seq } from './models/peeky';
export { AttentionEncoder, AttentionDecoder, AttentionSeq2seq } from './models/attention';
export { createModel } from './models/factory';
export { Seq2seqBase } from './models/base';
export { paddingMask, reverseReal, greedyGenerate } from './models/common';
export { Adam, SGD, clipGrads, globalNorm } from './optim';
export type { AdamOptions, Optimizer } from './optim';
export { greedyDecode, beamSearch, sampleDecode, sampleIndex, DEFAULT_MAX_LENGTH } from './decode';
export type { DecodeResult, DecodeOptions, BeamOptions, SampleOptions } from './decode';
export { train, isCancelled } from './train';
export type { Trainable, Evaluation, TrainTask, TrainerOptions, TrainResult, StopReason } from './train';
export * from './layers';
export { Random } from './random';
