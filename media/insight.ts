/**
 * The insight views' script (bundled by webpack to dist/insight.js, target web): the training dashboard,
 * "why this answer" and the evaluation report, drawn from the messages of src/insight/protocol.ts. Model
 * and file text is set with `textContent` only; colours come from --vscode-* variables (media/insight.css);
 * charts are SVG with text alternatives (media/charts.ts); everything clickable is a real button.
 */
import type { DashboardView, InsightExtensionMessage, InsightView, InsightWebviewMessage, LiveTraining, ReportView, WhyView } from '../src/insight/protocol';
import type { TrainingCurves, TrainingRun } from '../src/train/curves';
import type { DiffPart } from '../src/insight/diff';
import type { ChangedPair } from '../src/insight/types';
import { histogramBars } from '../src/insight/histogram';
import { legend, lineChart, svg, type Mark, type Series } from './charts';
import { t } from './l10n';

declare function acquireVsCodeApi(): { postMessage(message: InsightWebviewMessage): void; getState(): unknown; setState(state: InsightView): void };
const vscode = acquireVsCodeApi();

/** An element with a class and, optionally, its text (set as text, never parsed as HTML). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), cls ? { className: cls } : {}, text !== undefined ? { textContent: text } : {});
}

const app = document.getElementById('app') ?? document.body;
let current: InsightView | null = null;
/** Runs of the dashboard's history picked for the overlay (indices), at most two. */
const picked: number[] = [];

const pct = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '—');
const num = (x: number | null | undefined, digits = 3): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—');

// ---- training dashboard ------------------------------------------------------------------------

const STOP_WORDS: Record<string, string> = {
  completed: t('completed'),
  'early-stopping': t('early stop'),
  cancelled: t('cancelled'),
  'non-finite': t('diverged'),
};

function marksOf(c: TrainingCurves): Mark[] {
  const marks: Mark[] = [];
  if (c.bestEpoch > 0) marks.push({ x: c.bestEpoch, label: t('best {0}', c.bestEpoch), cls: 'best' });
  if (c.stop && c.stop.reason !== 'completed') marks.push({ x: c.stop.epoch, label: STOP_WORDS[c.stop.reason] ?? c.stop.reason, cls: `stop ${c.stop.reason}` });
  return marks;
}

function curveCharts(c: TrainingCurves, title: string): HTMLElement {
  const box = el('div', 'charts');
  const xMax = Math.max(c.epochsPlanned > 0 && c.stop === undefined ? Math.min(c.epochsPlanned, Math.max(10, c.epochs.length * 2)) : 0, c.epochs.length, Math.ceil(c.iterations[c.iterations.length - 1]?.x ?? 0), 1);
  const loss: Series[] = [
    { name: t('iteration loss'), cls: 'raw', points: c.iterations.map((p) => [p.x, p.loss]) },
    { name: t('smoothed'), cls: 'smoothed', points: c.iterations.map((p) => [p.x, p.smoothed]) },
    { name: t('training loss (epoch)'), cls: 'loss', dots: true, points: c.epochs.map((p) => [p.epoch, p.loss]) },
  ];
  if (c.epochs.some((p) => typeof p.valLoss === 'number')) loss.push({ name: t('validation loss'), cls: 'val-loss', dots: true, points: c.epochs.map((p) => [p.epoch, p.valLoss ?? null]) });
  const acc: Series[] = [{ name: t('exact-match'), cls: 'accuracy', dots: true, points: c.epochs.map((p) => [p.epoch, p.accuracy]) }];
  const marks = marksOf(c);
  const fig1 = el('figure');
  fig1.append(lineChart(loss, { title: t('{0}: loss (nats per token) by epoch', title), xMax, marks }), legend(loss));
  const fig2 = el('figure');
  fig2.append(lineChart(acc, { title: t('{0}: exact-match by epoch', title), xMax, yMin: 0, yMax: 1, marks }), legend(acc));
  box.append(fig1, fig2);
  return box;
}

function liveSection(live: LiveTraining | null): HTMLElement {
  const sec = el('section', 'live');
  sec.id = 'live';
  sec.setAttribute('aria-labelledby', 'live-title');
  const h = el('h2', undefined, live ? (live.running ? t('Training on {0}', live.file) : t('Last training on {0}', live.file)) : t('No training in this session'));
  h.id = 'live-title';
  sec.append(h);
  if (!live) {
    sec.append(el('p', 'hint', t('Run "{0}": the curves appear here while it trains.', t('Seq2Seq Chat: Train Model from Pairs File…'))));
    return sec;
  }
  const c = live.curves;
  const last = c.epochs[c.epochs.length - 1];
  const facts = [
    t('epoch {0}/{1}', c.epochs.length, c.epochsPlanned),
    t('loss {0}', num(last?.loss)),
    t('exact-match {0}', pct(last?.accuracy)),
    c.bestEpoch > 0 ? t('best epoch {0}', c.bestEpoch) : '',
    c.samplesPerSecond !== undefined ? t('{0} samples/s', c.samplesPerSecond.toFixed(0)) : '',
    live.running && c.eta !== undefined ? t('ETA ≤ {0} s', Math.round(c.eta)) : '',
    c.stop ? (c.stop.reason === 'completed' ? t('stopped: {0}', STOP_WORDS[c.stop.reason]) : t('stopped: {0} at epoch {1}', STOP_WORDS[c.stop.reason] ?? c.stop.reason, c.stop.epoch)) : '',
  ].filter((x) => x !== '');
  const status = el('p', 'status', facts.join(' · '));
  status.id = 'live-status';
  status.setAttribute('role', 'status');
  sec.append(status);
  if (c.stop?.message) sec.append(el('p', `stop-message ${c.stop.reason}`, c.stop.message));
  sec.append(curveCharts(c, live.file));
  return sec;
}

function runLabel(r: TrainingRun, i: number): string {
  return `#${i + 1} ${r.file}, ${r.report.date.slice(0, 16).replace('T', ' ')}`;
}

function overlay(runs: readonly TrainingRun[]): HTMLElement {
  const box = el('div', 'overlay');
  box.id = 'overlay';
  if (picked.length === 0) {
    box.append(el('p', 'hint', t('Tick one or two runs to draw their curves over each other.')));
    return box;
  }
  const xMax = Math.max(1, ...picked.map((i) => runs[i].curves.epochs.length));
  const cls = ['run-a', 'run-b'];
  const loss: Series[] = picked.map((i, k) => ({ name: t('{0} loss', runLabel(runs[i], i)), cls: cls[k], dashed: k === 1, dots: true, points: runs[i].curves.epochs.map((p) => [p.epoch, p.loss]) }));
  const acc: Series[] = picked.map((i, k) => ({ name: t('{0} exact-match', runLabel(runs[i], i)), cls: cls[k], dashed: k === 1, dots: true, points: runs[i].curves.epochs.map((p) => [p.epoch, p.accuracy]) }));
  const f1 = el('figure');
  f1.append(lineChart(loss, { title: t('Runs compared: training loss by epoch'), xMax }), legend(loss));
  const f2 = el('figure');
  f2.append(lineChart(acc, { title: t('Runs compared: exact-match by epoch'), xMax, yMin: 0, yMax: 1 }), legend(acc));
  box.append(f1, f2);
  return box;
}

function runsSection(runs: readonly TrainingRun[]): HTMLElement {
  const sec = el('section', 'runs');
  sec.append(el('h2', undefined, t('Runs of this model ({0})', runs.length)));
  if (runs.length === 0) {
    sec.append(el('p', 'hint', t('This model keeps no runs (the default model, or a file written before runs were kept).')));
    return sec;
  }
  const table = el('table');
  const head = el('tr');
  for (const h of [t('overlay'), t('run'), t('model'), t('epochs'), t('exact-match'), t('loss'), t('stopped'), t('duration'), t('data hash')]) head.append(el('th', undefined, h));
  table.append(el('thead'), el('tbody'));
  table.tHead?.append(head);
  runs.forEach((r, i) => {
    const tr = el('tr');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = picked.includes(i);
    box.setAttribute('aria-label', t('overlay run {0}', i + 1));
    box.addEventListener('change', () => {
      const at = picked.indexOf(i);
      if (box.checked && at < 0) {
        picked.push(i);
        if (picked.length > 2) picked.shift();
      } else if (!box.checked && at >= 0) picked.splice(at, 1);
      render();
    });
    const td0 = el('td');
    td0.append(box);
    const o = r.options;
    tr.append(
      td0,
      el('td', undefined, runLabel(r, i)),
      el('td', undefined, `${o.model ?? '?'} H=${o.hidden ?? '?'} D=${o.wordvec ?? '?'} ${o.tokenizer ?? ''}`),
      el('td', undefined, t('{0} (best {1})', r.report.epochs, r.curves.bestEpoch)),
      el('td', undefined, pct(r.report.accuracy)),
      el('td', undefined, num(r.report.loss)),
      el('td', undefined, STOP_WORDS[r.report.stoppedBy] ?? r.report.stoppedBy),
      el('td', undefined, r.report.seconds > 0 ? t('{0} s', r.report.seconds.toFixed(1)) : '—'),
      el('td', 'mono', r.report.dataHash.slice(0, 12) || '—'),
    );
    table.tBodies[0].append(tr);
  });
  sec.append(table, overlay(runs));
  return sec;
}

function cardSection(model: DashboardView['model']): HTMLElement {
  const sec = el('section', 'card');
  sec.append(el('h2', undefined, model ? t('Model card: {0}', model.label) : t('No model')));
  if (!model) return sec;
  const table = el('table');
  for (const [k, v] of model.card) {
    const tr = el('tr');
    tr.append(el('th', undefined, k), el('td', undefined, v));
    table.append(tr);
  }
  sec.append(table);
  return sec;
}

function renderDashboard(v: DashboardView): void {
  app.append(el('h1', undefined, t('Training dashboard')), liveSection(v.live), runsSection(v.runs), cardSection(v.model));
}

// ---- why this answer ---------------------------------------------------------------------------

/** Shade strength from a probability or weight in [0, 1] (a CSS variable read by media/insight.css). */
function shade(e: HTMLElement, x: number): void {
  e.style.setProperty('--w', String(Math.max(0, Math.min(1, Number.isFinite(x) ? x : 0))));
}

/** A token shown as text with visible white space. */
function tokenText(t: string): string {
  return t.replace(/ /g, '␣').replace(/\n/g, '↵') || '∅';
}

function heatmap(w: WhyView): HTMLElement {
  const a = w.explanation.attention;
  const sec = el('section', 'attention');
  sec.append(el('h2', undefined, t('Attention: where the decoder looked')));
  if (!a) {
    sec.append(el('p', 'hint', t('A {0} model has no attention (book ch. 8 adds it); train with {1} "attention" to see it.', w.explanation.kind, 'seq2seqChat.model.kind')));
    return sec;
  }
  sec.append(el('p', 'hint', t('Rows: reply tokens, top to bottom. Columns: question tokens as the encoder read them, left to right. Darker = more weight (scaled to the largest weight); hover or focus a cell for its weight.')));
  let max = 0;
  for (const row of a.weights) for (const x of row) if (Number.isFinite(x)) max = Math.max(max, x);
  const readout = el('p', 'readout', t('Hover or focus a cell.'));
  readout.id = 'readout';
  readout.setAttribute('aria-live', 'polite');
  const table = el('table', 'heatmap');
  table.id = 'heatmap';
  table.setAttribute('aria-label', t('Attention weights, {0} reply tokens by {1} question tokens', a.rows.length, a.columns.length));
  const head = el('tr');
  head.append(el('th', 'corner', t('reply ↓ / question →')));
  for (const q of a.columns) {
    const th = el('th', 'col', tokenText(q));
    th.scope = 'col';
    head.append(th);
  }
  table.append(head);
  a.rows.forEach((r, i) => {
    const tr = el('tr');
    const th = el('th', 'row', tokenText(r));
    th.scope = 'row';
    tr.append(th);
    a.weights[i].forEach((x, j) => {
      const td = el('td', 'cell');
      td.tabIndex = 0;
      shade(td, max > 0 ? x / max : 0);
      const words = `${tokenText(r)} × ${tokenText(a.columns[j])}: ${x.toFixed(3)}`;
      td.title = words;
      td.setAttribute('aria-label', words);
      td.dataset.weight = x.toFixed(4);
      const show = (): void => {
        readout.textContent = words;
      };
      td.addEventListener('mouseenter', show);
      td.addEventListener('focus', show);
      td.addEventListener('keydown', (ev: KeyboardEvent) => {
        const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
        const m = moves[ev.key];
        if (!m) return;
        ev.preventDefault();
        const next = table.rows[i + 1 + m[0]]?.cells[j + 1 + m[1]];
        if (next && next.tagName === 'TD') next.focus();
      });
      tr.append(td);
    });
    table.append(tr);
  });
  const scroll = el('div', 'scroll');
  scroll.append(table);
  sec.append(scroll, readout);
  return sec;
}

function renderWhy(w: WhyView): void {
  const e = w.explanation;
  app.append(el('h1', undefined, t('Why this answer')));
  const q = el('p', 'question');
  q.append(el('strong', undefined, t('Question: ')), document.createTextNode(e.question), el('span', 'hint', t(' — read as {0}', e.questionTokens.map(tokenText).join(' · '))));
  app.append(q);
  const reply = el('section', 'reply');
  reply.append(el('h2', undefined, t('Reply, each token shaded by its probability')));
  const line = el('p', 'tokens');
  line.id = 'tokens';
  for (const k of e.tokens) {
    const span = el('span', 'tok', k.text);
    shade(span, k.prob);
    span.title = `${JSON.stringify(k.text)}: p = ${k.prob.toFixed(3)}`;
    span.dataset.prob = k.prob.toFixed(4);
    line.append(span);
  }
  reply.append(line);
  const low = [...e.tokens].sort((x, y) => x.prob - y.prob)[0];
  reply.append(el('p', 'visually-hidden', t('Token probabilities: {0}.', e.tokens.map((k) => `${k.text.trim() || t('space')} ${k.prob.toFixed(2)}`).join(', '))));
  const verdict = (e.sure ? t('Sure: confidence {0} ≥ threshold {1}', e.confidence.toFixed(3), e.threshold) : t('Not sure: confidence {0} < threshold {1}', e.confidence.toFixed(3), e.threshold)) +
    (low ? t('; least likely token {0} (p = {1})', JSON.stringify(low.text), low.prob.toFixed(3)) : '') + (e.cut ? t('; cut at the length limit') : '');
  reply.append(el('p', `verdict ${e.sure ? 'sure' : 'unsure'}`, verdict));
  if (e.signals) {
    const s = e.signals;
    const signals = [s.posterior.toFixed(3), s.minProb.toFixed(3), pct(s.coverage), s.similarity.toFixed(3)];
    reply.append(el('p', 'hint', s.agrees
      ? t('Confidence from: posterior among trained answers {0}, lowest token probability {1}, known words {2}, similarity to the closest question {3} (its answer is this reply).', ...signals)
      : t('Confidence from: posterior among trained answers {0}, lowest token probability {1}, known words {2}, similarity to the closest question {3} (its answer is another).', ...signals)));
    if (s.answerCoverage !== undefined) reply.append(el('p', 'hint', t('Words of the question found in this answer: {0}.', pct(s.answerCoverage))));
  }
  app.append(reply, heatmap(w));
  const nb = el('section', 'nbest');
  nb.append(el('h2', undefined, t('Other replies the model considered (beam search)')));
  const ol = el('ol');
  for (const r of e.nBest) {
    const li = el('li', undefined, r.text.trim() === '' ? t('(blank: {0})', tokenText(r.text)) : r.text);
    li.append(el('span', 'hint', r.trained ? t(' score {0} (≈ p {1} per token), a trained answer', r.score.toFixed(3), Math.exp(r.score).toFixed(2)) : t(' score {0} (≈ p {1} per token)', r.score.toFixed(3), Math.exp(r.score).toFixed(2))));
    ol.append(li);
  }
  nb.append(ol);
  const cl = el('section', 'closest');
  cl.append(el('h2', undefined, t('Closest trained questions')));
  if (e.closest.length === 0) cl.append(el('p', 'hint', t('No trained question shares a word with this one.')));
  const ul = el('ul');
  for (const c of e.closest) {
    const li = el('li', undefined, c.question);
    li.append(el('span', 'hint', t(' → {0} (similarity {1})', c.answer, c.similarity.toFixed(2))));
    ul.append(li);
  }
  cl.append(ul);
  app.append(nb, cl);
}

// ---- evaluation report -------------------------------------------------------------------------

function diffElement(parts: readonly DiffPart[]): HTMLElement {
  const span = el('span', 'diff');
  for (const p of parts) span.append(p.op === 'same' ? document.createTextNode(p.text) : el(p.op, undefined, p.text));
  return span;
}

function lineButton(file: string, line: number): HTMLButtonElement {
  const b = el('button', 'link', `${file}:${line}`);
  b.type = 'button';
  b.title = t('Open {0} at line {1}', file, line);
  b.addEventListener('click', () => vscode.postMessage({ type: 'openLine', line }));
  return b;
}

function histogramElement(v: ReportView): HTMLElement {
  const h = v.report.histogram;
  const W = 400;
  const H = 120;
  const root = svg('svg', { viewBox: `-10 -5 ${W + 20} ${H + 25}`, class: 'chart histogram', role: 'img' });
  root.setAttribute('aria-label', t('Confidence histogram. Right replies per bin: {0}. Wrong or not sure: {1}.', h.right.join(', '), h.wrong.join(', ')));
  root.append(svg('line', { x1: 0, y1: H, x2: W, y2: H, class: 'axis' }));
  for (const b of histogramBars(h, W, H)) {
    const r = svg('rect', { x: b.x, y: b.y, width: b.width, height: b.height, class: `bar ${b.series}` });
    r.append(svg('title', {}, b.label));
    root.append(r);
  }
  h.edges.forEach((e, i) => root.append(svg('text', { x: (i * W) / (h.edges.length - 1), y: H + 14, class: 'tick', 'text-anchor': 'middle' }, e.toFixed(1))));
  const fig = el('figure');
  fig.append(root, legend([{ name: t('right'), cls: 'right', points: [] }, { name: t('wrong or not sure'), cls: 'wrong', points: [] }]));
  return fig;
}

function changedTable(title: string, rows: readonly ChangedPair[], file: string): HTMLElement {
  const box = el('div');
  box.append(el('h3', undefined, `${title}: ${rows.length}`));
  if (rows.length === 0) return box;
  const table = el('table');
  const head = el('tr');
  for (const h of [t('line'), t('question'), t('expected'), t('before'), t('after')]) head.append(el('th', undefined, h));
  table.append(head);
  for (const c of rows) {
    const tr = el('tr');
    const td = el('td');
    td.append(lineButton(file, c.line));
    tr.append(td, el('td', undefined, c.question), el('td', undefined, c.expected), el('td', undefined, c.before.got), el('td', undefined, c.after.got));
    table.append(tr);
  }
  box.append(table);
  return box;
}

function renderReport(v: ReportView): void {
  const r = v.report;
  const share = (k: number): string => `${k}/${r.total} (${(r.total > 0 ? (100 * k) / r.total : 0).toFixed(1)}%)`;
  app.append(el('h1', undefined, t('Evaluation of {0} ({1}) on {2}', r.model.label, r.model.kind, r.file)));
  const figures = el('p', 'figures');
  figures.id = 'figures';
  figures.append(el('strong', undefined, t('exact-match {0}', share(r.correct))), document.createTextNode(` · ${t('answered {0}', share(r.answered))} · ${t('not sure {0}', share(r.notSure))}`));
  app.append(figures);
  const hs = el('section');
  hs.append(el('h2', undefined, t('Confidence of right and wrong replies')), histogramElement(v));
  app.append(hs);
  const ms = el('section', 'misses');
  ms.append(el('h2', undefined, t('Misses ({0})', r.misses.length)));
  if (r.misses.length === 0) ms.append(el('p', undefined, t('No misses: every reply was sure and exactly right.')));
  else {
    const table = el('table');
    table.id = 'misses';
    const head = el('tr');
    for (const h of [t('line'), t('question'), t('expected → got (struck: missing, underlined: extra)'), t('confidence')]) head.append(el('th', undefined, h));
    table.append(head);
    for (const m of r.misses) {
      const tr = el('tr');
      const td0 = el('td');
      td0.append(lineButton(r.file, m.line));
      const td2 = el('td');
      td2.append(diffElement(m.diff));
      if (!m.sure) td2.append(el('em', 'hint', t(' (not sure)')));
      tr.append(td0, el('td', undefined, m.question), td2, el('td', undefined, m.confidence.toFixed(2)));
      table.append(tr);
    }
    ms.append(table);
  }
  app.append(ms);
  const c = v.comparison;
  if (c) {
    const cs = el('section', 'comparison');
    cs.append(el('h2', undefined, t('Compared with the previous evaluation of this file')));
    cs.append(el('p', undefined, t('{0}: {1}/{2} → {3}: {4}/{5}; {6} fixed, {7} broken, {8} changed, {9} the same.', c.before.label, c.before.correct, c.before.total, c.after.label, c.after.correct, c.after.total, c.fixed.length, c.broken.length, c.changed.length, c.same)));
    cs.append(changedTable(t('Fixed'), c.fixed, r.file), changedTable(t('Broken'), c.broken, r.file), changedTable(t('Changed (wrong in both)'), c.changed, r.file));
    app.append(cs);
  }
}

// ---- routing -----------------------------------------------------------------------------------

function render(): void {
  app.replaceChildren();
  const v = current;
  if (!v) return;
  switch (v.kind) {
    case 'dashboard':
      renderDashboard(v);
      return;
    case 'why':
      renderWhy(v);
      return;
    case 'report':
      renderReport(v);
      return;
    default: {
      const never: never = v;
      console.warn('seq2seq-chat insight: unknown view', never);
    }
  }
}

function onMessage(m: InsightExtensionMessage): void {
  switch (m.type) {
    case 'view':
      current = m.view;
      vscode.setState(m.view);
      render();
      return;
    case 'live': {
      if (current?.kind !== 'dashboard') return;
      current = { ...current, live: m.live };
      vscode.setState(current);
      // Only the live section is redrawn: the runs table keeps its focus and ticks.
      const old = document.getElementById('live');
      if (old) old.replaceWith(liveSection(m.live));
      else render();
      return;
    }
    default: {
      const never: never = m;
      console.warn('seq2seq-chat insight: unknown message', never);
    }
  }
}

window.addEventListener('message', (ev: MessageEvent<InsightExtensionMessage>) => onMessage(ev.data));
const saved = vscode.getState();
if (typeof saved === 'object' && saved !== null && 'kind' in saved) {
  current = saved as InsightView;
  render();
}
vscode.postMessage({ type: 'ready' });
