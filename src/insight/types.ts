/**
 * The data the insight views draw (pure types, no code): one reply explained (src/insight/explain.ts) and
 * an evaluation report (src/insight/evaluation.ts). The webview (media/insight.ts) imports only these.
 */
import type { ConfidenceFeatures } from '../chat/confidence';
import type { ModelKind, PairOutcome, ReplyToken } from '../chat/types';
import type { DiffPart } from './diff';

/** Attention weights laid out for a heatmap: one row per reply token, one column per question token. */
export interface AttentionMap {
  /** Reply tokens, in reading order (top to bottom). */
  readonly rows: readonly string[];
  /** Question tokens as the encoder read them, in reading order (left to right), even when fed reversed. */
  readonly columns: readonly string[];
  /** weights[row][column]: how much the decoder looked at that question token while writing that reply token. */
  readonly weights: readonly (readonly number[])[];
}

export interface NBestReply {
  readonly text: string;
  /** Length-normalised log-probability, Σ log p / length (src/decode/beam.ts); higher is better. */
  readonly score: number;
  /** Whether it is one of the trained answers. */
  readonly trained: boolean;
}

export interface ClosestQuestion {
  readonly question: string;
  readonly answer: string;
  /** IDF-weighted cosine of the question words, 0..1 (src/chat/answers.ts). */
  readonly similarity: number;
}

export interface Explanation {
  readonly question: string;
  readonly kind: ModelKind;
  readonly questionTokens: readonly string[];
  readonly reply: string;
  readonly tokens: readonly ReplyToken[];
  readonly confidence: number;
  readonly threshold: number;
  readonly sure: boolean;
  readonly cut: boolean;
  readonly attention?: AttentionMap;
  readonly nBest: readonly NBestReply[];
  readonly closest: readonly ClosestQuestion[];
  readonly signals?: ConfidenceFeatures;
}

export interface ConfidenceHistogram {
  /** Bin edges, bins + 1 of them, from 0 to 1; bin i is [edges[i], edges[i+1]), the last one closed. */
  readonly edges: readonly number[];
  /** Right replies (sure and exact) per bin. */
  readonly right: readonly number[];
  /** Every other reply (wrong, or not sure) per bin. */
  readonly wrong: readonly number[];
}

export interface Miss extends PairOutcome {
  readonly diff: readonly DiffPart[];
}

export interface EvaluationReport {
  /** The pairs file's name as given. */
  readonly file: string;
  readonly model: { readonly label: string; readonly kind: ModelKind };
  readonly total: number;
  /** Replies given as sure (right or wrong). */
  readonly answered: number;
  readonly notSure: number;
  /** Sure and exactly right. */
  readonly correct: number;
  readonly histogram: ConfidenceHistogram;
  readonly outcomes: readonly PairOutcome[];
  readonly misses: readonly Miss[];
}

/** A pair whose outcome differs between two reports. */
export interface ChangedPair {
  readonly line: number;
  readonly question: string;
  readonly expected: string;
  readonly before: PairOutcome;
  readonly after: PairOutcome;
}

export interface ReportComparison {
  readonly before: { readonly label: string; readonly correct: number; readonly total: number };
  readonly after: { readonly label: string; readonly correct: number; readonly total: number };
  /** Wrong before, right after. */
  readonly fixed: readonly ChangedPair[];
  /** Right before, wrong after. */
  readonly broken: readonly ChangedPair[];
  /** Wrong in both, with a different reply or sureness. */
  readonly changed: readonly ChangedPair[];
  /** Pairs with the same outcome and reply in both. */
  readonly same: number;
  /** Pairs (by line and question) that only one report has. */
  readonly unmatched: number;
}
