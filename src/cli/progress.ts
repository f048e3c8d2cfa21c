/** Progress display for `seq2seq-chat train`: a redrawn bar on a terminal, one line per epoch otherwise. */
import type { EpochReport, TrainProgress } from '../chat/types';

/** `45s`, `3m12s`, `1h02m`; `--` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * `epoch 3/300 [#####-----] 52% loss 1.234 ETA ≤ 3m12s`, `width` characters of bar. The ETA is the time
 * until the last of `epochs` would end (TrainProgress.eta): an upper bound, since training usually stops
 * at the first epoch with 100% exact-match, or after `patience` epochs without improvement.
 */
export function progressLine(p: TrainProgress, width = 24): string {
  const done = p.iterations > 0 ? p.iteration / p.iterations : 0;
  const filled = Math.max(0, Math.min(width, Math.round(done * width)));
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  return `epoch ${p.epoch}/${p.epochs} [${bar}] ${String(Math.round(done * 100)).padStart(3)}% loss ${p.loss.toFixed(3)} ETA ≤ ${formatDuration(p.eta)}`;
}

export function epochLine(r: EpochReport, epochs: number): string {
  const val = r.valLoss === undefined ? '' : ` val-loss ${r.valLoss.toFixed(4)}`;
  return `epoch ${r.epoch}/${epochs} loss ${r.loss.toFixed(4)}${val} exact-match ${(r.accuracy * 100).toFixed(1)}% (${r.seconds.toFixed(1)}s)`;
}

/** Writes progress to a stream; on a TTY redraws one line, otherwise prints only epoch lines. */
export class ProgressPrinter {
  private drawn = false;
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly epochs: number,
  ) {}

  progress(p: TrainProgress): void {
    if (!this.out.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && p.iteration < p.iterations) return;
    this.lastDraw = now;
    const cols = this.out.columns ?? 80;
    this.out.write('\r' + progressLine(p).slice(0, cols - 1) + '\x1b[K');
    this.drawn = true;
  }

  epoch(r: EpochReport): void {
    this.clear();
    this.out.write(epochLine(r, this.epochs) + '\n');
  }

  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
