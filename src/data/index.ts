export { readPairs, checkFileSize, detectFormat, findDuplicates } from './read';
export type { PairFormat } from './read';
export { PairFileError } from './errors';
export { DEFAULT_PAIR_LIMITS, resolveLimits, limitFlag } from './limits';
export type { PairLimits } from './limits';
export { FIELD_NAMES } from './fields';
export { PairsValidator, MAX_PROBLEMS } from './validate';
export type { PairProblem } from './validate';
export { spacesWhereTabExpected, SPACES_FOR_TAB_HINT } from './tsv';
