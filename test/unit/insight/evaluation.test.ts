import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { PairOutcome } from '../../../src/chat';
import { buildEvaluationReport, compareReports, confidenceHistogram } from '../../../src/insight/evaluation';
import { histogramBars, renderReportHtml } from '../../../src/insight/reportHtml';

function outcome(line: number, got: string, right: boolean, confidence: number, sure = true): PairOutcome {
  return { line, question: `q${line}`, expected: `answer ${line}`, got, sure, confidence, right };
}

describe('confidence histogram', () => {
  test('bins right and wrong replies by confidence; 1.0 falls in the last bin', () => {
    const h = confidenceHistogram([outcome(1, 'answer 1', true, 0.95), outcome(2, 'answer 2', true, 1), outcome(3, 'x', false, 0.05), outcome(4, 'y', false, 0.5, false), outcome(5, 'z', false, Number.NaN)]);
    assert.deepEqual(h.right, [0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    assert.deepEqual(h.wrong, [2, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert.equal(h.edges.length, 11);
    assert.throws(() => confidenceHistogram([], 0), /bins to be an integer ≥ 1, got 0/);
  });

  test('bars are scaled to the largest count and carry a text alternative', () => {
    const bars = histogramBars({ edges: [0, 0.5, 1], right: [0, 4], wrong: [2, 0] }, 100, 50);
    const tallest = bars.find((b) => b.series === 'right' && b.bin === 1);
    assert.equal(tallest?.height, 50);
    assert.equal(bars.find((b) => b.series === 'wrong' && b.bin === 0)?.height, 25);
    assert.equal(tallest?.label, '0.5–1.0: 4 right');
  });
});

describe('evaluation report', () => {
  const outcomes = [outcome(1, 'answer 1', true, 0.9), outcome(2, 'answer two', false, 0.7), outcome(3, 'answer 3', false, 0.1, false)];

  test('counts answered, not sure and right, and diffs each miss', () => {
    const r = buildEvaluationReport('faq.tsv', { label: 'm', kind: 'peeky' }, outcomes);
    assert.equal(r.total, 3);
    assert.equal(r.answered, 2);
    assert.equal(r.notSure, 1);
    assert.equal(r.correct, 1);
    assert.deepEqual(r.misses.map((m) => m.line), [2, 3]);
    assert.deepEqual(r.misses[0].diff, [{ op: 'same', text: 'answer ' }, { op: 'del', text: '2' }, { op: 'ins', text: 'two' }]);
    assert.deepEqual(r.misses[1].diff, [{ op: 'same', text: 'answer 3' }], 'a not-sure reply can be textually right and still a miss');
  });

  test('comparing two models on the same file names the fixed, broken and changed pairs', () => {
    const before = buildEvaluationReport('faq.tsv', { label: 'old', kind: 'peeky' }, outcomes);
    const after = buildEvaluationReport('faq.tsv', { label: 'new', kind: 'attention' }, [
      outcome(1, 'answer 9', false, 0.8), // broken
      outcome(2, 'answer 2', true, 0.9), // fixed
      outcome(3, 'answer 3', false, 0.3, false), // the same
      outcome(4, 'x', false, 0.2), // only in the new file
    ]);
    const c = compareReports(before, after);
    assert.deepEqual(c.fixed.map((p) => p.line), [2]);
    assert.deepEqual(c.broken.map((p) => p.line), [1]);
    assert.deepEqual(c.changed, []);
    assert.equal(c.same, 1);
    assert.equal(c.unmatched, 1);
    assert.deepEqual([c.before.correct, c.after.correct], [1, 1]);
    const changed = compareReports(before, buildEvaluationReport('faq.tsv', { label: 'n', kind: 'peeky' }, [outcomes[0], outcome(2, 'answer zwei', false, 0.7), outcomes[2]]));
    assert.deepEqual(changed.changed.map((p) => [p.before.got, p.after.got]), [['answer two', 'answer zwei']]);
  });

  test('the HTML file is self-contained and shows model text as text', () => {
    const hostile = [{ ...outcome(7, '<script>alert(1)</script>', false, 0.4), question: '<img src=x onerror=alert(1)>' }];
    const report = buildEvaluationReport('a<b>.tsv', { label: 'm', kind: 'simple' }, hostile);
    const html = renderReportHtml(report, { comparison: compareReports(report, report) });
    const tags = new Set(Array.from(html.matchAll(/<([a-z][a-z0-9]*)/gi), (m) => m[1].toLowerCase()));
    const allowed = ['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'p', 'section', 'div', 'strong', 'span', 'i', 'em', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'del', 'ins', 'svg', 'line', 'rect', 'text'];
    assert.deepEqual([...tags].filter((t) => !allowed.includes(t)), [], 'no script, image, link, frame or other element');
    assert.ok(!/https?:|url\(|@import/i.test(html), 'no external resource');
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /a&lt;b&gt;\.tsv:7/);
    assert.match(html, /exact-match: <strong>0\/1 \(0\.0%\)<\/strong>/);
    assert.match(html, /<svg [^>]*role="img" aria-label="Confidence histogram/);
  });
});
