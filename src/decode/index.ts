export { greedyDecode, argmax, walk } from './greedy';
export type { TokenChooser } from './greedy';
export { beamSearch, topK } from './beam';
export type { BeamOptions } from './beam';
export { sampleDecode, sampleIndex } from './sample';
export type { SampleOptions } from './sample';
export { DEFAULT_MAX_LENGTH } from './types';
export type { DecodeResult, DecodeOptions } from './types';
