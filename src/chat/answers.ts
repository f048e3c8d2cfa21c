/**
 * What a model knows of its training pairs besides its weights: the distinct answers (as token ids, in a
 * trie for constrained decoding, src/decode/constrained.ts) and the trained questions (for "Did you mean …?"
 * suggestions and for the lexical part of the confidence, src/chat/confidence.ts).
 *
 * Question similarity is a cosine between bags of question words (src/text/analyze.ts) weighted by inverse
 * document frequency over the trained questions: rare words ("refund", "branch") count, words every
 * question has ("how", "do", "i") barely do, and function words (src/text/function-words.ts) count a tenth of
 * that whatever their frequency, since a small FAQ cannot tell they are function words. A word no trained
 * question has gets the largest weight, so an
 * off-topic question ("what's the capital of peru") is far from all of them.
 */
import { END } from '../models/tokens';
import { isFunctionWord } from '../text/function-words';

/**
 * A function word's weight, as a share of its IDF weight (src/text/function-words.ts): a trained FAQ is too
 * small for IDF to find them. Chosen on the calibration run (scripts/calibrate.ts, bench/results/calibrate.log):
 * the threshold's cost on a domain left out of the fit, 4.8 points at 1 (function words weighed as any word),
 * 0.6 at 0.3, 0.0 at 0.1; held-out phrasings answered right 64.3 → 71.4 → 73.4 % (the lexical prior reads
 * the same weights). Not 0: a question made only of function words ("what is it") still has words.
 */
export const FUNCTION_WORD_FACTOR = 0.1;

export interface TrieNode {
  /** Next token id → node; END leads to a leaf whose `answer` is set. */
  readonly next: Map<number, TrieNode>;
  /** Set on the leaf reached through END: the index of the answer this path spells. */
  answer?: number;
}

/** A trie over answers' token ids, each ended by END. */
export function buildTrie(answers: readonly (readonly number[])[]): TrieNode {
  const root: TrieNode = { next: new Map() };
  answers.forEach((ids, a) => {
    let node = root;
    for (const id of [...ids, END]) {
      let child = node.next.get(id);
      if (child === undefined) {
        child = { next: new Map() };
        node.next.set(id, child);
      }
      node = child;
    }
    node.answer ??= a;
  });
  return root;
}

export interface TrainedQuestion {
  /** The question as the user wrote it (shown as a suggestion). */
  readonly text: string;
  /** Index into the answers. */
  readonly answer: number;
}

export interface Neighbour {
  readonly question: number;
  readonly similarity: number;
}

/** IDF-weighted bag-of-words cosine between a question and every trained question. */
export class QuestionIndex {
  private readonly df = new Map<string, number>();
  private readonly vectors: Map<string, number>[];
  private readonly norms: number[];
  /** Per answer, the words of its trained questions (built at the first topicCoverage). */
  private topics: Set<string>[] | undefined;
  /** Weight of a word no trained question has. */
  readonly unseenWeight: number;

  constructor(readonly questions: readonly TrainedQuestion[], words: readonly (readonly string[])[]) {
    for (const ws of words) for (const w of new Set(ws)) this.df.set(w, (this.df.get(w) ?? 0) + 1);
    this.unseenWeight = Math.log(1 + words.length);
    this.vectors = words.map((ws) => this.vector(ws));
    this.norms = this.vectors.map(norm);
  }

  /** log(1 + N / df): the weight of one occurrence of `word`. */
  weight(word: string): number {
    const df = this.df.get(word);
    const w = df === undefined ? this.unseenWeight : Math.log(1 + this.questions.length / df);
    return isFunctionWord(word) ? w * FUNCTION_WORD_FACTOR : w;
  }

  known(word: string): boolean {
    return this.df.has(word);
  }

  private vector(words: readonly string[]): Map<string, number> {
    const v = new Map<string, number>();
    for (const w of words) v.set(w, (v.get(w) ?? 0) + this.weight(w));
    return v;
  }

  /** Share of the question's word weight that trained questions know, in [0, 1] (1 for no words). */
  coverage(words: readonly string[]): number {
    return this.share(words, (w) => this.known(w));
  }

  /**
   * Share of the question's word weight that the trained questions *of `answer`* have, in [0, 1] (1 for no
   * words): how much of the question the topic explains, its phrasings taken together (a rephrasing often
   * shares a word with one phrasing and another word with another).
   */
  topicCoverage(words: readonly string[], answer: number): number {
    const topic = (this.topics ??= this.topicWords())[answer] ?? new Set<string>();
    return this.share(words, (w) => topic.has(w));
  }

  /**
   * Share of the question's word weight that `answerWords` (the words of the reply's answer text, read as
   * question words) have, in [0, 1] (0 for no words): a rephrasing often asks with the words of the answer it
   * expects ("is it ok to bring a cat" for "Dogs and cats are welcome …"), an off-topic question rarely does.
   */
  answerCoverage(words: readonly string[], answerWords: ReadonlySet<string>): number {
    return words.length === 0 ? 0 : this.share(words, (w) => answerWords.has(w));
  }

  private share(words: readonly string[], has: (word: string) => boolean): number {
    let all = 0;
    let known = 0;
    for (const w of words) {
      const wt = this.weight(w);
      all += wt;
      if (has(w)) known += wt;
    }
    return all === 0 ? 1 : known / all;
  }

  private topicWords(): Set<string>[] {
    const topics: Set<string>[] = [];
    this.vectors.forEach((v, i) => {
      const a = this.questions[i].answer;
      topics[a] ??= new Set();
      for (const w of v.keys()) topics[a].add(w);
    });
    return topics;
  }

  /** The k most similar trained questions, most similar first (cosine in [0, 1]). */
  nearest(words: readonly string[], k: number): Neighbour[] {
    const v = this.vector(words);
    const n = norm(v);
    const scored: Neighbour[] = [];
    if (n === 0) return scored;
    this.vectors.forEach((u, i) => {
      let dot = 0;
      for (const [w, x] of v) {
        const y = u.get(w);
        if (y !== undefined) dot += x * y;
      }
      if (dot > 0) scored.push({ question: i, similarity: dot / (n * this.norms[i]) });
    });
    scored.sort((a, b) => b.similarity - a.similarity || a.question - b.question);
    return scored.slice(0, k);
  }
}

function norm(v: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return Math.sqrt(s);
}
