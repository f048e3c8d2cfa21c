/**
 * The message protocol of the insight views (media/insight.ts): the training dashboard, "why this answer"
 * and the evaluation report, each an editor webview drawn from the pure data of src/insight/ and
 * src/train/curves.ts. As with the chat (src/chat/protocol.ts), messages from a webview are untrusted and
 * validated; messages to it are typed at compile time.
 */
import type { TrainingCurves, TrainingRun } from '../train/curves';
import type { EvaluationReport, Explanation, ReportComparison } from './types';

/** The training running now (or just ended), as the dashboard draws it live. */
export interface LiveTraining {
  readonly file: string;
  readonly running: boolean;
  readonly curves: TrainingCurves;
}

export interface DashboardView {
  readonly kind: 'dashboard';
  readonly model: { readonly label: string; readonly card: readonly (readonly [string, string])[] } | null;
  readonly live: LiveTraining | null;
  /** The current model's history, oldest first. */
  readonly runs: readonly TrainingRun[];
}

export interface WhyView {
  readonly kind: 'why';
  readonly explanation: Explanation;
}

export interface ReportView {
  readonly kind: 'report';
  readonly report: EvaluationReport;
  /** With the previous evaluation of the same file by another model, when there was one. */
  readonly comparison?: ReportComparison;
}

export type InsightView = DashboardView | WhyView | ReportView;
export type InsightKind = InsightView['kind'];

/** Messages the extension sends to an insight view. */
export type InsightExtensionMessage =
  | { readonly type: 'view'; readonly view: InsightView }
  /** Dashboard only: the live training changed (throttled by the extension). */
  | { readonly type: 'live'; readonly live: LiveTraining | null };

/** Messages an insight view sends. */
export type InsightWebviewMessage =
  | { readonly type: 'ready' }
  /** Report: open the evaluated pairs file at this 1-based line. */
  | { readonly type: 'openLine'; readonly line: number };

export type InsightValidation = { readonly ok: true; readonly message: InsightWebviewMessage } | { readonly ok: false; readonly reason: string };

/** Checks a message from an insight webview: known type, no extra field, a line that is a positive integer. */
export function validateInsightMessage(x: unknown): InsightValidation {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return { ok: false, reason: `expected an object, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}` };
  const m = x as Record<string, unknown>;
  const keys = Object.keys(m).filter((k) => k !== 'type');
  switch (m.type) {
    case 'ready':
      return keys.length === 0 ? { ok: true, message: { type: 'ready' } } : { ok: false, reason: `"ready": unexpected field(s) ${keys.slice(0, 5).join(', ')}` };
    case 'openLine': {
      if (keys.some((k) => k !== 'line')) return { ok: false, reason: `"openLine": unexpected field(s) ${keys.filter((k) => k !== 'line').slice(0, 5).join(', ')}` };
      const line = m.line;
      if (typeof line !== 'number' || !Number.isInteger(line) || line < 1 || line > 100_000_000) return { ok: false, reason: `"openLine": expected a line number ≥ 1, got ${JSON.stringify(line)?.slice(0, 40)}` };
      return { ok: true, message: { type: 'openLine', line } };
    }
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}` };
  }
}
