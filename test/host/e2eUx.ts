/**
 * "The first five minutes" (issue #12) in a real VS Code (registered in e2e.ts), with screenshots in
 * test-results/: the welcome of an empty conversation and its example buttons (ux-empty-state), the model card
 * in the status bar hover (ux-model-card), a pairs file typed with spaces in the Problems panel and its quick
 * fix (ux-pairs-problems), New Chat then Undo, Copy, ↑/↓ history and the focus after Send, a 300 px side bar
 * (ux-narrow-sidebar) and the light and dark themes (ux-theme-light, ux-theme-dark).
 */
import type { Frame, Page } from 'playwright-core';
import type { Scenario } from './e2eReliability';
import { viewFrame } from './e2eReliability';
import { ask, openFromExplorer, runCommand } from './workbench';

type Shot = (name: string) => Promise<void>;

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/** Picks a color theme by name through the palette. */
async function colorTheme(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(800);
}

/** Scenarios for an empty conversation: run before anything is asked. */
export async function welcomeScenarios(page: Page, scenario: Scenario, shot: Shot): Promise<void> {
  await scenario('ux: an empty conversation shows a welcome with example questions, Train on my pairs…, a sample file and the format', async () => {
    const f = await viewFrame(page);
    const welcome = f.locator('#welcome');
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    const examples = await f.locator('#welcome button.example').allTextContents();
    expect(examples.length >= 3 && examples.length <= 4, `expected 3–4 example questions, got ${JSON.stringify(examples)}`);
    expect(await f.locator('#train-mine').isVisible(), 'expected "Train on my pairs…"');
    expect(await f.locator('#sample-pairs').isVisible(), 'expected "Create a sample pairs file"');
    expect(/question⇥answer/.test((await f.locator('.format-hint').textContent()) ?? ''), 'expected the format reminder');
    const title = (await f.locator('.model-label').getAttribute('title')) ?? '';
    expect(/default model/.test(title) && /pairs?/.test(title) && /exact-match/.test(title), `expected the model card on the label's hover, got ${JSON.stringify(title)}`);
    await shot('ux-empty-state');
    // An example button asks its question: the welcome gives way to the conversation.
    await f.locator('#welcome button.example').first().click();
    await f.locator('.entry.user', { hasText: examples[0] }).first().waitFor({ timeout: 15_000 });
    await f.locator('.entry.bot:not(.streaming)').first().waitFor({ timeout: 15_000 });
    await welcome.waitFor({ state: 'hidden', timeout: 5_000 });
  });

  await scenario('ux: the status bar item shows the model card on hover', async () => {
    const item = page.locator('.statusbar-item', { hasText: 'Seq2Seq:' }).first();
    await item.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Seq2Seq Chat' }).first();
    await hover.waitFor({ timeout: 10_000 });
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    expect(/default model \(default\)/.test(text) && /kind: \w+/.test(text) && /exact-match/.test(text), `expected the model card, got ${JSON.stringify(text)}`);
    await shot('ux-model-card');
    await page.mouse.move(700, 300);
  });
}

/** Types into the chat input and presses a key; returns the input's value after it. */
async function key(f: Frame, press: string): Promise<string> {
  await f.locator('#question').press(press);
  return f.locator('#question').inputValue();
}

/** Scenarios on a conversation with questions in it (run after the e2e's own). */
export async function uxScenarios(page: Page, scenario: Scenario, shot: Shot): Promise<void> {
  await scenario('ux: a pairs file typed with spaces shows every bad line in the Problems panel, and the quick fix puts a tab', async () => {
    await openFromExplorer(page, 'typed.pairs.tsv');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const problems = page.locator('.markers-panel .monaco-list-row', { hasText: 'this line has spaces where a tab is expected' });
    await problems.first().waitFor({ timeout: 30_000 });
    expect((await problems.count()) === 2, `expected 2 spaces-for-tab problems, got ${await problems.count()}`);
    await shot('ux-pairs-problems');
    await problems.first().click();
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row, .context-view .action-label', { hasText: 'Replace the spaces with a tab on all 2 such lines' }).first();
    await fix.waitFor({ timeout: 10_000 });
    const fixed = (timeout: number): Promise<boolean> =>
      page
        .waitForFunction(() => document.querySelectorAll('.markers-panel .monaco-list-row').length === 0 || ![...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => /spaces where a tab/.test(r.textContent ?? '')), undefined, { timeout })
        .then(() => true, () => false);
    await fix.click();
    // Under load the action widget can re-render under the pointer and lose the click (seen once in CI: the
    // item highlighted, the menu still open); the hovered item is the focused one, so Enter chooses it.
    if (!(await fixed(5_000)) && (await fix.isVisible())) {
      await fix.hover();
      await page.keyboard.press('Enter');
    }
    expect(await fixed(15_000), 'expected the quick fix to clear every spaces-for-tab problem');
    await runCommand(page, 'File: Revert File');
  });

  await scenario('ux: ↑/↓ walk the questions asked, Send returns the focus to the input, Copy copies a reply', async () => {
    const f = await viewFrame(page);
    await ask(f, 'hello');
    await ask(f, 'what is your name');
    const input = f.locator('#question');
    await input.fill('draft');
    expect((await key(f, 'ArrowUp')) === 'what is your name', 'expected ↑ to recall the newest question');
    expect((await key(f, 'ArrowUp')) === 'hello', 'expected a second ↑ to recall the one before');
    expect((await key(f, 'ArrowDown')) === 'what is your name', 'expected ↓ to go forward');
    expect((await key(f, 'ArrowDown')) === 'draft', 'expected ↓ past the newest to bring back the draft');
    await input.fill('bye');
    await f.locator('#send').click();
    await f.waitForFunction(() => document.activeElement?.id === 'question', undefined, { timeout: 5_000 });
    const copy = f.locator('.entry.bot:not(.unsure) button.copy').last();
    await copy.click();
    await f.locator('.entry.bot button.copy', { hasText: 'Copied' }).first().waitFor({ timeout: 5_000 });
    // The focus outline of a focused button is drawn outside it, 2 px wide.
    await f.locator('#send').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const outline = await f.locator('#send').evaluate((b) => getComputedStyle(b).outlineWidth);
    expect(outline === '2px', `expected a 2px focus outline on Send, got ${outline}`);
  });

  await scenario('ux: New Chat clears the conversation and its notification offers Undo', async () => {
    const f = await viewFrame(page);
    const before = await f.locator('.entry').count();
    expect(before > 0, 'expected a conversation to clear');
    await f.locator('.header button', { hasText: 'New chat' }).click();
    await f.locator('#welcome').waitFor({ state: 'visible', timeout: 10_000 });
    const toast = page.locator('.notification-toast', { hasText: /conversation cleared/ }).first();
    await toast.waitFor({ timeout: 10_000 });
    await toast.locator('.monaco-button', { hasText: 'Undo' }).first().click();
    await f.waitForFunction((n) => document.querySelectorAll('.entry').length === n, before, { timeout: 10_000 });
    expect(await f.locator('#welcome').isHidden(), 'expected the welcome to hide again after Undo');
  });

  await scenario('ux: a 300 px side bar wraps the model label instead of cutting it, and the conversation stays at its end', async () => {
    const f = await viewFrame(page);
    const sidebar = page.locator('.part.sidebar').first();
    const box = await sidebar.boundingBox();
    if (!box) throw new Error('expected a side bar');
    const sash = box.x + box.width;
    await page.mouse.move(sash - 1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 300, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(500);
    const width = (await sidebar.boundingBox())?.width ?? 0;
    expect(Math.abs(width - 300) < 40, `expected a side bar about 300 px wide, got ${width}`);
    const label = await f.locator('.model-label').evaluate((e) => ({ text: e.textContent ?? '', lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight || '16')), clipped: e.scrollWidth > e.clientWidth + 1 }));
    expect(!label.clipped, `expected the model label not to be cut sideways, got ${JSON.stringify(label)}`);
    const atEnd = await f.locator('#log').evaluate((l) => l.scrollHeight - l.scrollTop - l.clientHeight < 10);
    expect(atEnd, 'expected the conversation to stay scrolled to its end after the resize');
    await shot('ux-narrow-sidebar');
  });

  await scenario('ux: the chat in the light and dark themes', async () => {
    await viewFrame(page);
    await colorTheme(page, 'Light Modern');
    await shot('ux-theme-light');
    await colorTheme(page, 'Dark Modern');
    await shot('ux-theme-dark');
  });
}
