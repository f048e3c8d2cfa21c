export { Adam, checkPairs } from './adam';
export type { AdamOptions } from './adam';
export { SGD } from './sgd';
export { clipGrads, globalNorm } from './clip';
export type { Optimizer } from './optimizer';
