/**
 * Wording shared by the CLI, the extension and the webview: one duration format for every ETA and
 * duration a user reads, and plurals that never say "1 epochs". Pure functions (no vscode, no DOM), so the
 * webview bundle can import this file alone.
 */

/** `45s`, `3m12s`, `1h02m`; `--` when unknown (NaN, infinite or negative). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `1 epoch`, `2 epochs`, `0 epochs`; `many` for the irregular ones (`1 reply`, `3 replies`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
