/**
 * The evaluation report as one self-contained HTML file (`seq2seq-chat eval … --report report.html`): inline
 * CSS and SVG, no script, no external resource, every model or file text escaped. The same figures as the
 * extension's report view (src/insight/evaluation.ts).
 */
import { cardRows, type ModelCard } from './card';
import type { DiffPart } from './diff';
import type { ChangedPair, ConfidenceHistogram, EvaluationReport, ReportComparison } from './types';
import { histogramBars } from './histogram';

export { histogramBars, type HistogramBar } from './histogram';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const pct = (k: number, n: number): string => `${k}/${n} (${(n > 0 ? (100 * k) / n : 0).toFixed(1)}%)`;

function histogramSvg(h: ConfidenceHistogram): string {
  const W = 400;
  const H = 140;
  const bars = histogramBars(h, W, H)
    .map((b) => `<rect class="${b.series}" x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.width.toFixed(1)}" height="${b.height.toFixed(1)}"><title>${escapeHtml(b.label)}</title></rect>`)
    .join('');
  const ticks = h.edges.map((e, i) => `<text x="${((i * W) / (h.edges.length - 1)).toFixed(1)}" y="${H + 14}" text-anchor="middle">${e.toFixed(1)}</text>`).join('');
  const alt = `Confidence histogram. Right replies per bin: ${h.right.join(', ')}. Wrong or not sure: ${h.wrong.join(', ')}.`;
  return `<svg viewBox="-10 -5 ${W + 20} ${H + 25}" width="${W + 20}" height="${H + 25}" role="img" aria-label="${escapeHtml(alt)}"><line x1="0" y1="${H}" x2="${W}" y2="${H}" class="axis"/>${bars}${ticks}</svg>`;
}

export function diffHtml(parts: readonly DiffPart[]): string {
  return parts.map((p) => (p.op === 'same' ? escapeHtml(p.text) : p.op === 'del' ? `<del>${escapeHtml(p.text)}</del>` : `<ins>${escapeHtml(p.text)}</ins>`)).join('');
}

function changedRows(title: string, rows: readonly ChangedPair[], file: string): string {
  if (rows.length === 0) return `<h3>${escapeHtml(title)}: none</h3>`;
  const body = rows
    .map((c) => `<tr><td>${escapeHtml(file)}:${c.line}</td><td>${escapeHtml(c.question)}</td><td>${escapeHtml(c.expected)}</td><td>${escapeHtml(c.before.got)}</td><td>${escapeHtml(c.after.got)}</td></tr>`)
    .join('');
  return `<h3>${escapeHtml(title)}: ${rows.length}</h3><table><thead><tr><th>line</th><th>question</th><th>expected</th><th>before</th><th>after</th></tr></thead><tbody>${body}</tbody></table>`;
}

function comparisonHtml(c: ReportComparison, file: string): string {
  return `<section><h2>Comparison</h2><p>${escapeHtml(c.before.label)}: ${pct(c.before.correct, c.before.total)} → ${escapeHtml(c.after.label)}: ${pct(c.after.correct, c.after.total)}; ` +
    `${c.fixed.length} fixed, ${c.broken.length} broken, ${c.changed.length} changed, ${c.same} the same${c.unmatched > 0 ? `, ${c.unmatched} in one file only` : ''}.</p>` +
    changedRows('Fixed (wrong before, right after)', c.fixed, file) + changedRows('Broken (right before, wrong after)', c.broken, file) + changedRows('Changed (wrong in both)', c.changed, file) + '</section>';
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:70em;color:#1e1e1e;background:#fff}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#1e1e1e}th{background:#2a2a2a!important}}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #8884;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}
del{background:#f8514933;text-decoration:line-through}ins{background:#2ea04333;text-decoration:none}
svg text{font-size:10px;fill:currentColor}.axis{stroke:currentColor}rect.right{fill:#2ea043}rect.wrong{fill:#f85149}
.figures{display:flex;gap:2em;flex-wrap:wrap}.figures div{font-size:1.3em}.legend span{margin-right:1em}.sw{display:inline-block;width:.8em;height:.8em;margin-right:.3em}`;

/** The whole report page. `card`: the model card, shown at the top when given. */
export function renderReportHtml(report: EvaluationReport, options: { card?: ModelCard; comparison?: ReportComparison; generated?: string } = {}): string {
  const r = report;
  const card = options.card ? `<section><h2>Model</h2><table>${cardRows(options.card).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table></section>` : '';
  const misses = r.misses.length === 0
    ? '<p>No misses: every reply was sure and exactly right.</p>'
    : `<table><thead><tr><th>line</th><th>question</th><th>expected → got (<del>missing</del> <ins>extra</ins>)</th><th>confidence</th></tr></thead><tbody>${r.misses
      .map((m) => `<tr><td>${escapeHtml(r.file)}:${m.line}</td><td>${escapeHtml(m.question)}</td><td>${diffHtml(m.diff)}${m.sure ? '' : ' <em>(not sure)</em>'}</td><td>${m.confidence.toFixed(2)}</td></tr>`)
      .join('')}</tbody></table>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Evaluation of ${escapeHtml(r.model.label)} on ${escapeHtml(r.file)}</title><style>${STYLE}</style></head>
<body><h1>Evaluation of ${escapeHtml(r.model.label)} (${escapeHtml(r.model.kind)}) on ${escapeHtml(r.file)}</h1>
${options.generated ? `<p>${escapeHtml(options.generated)}</p>` : ''}
<section class="figures"><div>exact-match: <strong>${pct(r.correct, r.total)}</strong></div><div>answered: ${pct(r.answered, r.total)}</div><div>not sure: ${pct(r.notSure, r.total)}</div></section>
<section><h2>Confidence of right and wrong replies</h2><p class="legend"><span><i class="sw" style="background:#2ea043"></i>right</span><span><i class="sw" style="background:#f85149"></i>wrong or not sure</span></p>${histogramSvg(r.histogram)}</section>
<section><h2>Misses (${r.misses.length})</h2>${misses}</section>
${options.comparison ? comparisonHtml(options.comparison, r.file) : ''}
${card}
</body></html>
`;
}
