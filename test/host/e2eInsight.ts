/**
 * "See inside the model" (issue #13) in a real VS Code (registered in e2e.ts): the training dashboard during
 * and after a training (live curves, best epoch, the runs of the model overlaid), "Why?" on an attention
 * model's reply (the heatmap, answer tokens × question tokens, with hover weights; the per-token shading),
 * and the evaluation report with its character diffs, a miss opening the pairs file at its line. Each view
 * is screenshotted into test-results/ (dashboard-during-training.png, dashboard-after-training.png,
 * why-heatmap.png, why-token-shading.png, report-diff.png).
 *
 * The second training trains an attention model on medium.tsv (train.tsv's pairs and 80 more; model.kind,
 * epochs and patience 0 in the workspace settings, put back afterwards), long enough (about 10–30 s) to be
 * seen running, and the model's history then holds two runs of different kinds to overlay.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { Scenario } from './e2eReliability';
import { viewFrame } from './e2eReliability';
import { ask, openFromExplorer, runCommand, waitForNotification } from './workbench';

/** The insight webview showing `view` (dashboard, why, report). */
async function insightFrame(page: Page, view: string, timeout = 30_000): Promise<Frame> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (f.name() !== 'active-frame' && !/fake\.html/.test(f.url())) continue;
      try {
        if ((await f.evaluate(() => document.body?.dataset.view ?? '')) === view && (await f.locator('h1').count()) > 0) return f;
      } catch {
        // navigating
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`insight view "${view}" not found`);
}

export async function insightScenarios(page: Page, scenario: Scenario, workspace: string, shot: (name: string) => Promise<void>, log: (m: string) => void): Promise<void> {
  const settings = join(workspace, '.vscode', 'settings.json');
  const original = readFileSync(settings, 'utf8');

  await scenario('insight: the dashboard draws live curves during a training and stays open after it, with both runs to overlay', async () => {
    const extra: string[] = [];
    for (let i = 0; i < 80; i++) extra.push(`question number ${i}\tanswer ${i % 13}`);
    writeFileSync(join(workspace, 'medium.tsv'), readFileSync(join(workspace, 'train.tsv'), 'utf8').trimEnd() + '\n' + extra.join('\n') + '\n');
    const slow = { 'seq2seqChat.model.kind': 'attention', 'seq2seqChat.training.epochs': 60, 'seq2seqChat.training.patience': 0 };
    writeFileSync(settings, JSON.stringify({ ...(JSON.parse(original) as Record<string, unknown>), ...slow }, null, 2) + '\n');
    await page.waitForTimeout(2500); // the settings file reaches the extension host through a watcher
    await runCommand(page, 'Seq2Seq Chat: Show Training Dashboard');
    await insightFrame(page, 'dashboard');
    await openFromExplorer(page, 'medium.tsv');
    await runCommand(page, 'Seq2Seq Chat: Train Model from Pairs File');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'medium.tsv' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    // back to the dashboard tab while the training runs
    await page.locator('.tabs-container .tab', { hasText: 'Training Dashboard' }).first().click();
    const live = await insightFrame(page, 'dashboard');
    await live.locator('#live-title', { hasText: /^Training on medium\.tsv$/ }).waitFor({ timeout: 30_000 });
    await live.waitForFunction(() => /epoch [2-9]\d*\//.test(document.getElementById('live-status')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const running = (await live.locator('#live-title').textContent()) ?? '';
    if (!running.startsWith('Training on')) throw new Error(`expected the training still running at the first check, got ${JSON.stringify(running)}`);
    const during = await live.evaluate(() => ({ status: document.getElementById('live-status')?.textContent ?? '', paths: document.querySelectorAll('#live svg path.series').length, label: document.querySelector('#live svg')?.getAttribute('aria-label') ?? '' }));
    log(`  during: ${during.status}; ${during.paths} series; ${during.label.slice(0, 120)}`);
    if (during.paths < 3) throw new Error(`expected loss, smoothed and exact-match lines while training, got ${during.paths}`);
    await shot('dashboard-during-training');
    await waitForNotification(page, /trained on medium\.tsv/, 240_000);
    const after = await insightFrame(page, 'dashboard');
    await after.locator('#live-title', { hasText: 'Last training on medium.tsv' }).waitFor({ timeout: 15_000 });
    await after.locator('.runs tbody tr').nth(1).waitFor({ timeout: 15_000 });
    const runs = await after.locator('.runs tbody tr').allInnerTexts();
    log(`  runs: ${runs.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);
    if (!/attention H=48/.test(runs[runs.length - 1])) throw new Error(`expected the last run to be an attention model, got ${runs[runs.length - 1]}`);
    const best = await after.locator('#live .mark.best').count();
    if (best === 0) throw new Error('expected the best epoch marked on the curves');
    const boxes = after.locator('.runs tbody input[type=checkbox]');
    await boxes.nth(0).check();
    await after.locator('.runs tbody input[type=checkbox]').nth(1).check();
    await after.locator('#overlay svg').first().waitFor({ timeout: 5_000 });
    const overlaid = await after.locator('#overlay svg path.series').count();
    if (overlaid < 4) throw new Error(`expected two runs × (loss, exact-match) overlaid, got ${overlaid} lines`);
    await shot('dashboard-after-training');
  });

  await scenario('insight: "Why?" on an attention reply shows the heatmap (answer × question) with hover weights and the per-token shading', async () => {
    writeFileSync(settings, original);
    const f = await viewFrame(page);
    const reply = await ask(f, 'what is your name');
    log(`  reply ${JSON.stringify(reply)}`);
    await f.locator('.entry.bot').last().locator('button.why').click();
    const w = await insightFrame(page, 'why');
    await w.locator('#heatmap').waitFor({ timeout: 15_000 });
    const shape = await w.evaluate(() => {
      const t = document.getElementById('heatmap') as HTMLTableElement;
      const cols = [...t.rows[0].querySelectorAll('th.col')].map((e) => e.textContent ?? '');
      const rows = [...t.querySelectorAll('th.row')].map((e) => e.textContent ?? '');
      const sums = [...t.rows].slice(1).map((r) => [...r.querySelectorAll<HTMLElement>('td.cell')].reduce((s, c) => s + Number(c.dataset.weight), 0));
      const tokens = [...document.querySelectorAll<HTMLElement>('#tokens .tok')].map((e) => ({ text: e.textContent ?? '', p: Number(e.dataset.prob) }));
      return { cols, rows, sums, tokens };
    });
    log(`  heatmap ${shape.rows.length}×${shape.cols.length}: rows ${JSON.stringify(shape.rows)}, columns ${JSON.stringify(shape.cols)}`);
    // The encoder reads stemmed words ("name" → "nam"), in reading order although it is fed them reversed.
    if (shape.cols.length !== 4 || shape.cols.slice(0, 3).join(' ') !== 'what is your' || !shape.cols[3].startsWith('nam')) {
      throw new Error(`expected the question's words in reading order on the columns, got ${JSON.stringify(shape.cols)}`);
    }
    if (shape.rows.length !== shape.tokens.length || shape.rows.length === 0) throw new Error(`expected one row per reply token (${shape.tokens.length}), got ${shape.rows.length}`);
    for (const s of shape.sums) if (Math.abs(s - 1) > 1e-3) throw new Error(`expected each row's weights to sum to 1, got ${s}`);
    if (shape.tokens.map((t) => t.text).join('') !== reply) throw new Error(`expected the shaded tokens to spell the reply, got ${JSON.stringify(shape.tokens)}`);
    if (!shape.tokens.every((t) => t.p > 0 && t.p <= 1)) throw new Error(`expected token probabilities in (0, 1], got ${JSON.stringify(shape.tokens)}`);
    const cell = w.locator('#heatmap td.cell').first();
    await cell.hover();
    const readout = (await w.locator('#readout').textContent()) ?? '';
    if (!/×.*: \d\.\d{3}$/.test(readout)) throw new Error(`expected the hovered weight in the readout, got ${JSON.stringify(readout)}`);
    await cell.focus();
    await page.keyboard.press('ArrowRight');
    const focused = await w.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label') ?? '');
    if (!/×/.test(focused)) throw new Error(`expected arrow keys to move between cells, focus is on ${JSON.stringify(focused)}`);
    await shot('why-heatmap');
    await w.locator('#tokens').scrollIntoViewIfNeeded();
    await w.locator('#tokens .tok').first().hover();
    await shot('why-token-shading');
  });

  await scenario('insight: Evaluate opens the report with character diffs; a miss opens the pairs file at its line', async () => {
    writeFileSync(join(workspace, 'eval.tsv'), 'hello\thi there!\nhow are you\tfine thanks\nwhat is your name\tseq2seq robot\n');
    await openFromExplorer(page, 'eval.tsv');
    await runCommand(page, 'Seq2Seq Chat: Evaluate Model on Pairs File');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'eval.tsv' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    const r = await insightFrame(page, 'report');
    await r.locator('#misses').waitFor({ timeout: 30_000 });
    const figures = (await r.locator('#figures').textContent()) ?? '';
    // Each miss's diff: its common text plus the struck parts spell the expected answer, plus the underlined parts the reply.
    const diffs = await r.evaluate(() => [...document.querySelectorAll('#misses tr')].slice(1).map((tr) => {
      const parts = [...(tr.querySelector('.diff')?.childNodes ?? [])].map((n) => ({ op: n.nodeName.toLowerCase(), text: n.textContent ?? '' }));
      return {
        line: tr.querySelector('button')?.textContent ?? '',
        expected: parts.filter((p) => p.op !== 'ins').map((p) => p.text).join(''),
        got: parts.filter((p) => p.op !== 'del').map((p) => p.text).join(''),
        changes: parts.filter((p) => p.op === 'del' || p.op === 'ins').length,
      };
    }));
    log(`  ${figures}; misses ${JSON.stringify(diffs)}`);
    const m = /exact-match (\d)\/3/.exec(figures);
    if (!m) throw new Error(`expected "exact-match K/3", got ${JSON.stringify(figures)}`);
    const answers: Record<string, string> = { 'eval.tsv:1': 'hi there!', 'eval.tsv:2': 'fine thanks', 'eval.tsv:3': 'seq2seq robot' };
    if (diffs.length !== 3 - Number(m[1])) throw new Error(`expected ${3 - Number(m[1])} misses, got ${diffs.length}`);
    for (const d of diffs) {
      if (d.expected !== answers[d.line]) throw new Error(`${d.line}: expected the diff to spell ${JSON.stringify(answers[d.line])} on the expected side, got ${JSON.stringify(d.expected)}`);
    }
    if (!diffs.some((d) => d.changes > 0)) throw new Error('expected at least one miss with a struck or underlined part (the eval file changes every answer the model was trained on)');
    if (await r.locator('.histogram rect.bar').count() !== 20) throw new Error('expected 10 bins × right/wrong bars in the histogram');
    await shot('report-diff');
    const target = diffs[diffs.length - 1].line;
    await r.locator('#misses button', { hasText: target }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'eval.tsv' }).waitFor({ timeout: 15_000 });
    await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${target.split(':')[1]}, Col 1`) }).first().waitFor({ timeout: 15_000 });
  });
  writeFileSync(settings, original);
}
