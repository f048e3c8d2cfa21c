/**
 * Special token ids, fixed for the whole project (tokenizer, model files, engine).
 *
 * PAD fills questions and answers out to a batch's width: the encoder carries its state through PAD
 * positions, attention gives them zero weight, and a PAD target adds neither loss nor gradient.
 * START opens every decoder input (the book's `_`), END closes every answer.
 */
export const PAD = 0;
export const START = 1;
export const END = 2;
export const UNK = 3;
/** Number of reserved ids; ordinary tokens start here. */
export const FIRST_TOKEN_ID = 4;
