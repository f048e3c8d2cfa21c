/**
 * Measurements for the extension bench (test/host/benchExt.ts): activation time and the extension
 * host's event-loop delay (perf_hooks.monitorEventLoopDelay), which shows whether training in the
 * worker really leaves the host responsive. Exposed through the hidden command `seq2seqChat.diagnostics`.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import * as vscode from 'vscode';

export interface Diagnostics {
  readonly activationMs: number;
  /** Event-loop delay since the last reset, in milliseconds. */
  readonly eventLoop: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number; readonly samples: number };
  readonly training: boolean;
  readonly hostNode: string;
}

export class DiagnosticsMonitor implements vscode.Disposable {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor(readonly activationMs: number) {
    this.histogram.enable();
  }

  dispose(): void {
    this.histogram.disable();
  }

  reset(): void {
    this.histogram.reset();
  }

  snapshot(training: boolean): Diagnostics {
    const h = this.histogram;
    const ms = (ns: number): number => Math.round((ns / 1e6) * 100) / 100;
    return {
      activationMs: this.activationMs,
      eventLoop: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean), samples: (h as { count?: number }).count ?? 0 },
      training,
      hostNode: process.versions.node,
    };
  }
}
