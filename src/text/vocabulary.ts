/**
 * Token ↔ id tables (the book's `char_to_id` / `id_to_char`, ch. 7.1), with four reserved ids first:
 * PAD=0 (batch padding, ignored by the loss), START=1 (the decoder's first input), END=2 (the decoder's
 * last target: a reply stops here), UNK=3 (anything the training pairs never showed).
 * These ids match the engine's `src/models/tokens.ts`.
 */

export const PAD_ID = 0;
export const START_ID = 1;
export const END_ID = 2;
export const UNK_ID = 3;
export const SPECIAL_TOKENS: readonly string[] = ['<pad>', '<s>', '</s>', '<unk>'];

export class Vocabulary {
  /** `tokens` lists every token by id, the four special tokens first; `ids` its index when already built. */
  private constructor(
    readonly tokens: readonly string[],
    private readonly ids = indexTokens(tokens, 0, tokens.length, new Map<string, number>()),
  ) {}

  /** Builds the table from token sequences: special tokens, then tokens in order of first appearance (deterministic). */
  static build(sequences: Iterable<readonly string[]>): Vocabulary {
    return new Vocabulary([...SPECIAL_TOKENS]).extend(sequences);
  }

  /** Restores a table saved with `tokens`; throws when the special tokens are not first or a token repeats. */
  static fromTokens(tokens: readonly string[]): Vocabulary {
    checkSpecialTokens(tokens);
    return new Vocabulary([...tokens]);
  }

  /**
   * fromTokens in steps of at most `perStep` tokens, for a thread that must stay responsive (the extension
   * host loading a 30,000-token model): yields the tokens indexed by each step. `tokens` is kept, not copied.
   */
  static *fromTokensInSteps(tokens: readonly string[], perStep: number): Generator<number, Vocabulary, void> {
    checkSpecialTokens(tokens);
    const ids = new Map<string, number>();
    for (let from = 0; from < tokens.length; from += perStep) {
      const to = Math.min(tokens.length, from + perStep);
      indexTokens(tokens, from, to, ids);
      yield to - from;
    }
    return new Vocabulary(tokens, ids);
  }

  /**
   * This table with the tokens of `sequences` it lacks appended in order of first appearance: every old
   * token keeps its id (fine-tuning grows a trained model's vocabulary, src/models/grow.ts).
   */
  extend(sequences: Iterable<readonly string[]>): Vocabulary {
    const tokens = [...this.tokens];
    const seen = new Set<string>(tokens);
    for (const seq of sequences) {
      for (const t of seq) {
        if (!seen.has(t)) {
          seen.add(t);
          tokens.push(t);
        }
      }
    }
    return tokens.length === this.tokens.length ? this : new Vocabulary(tokens);
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Id of a token; UNK for a token never seen in training (never throws). */
  id(token: string): number {
    return this.ids.get(token) ?? UNK_ID;
  }

  encode(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.id(t));
  }

  /** Tokens for ids, stopping at END and skipping PAD/START; UNK shows as `unknown` (default U+FFFD). */
  decode(ids: readonly number[], unknown = '\ufffd'): string[] {
    const out: string[] = [];
    for (const id of ids) {
      if (id === END_ID) break;
      if (id === PAD_ID || id === START_ID) continue;
      if (id === UNK_ID || id < 0 || id >= this.tokens.length) out.push(unknown);
      else out.push(this.tokens[id]);
    }
    return out;
  }
}

function checkSpecialTokens(tokens: readonly string[]): void {
  SPECIAL_TOKENS.forEach((s, i) => {
    if (tokens[i] !== s) throw new Error(`vocabulary: expected ${JSON.stringify(s)} at id ${i}, got ${JSON.stringify(tokens[i])}`);
  });
}

/** Adds tokens[from, to) to `ids` (token → id); throws on a token seen before. */
function indexTokens(tokens: readonly string[], from: number, to: number, ids: Map<string, number>): Map<string, number> {
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (ids.has(t)) throw new Error(`vocabulary: token ${JSON.stringify(t)} appears twice (ids ${ids.get(t)} and ${i})`);
    ids.set(t, i);
  }
  return ids;
}
