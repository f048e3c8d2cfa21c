export { Embedding, TimeEmbedding } from './embedding';
export { LSTM, lstmStepForward, lstmStepBackward } from './lstm';
export type { LstmStepCache, LstmStepOutput, LstmStepGradients } from './lstm';
export { TimeLSTM } from './time-lstm';
export type { TimeMask } from './time-lstm';
export { TimeAffine } from './affine';
export { TimeAffineWithLoss } from './affine-loss';
export { softmax, softmaxRow, TimeSoftmaxWithLoss } from './softmax';
export { WeightSum, AttentionWeight, Attention, TimeAttention } from './attention';
