/**
 * Tokenizers: characters (the book's ch. 7 toy data is character level) or words.
 *
 * Characters are Unicode code points (`Array.from`), so surrogate pairs, emoji and Japanese are never
 * split in half. Words split on white space and punctuation; runs of CJK script fall back to one token per
 * character (Japanese has no spaces between words). Either way `detokenize(tokenize(s)) === s`: in word
 * mode each run of white space is a token of its own, so joining the tokens gives the text back.
 */

export type TokenizerKind = 'char' | 'word';

export interface Tokenizer {
  readonly kind: TokenizerKind;
  tokenize(text: string): string[];
  detokenize(tokens: readonly string[]): string;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}\p{Pc}]/u;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
const SPACE_CHAR = /\s/u;

type CharClass = 'word' | 'space' | 'single';

function classify(ch: string): CharClass {
  // One code point at a time: these regexes cannot backtrack.
  if (CJK_CHAR.test(ch)) return 'single';
  if (SPACE_CHAR.test(ch)) return 'space';
  if (WORD_CHAR.test(ch)) return 'word';
  return 'single';
}

export class CharTokenizer implements Tokenizer {
  readonly kind = 'char' as const;

  tokenize(text: string): string[] {
    return Array.from(text);
  }

  detokenize(tokens: readonly string[]): string {
    return tokens.join('');
  }
}

export class WordTokenizer implements Tokenizer {
  readonly kind = 'word' as const;

  tokenize(text: string): string[] {
    const tokens: string[] = [];
    let run = '';
    let runClass: CharClass | undefined;
    for (const ch of text) {
      const c = classify(ch);
      if (c === 'single') {
        if (run) tokens.push(run);
        run = '';
        runClass = undefined;
        tokens.push(ch);
      } else if (c === runClass) {
        run += ch;
      } else {
        if (run) tokens.push(run);
        run = ch;
        runClass = c;
      }
    }
    if (run) tokens.push(run);
    return tokens;
  }

  detokenize(tokens: readonly string[]): string {
    return tokens.join('');
  }
}

export function createTokenizer(kind: TokenizerKind): Tokenizer {
  switch (kind) {
    case 'char':
      return new CharTokenizer();
    case 'word':
      return new WordTokenizer();
    default: {
      const never: never = kind;
      throw new Error(`expected tokenizer 'char' or 'word', got ${String(never)}`);
    }
  }
}
