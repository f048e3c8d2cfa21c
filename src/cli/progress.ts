/** Progress display for `seq2seq-chat train`: a redrawn bar on a terminal, one line per epoch otherwise. */
import type { EpochReport, TrainProgress } from '../chat/types';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const mm = String(m % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** `epoch 3/40 [#####-----] 52% loss 1.234 ETA 01:20`, `width` characters of bar. */
export function progressLine(p: TrainProgress, width = 24): string {
  const done = p.iterations > 0 ? p.iteration / p.iterations : 0;
  const filled = Math.max(0, Math.min(width, Math.round(done * width)));
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  return `epoch ${p.epoch}/${p.epochs} [${bar}] ${String(Math.round(done * 100)).padStart(3)}% loss ${p.loss.toFixed(3)} ETA ${formatDuration(p.eta)}`;
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
