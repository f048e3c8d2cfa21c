/**
 * Geometry of the confidence histogram (right and wrong replies side by side per bin), shared by the HTML
 * report file (src/insight/reportHtml.ts) and the report view (media/insight.ts). Pure.
 */
import type { ConfidenceHistogram } from './types';

/** One bar of the confidence histogram, in a chart `width` × `height` (SVG units, y down). */
export interface HistogramBar {
  readonly series: 'right' | 'wrong';
  readonly bin: number;
  readonly count: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** "0.8–0.9: 12 right" — the bar's text alternative. */
  readonly label: string;
}

/** Bars for right and wrong side by side in each bin, scaled to the largest count (shared by the file and the view). */
export function histogramBars(h: ConfidenceHistogram, width: number, height: number): HistogramBar[] {
  const bins = h.right.length;
  let max = 1;
  for (let i = 0; i < bins; i++) max = Math.max(max, h.right[i], h.wrong[i]);
  const slot = width / bins;
  const bar = slot * 0.4;
  const bars: HistogramBar[] = [];
  for (let i = 0; i < bins; i++) {
    const range = `${h.edges[i].toFixed(1)}–${h.edges[i + 1].toFixed(1)}`;
    (['right', 'wrong'] as const).forEach((series, k) => {
      const count = series === 'right' ? h.right[i] : h.wrong[i];
      const hgt = (count / max) * height;
      bars.push({ series, bin: i, count, x: i * slot + slot * 0.1 + k * bar, y: height - hgt, width: bar, height: hgt, label: `${range}: ${count} ${series}` });
    });
  }
  return bars;
}
