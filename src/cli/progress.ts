/** Progress display for `seq2seq-chat train`: a redrawn bar on a terminal, one line per epoch otherwise. */
import { formatDuration } from '../chat/format';
import type { EpochReport, TrainProgress } from '../chat/types';

export { formatDuration };

/** TERM=dumb: a terminal that cannot move the cursor or clear a line (Emacs shell, some CI logs). */
export function dumbTerminal(env: NodeJS.ProcessEnv): boolean {
  return env.TERM === 'dumb';
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

/**
 * Writes progress to a stream. On a TTY it redraws one line: with `\r` and the erase-line sequence, or, when
 * NO_COLOR is set, with `\r` and spaces over the rest of the last line (no escape sequence at all). Not a
 * TTY, or TERM=dumb: only epoch lines.
 */
export class ProgressPrinter {
  private drawn = 0;
  private lastDraw = 0;
  private readonly redraw: boolean;
  private readonly plain: boolean;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly epochs: number,
    env: NodeJS.ProcessEnv = {},
  ) {
    this.redraw = out.isTTY === true && !dumbTerminal(env);
    this.plain = env.NO_COLOR !== undefined;
  }

  progress(p: TrainProgress): void {
    if (!this.redraw) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && p.iteration < p.iterations) return;
    this.lastDraw = now;
    // A pseudo-terminal without a size (`script`, some CI runners) reports 0 columns.
    const cols = this.out.columns || 80;
    const line = progressLine(p).slice(0, cols - 1);
    this.out.write('\r' + (this.plain ? line.padEnd(this.drawn) : line + '\x1b[K'));
    this.drawn = line.length;
  }

  epoch(r: EpochReport): void {
    this.clear();
    this.out.write(epochLine(r, this.epochs) + '\n');
  }

  clear(): void {
    if (this.drawn > 0) this.out.write(this.plain ? '\r' + ' '.repeat(this.drawn) + '\r' : '\r\x1b[K');
    this.drawn = 0;
  }
}
