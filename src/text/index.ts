export { DEFAULT_NORMALIZE_OPTIONS, normalizeQuestion, normalizeAnswer, collapseSpaces, stripTrailingPunctuation, normalizeOptionsProblem } from './normalize';
export { CharTokenizer, WordTokenizer, createTokenizer } from './tokenizer';
export type { Tokenizer, TokenizerKind } from './tokenizer';
export { Vocabulary, PAD_ID, START_ID, END_ID, UNK_ID, SPECIAL_TOKENS } from './vocabulary';
