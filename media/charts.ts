/**
 * Small hand-written SVG charts for the insight views (no chart library: the webview's CSP stays strict and
 * the bundle small). Colours are CSS classes themed with --vscode-* variables (media/insight.css); every
 * chart carries a text alternative (role="img" with an aria-label, and a <title> per mark for hover).
 */

import { t } from './l10n';

const SVG = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface Series {
  readonly name: string;
  /** [x, y] points; null or non-finite y values break the line. */
  readonly points: readonly (readonly [number, number | null])[];
  /** CSS class: its stroke colour (loss, val-loss, accuracy, smoothed, raw, other). */
  readonly cls: string;
  readonly dashed?: boolean;
  /** Dots with their value on hover at each point (epoch series). */
  readonly dots?: boolean;
}

export interface Mark {
  readonly x: number;
  readonly label: string;
  readonly cls: string;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xMax: number;
  /** Fixed y range (exact-match: 0..1); default from the data. */
  readonly yMin?: number;
  readonly yMax?: number;
  readonly marks?: readonly Mark[];
  readonly width?: number;
  readonly height?: number;
}

const PAD = { left: 44, right: 10, top: 10, bottom: 24 };

function finite(y: number | null): y is number {
  return y !== null && Number.isFinite(y);
}

/** A line chart of several series on one epoch axis, with vertical marks (best epoch, early stop, divergence). */
export function lineChart(series: readonly Series[], o: LineChartOptions): SVGSVGElement {
  const W = o.width ?? 520;
  const H = o.height ?? 200;
  const ys = series.flatMap((s) => s.points.map((p) => p[1]).filter(finite));
  let lo = o.yMin ?? (ys.length ? Math.min(...ys.slice(0, 10_000)) : 0);
  let hi = o.yMax ?? (ys.length ? Math.max(...ys.slice(0, 10_000)) : 1);
  if (!(hi > lo)) {
    hi = lo + 1;
    lo = Math.max(0, lo - 1);
  }
  const xMax = Math.max(1, o.xMax);
  const sx = (x: number): number => PAD.left + (x / xMax) * (W - PAD.left - PAD.right);
  const sy = (y: number): number => PAD.top + (1 - (y - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img' });
  const last = series.map((s) => {
    const p = [...s.points].reverse().find((q) => finite(q[1]));
    return p && finite(p[1]) ? t('{0} {1} at epoch {2}', s.name, p[1].toFixed(3), p[0].toFixed(1)) : t('{0}: no data yet', s.name);
  });
  const marks = (o.marks ?? []).map((m) => t('{0} at epoch {1}', m.label, m.x));
  root.setAttribute('aria-label', `${o.title}. ${[...last, ...marks].join('; ')}.`);
  root.append(svg('title', {}, o.title));
  // axes and ticks
  root.append(svg('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, class: 'axis' }));
  root.append(svg('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, class: 'axis' }));
  for (let i = 0; i <= 4; i++) {
    const y = lo + ((hi - lo) * i) / 4;
    root.append(svg('text', { x: PAD.left - 4, y: sy(y) + 3, class: 'tick', 'text-anchor': 'end' }, y >= 100 ? y.toFixed(0) : y.toPrecision(2)));
  }
  const step = Math.max(1, Math.ceil(xMax / 8));
  for (let x = 0; x <= xMax; x += step) root.append(svg('text', { x: sx(x), y: H - 8, class: 'tick', 'text-anchor': 'middle' }, String(x)));
  for (const m of o.marks ?? []) {
    const g = svg('g', { class: `mark ${m.cls}` });
    g.append(svg('line', { x1: sx(m.x), y1: PAD.top, x2: sx(m.x), y2: H - PAD.bottom }));
    // The label sits right of its line, or left of it near the right edge.
    const left = sx(m.x) > W - PAD.right - 60;
    g.append(svg('text', { x: sx(m.x) + (left ? -3 : 3), y: PAD.top + 10, 'text-anchor': left ? 'end' : 'start' }, m.label));
    g.append(svg('title', {}, t('{0} (epoch {1})', m.label, m.x)));
    root.append(g);
  }
  for (const s of series) {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (!finite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(Math.min(hi, Math.max(lo, y))).toFixed(1)}`;
      pen = true;
    }
    const path = svg('path', { d, class: `series ${s.cls}${s.dashed ? ' dashed' : ''}` });
    path.append(svg('title', {}, s.name));
    root.append(path);
    if (s.dots === true && s.points.length <= 1000) {
      for (const [x, y] of s.points) {
        if (!finite(y)) continue;
        const c = svg('circle', { cx: sx(x), cy: sy(Math.min(hi, Math.max(lo, y))), r: 2.5, class: `dot ${s.cls}` });
        c.append(svg('title', {}, t('{0}, epoch {1}: {2}', s.name, x, y.toFixed(4))));
        root.append(c);
      }
    }
  }
  return root;
}

/** A legend: one swatch per series, as text. */
export function legend(series: readonly Series[]): HTMLElement {
  const box = document.createElement('div');
  box.className = 'legend';
  for (const s of series) {
    const item = document.createElement('span');
    const sw = document.createElement('i');
    sw.className = `swatch ${s.cls}${s.dashed ? ' dashed' : ''}`;
    item.append(sw, document.createTextNode(s.name));
    box.append(item);
  }
  return box;
}
