/**
 * End-to-end scenarios in a real VS Code (code-server + Debian chromium via Playwright), against the
 * packaged .vsix installed with --install-extension. Each scenario is one named check; a failure is
 * recorded and the next scenario still runs, so one run reports them all.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, type CodeServer } from './codeServer';
import { correctionScenarios } from './e2eCorrections';
import { reliabilityScenarios } from './e2eReliability';
import { insightScenarios } from './e2eInsight';
import { checkTrustAfterReload, trustScenarios } from './e2eTrust';
import { uxScenarios, welcomeScenarios } from './e2eUx';
import { ask, chatFrame, modelLabel, openBrowser, openFromExplorer, openSidePanel, openWorkbench, runCommand, waitForNotification } from './workbench';

export interface ScenarioResult {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly error?: string;
}

export const SHOTS = join(ROOT, 'test-results');

/** The trained pairs of test/fixtures/workspace/train.tsv, as the scenarios ask them. */
export const TRAINED = {
  hello: 'hi there',
  name: 'seq2seq bot',
  markup: '<b>bold</b> <script>x</script>',
  // long enough (38 words, about 1 s of streaming) that Stop lands mid-reply even on a loaded machine
  story: 'once upon a time a small model learned to answer questions one word at a time and everyone who asked it something waited patiently for every single word to appear on the screen until the very end',
};

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function trainFromPalette(page: Page, file: string): Promise<void> {
  await openFromExplorer(page, file);
  await runCommand(page, 'Seq2Seq Chat: Train Model from Pairs File');
  // the active editor holds a pairs file: a quick pick offers it first
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

function expectEqual(got: string, expected: string, what: string): void {
  if (got !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
}

/** A scenario runner: each one named check, recorded in `results`, a screenshot of the page when it fails. */
export function scenarioRunner(page: Page, results: ScenarioResult[], log: (m: string) => void): (name: string, body: () => Promise<void>) => Promise<void> {
  return async (name, body) => {
    const t0 = Date.now();
    try {
      await body();
      results.push({ name, ok: true, seconds: (Date.now() - t0) / 1000 });
      log(`PASS ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      results.push({ name, ok: false, seconds: (Date.now() - t0) / 1000, error });
      log(`FAIL ${name}: ${error.split('\n')[0]}`);
      await shot(page, `FAIL-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
    }
  };
}

/** Opens a browser, runs `body` with a scenario runner on its page, closes it: the scenarios' results. */
export async function inBrowser(log: (m: string) => void, body: (page: Page, scenario: ReturnType<typeof scenarioRunner>) => Promise<void>): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const s = await openBrowser();
  try {
    await body(s.page, scenarioRunner(s.page, results, log));
    if (s.pageErrors.length > 0) log(`note: page errors: ${s.pageErrors.slice(0, 3).join(' | ')}`);
  } finally {
    await s.browser.close();
  }
  return results;
}

export async function runE2E(server: CodeServer, workspace: string, log: (m: string) => void): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const s = await openBrowser();
  const page = s.page;
  const scenario = scenarioRunner(page, results, log);
  try {
    await scenario('workbench loads with the extension contributed', async () => {
      await openWorkbench(page, server.url, workspace, 'train.tsv');
      await openSidePanel(page);
    });

    await welcomeScenarios(page, scenario, (name) => shot(page, name));

    await scenario('the default model answers in the side panel right after install', async () => {
      const f = await chatFrame(page, 'view');
      await f.locator('.model-label', { hasText: 'default model' }).waitFor({ timeout: 30_000 });
      const reply = await ask(f, 'hello');
      if (reply.trim() === '') throw new Error('expected a non-empty reply from the default model, got ""');
      await shot(page, 'side-panel-default-model');
    });

    await scenario('training from the command palette shows progress and finishes', async () => {
      await trainFromPalette(page, 'train.tsv');
      await waitForNotification(page, /training on train\.tsv/, 30_000);
      const done = await waitForNotification(page, /trained on train\.tsv/, 240_000);
      log(`  ${done.slice(0, 160)}`);
    });

    await scenario('a trained question gets the trained answer in the side panel', async () => {
      await openSidePanel(page);
      const f = await chatFrame(page, 'view');
      await f.locator('.model-label', { hasText: 'trained on train.tsv' }).waitFor({ timeout: 15_000 });
      expectEqual(await ask(f, 'hello'), TRAINED.hello, 'reply to "hello"');
    });

    await scenario('the editor chat shows the same conversation and answers trained questions', async () => {
      await runCommand(page, 'Seq2Seq Chat: Open Chat in Editor');
      const f = await chatFrame(page, 'panel');
      await f.locator('.entry.user', { hasText: 'hello' }).first().waitFor({ timeout: 15_000 });
      expectEqual(await ask(f, 'what is your name'), TRAINED.name, 'reply to "what is your name" (editor)');
      await shot(page, 'editor-panel-trained');
    });

    await scenario('a reply containing <script> and <b> is shown as literal text', async () => {
      const f = await chatFrame(page, 'panel');
      const reply = await ask(f, 'markup');
      expectEqual(reply, TRAINED.markup, 'reply to "markup"');
      const dom = await f.evaluate(() => ({
        bold: document.querySelectorAll('#log b').length,
        scripts: document.querySelectorAll('#log script').length,
        injected: [...document.querySelectorAll('script')].filter((e) => e.textContent === 'x').length,
      }));
      if (dom.bold !== 0 || dom.scripts !== 0) throw new Error(`expected no <b>/<script> elements in the log, got ${JSON.stringify(dom)}`);
      if (dom.injected !== 0) throw new Error(`expected the reply's <script> not to become an element, got ${dom.injected}`);
      await shot(page, 'editor-panel-markup-literal');
    });

    await scenario('keyboard: Shift+Enter adds a line, Enter during IME composition does not send, Up recalls the last question', async () => {
      const f = await chatFrame(page, 'panel');
      const input = f.locator('#question');
      const entries = await f.locator('.entry').count();
      await input.click();
      await input.fill('');
      await input.pressSequentially('first line');
      await input.press('Shift+Enter');
      await input.pressSequentially('second');
      const v = await input.inputValue();
      if (v !== 'first line\nsecond') throw new Error(`expected a two-line question, got ${JSON.stringify(v)}`);
      // an Enter that confirms an IME candidate (isComposing / keyCode 229) must not send
      await input.evaluate((el) => {
        el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true }));
        el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229, bubbles: true, cancelable: true }));
      });
      await page.waitForTimeout(300);
      const after = await f.locator('.entry').count();
      if (after !== entries) throw new Error(`expected no message sent during composition, got ${after - entries} new entries`);
      await input.fill('');
      await input.press('ArrowUp');
      const recalled = await input.inputValue();
      if (recalled !== 'markup') throw new Error(`expected Up to recall "markup", got ${JSON.stringify(recalled)}`);
      await input.fill('');
    });

    await scenario('Stop ends a reply mid-stream and the live region announces it', async () => {
      const f = await chatFrame(page, 'panel');
      const before = await f.locator('.entry.bot').count();
      const input = f.locator('#question');
      await input.click();
      await input.fill('tell me a story');
      await input.press('Enter');
      await f.locator('#stop').click({ timeout: 5_000 });
      const reply = f.locator('.entry.bot').nth(before);
      await f.locator('.entry.bot.stopped').nth(0).waitFor({ timeout: 10_000 });
      const text = (await reply.locator('.text').textContent()) ?? '';
      if (!(text.length < TRAINED.story.length && TRAINED.story.startsWith(text))) {
        throw new Error(`expected a strict prefix of ${JSON.stringify(TRAINED.story)}, got ${JSON.stringify(text)}`);
      }
      const announced = (await f.locator('#announce').textContent()) ?? '';
      if (!announced.startsWith('Reply stopped')) throw new Error(`expected the live region to announce the stop, got ${JSON.stringify(announced)}`);
      if (!(await f.locator('#stop').isHidden())) throw new Error('expected the Stop button to hide after the reply ended');
    });

    await correctionScenarios(page, scenario, workspace, log);

    await scenario('cancelling a training keeps the previous model answering', async () => {
      await trainFromPalette(page, 'big.tsv');
      const toast = page.locator('.notification-toast', { hasText: /training on big\.tsv/ }).first();
      await toast.waitFor({ timeout: 30_000 });
      await page.waitForTimeout(1500);
      await toast.hover();
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).first().click({ timeout: 10_000 });
      await waitForNotification(page, /training cancelled/, 60_000);
      await openSidePanel(page);
      const f = await chatFrame(page, 'view');
      await f.locator('.model-label', { hasText: 'trained on train.tsv' }).waitFor({ timeout: 15_000 });
      expectEqual(await ask(f, 'hello'), TRAINED.hello, 'reply to "hello" after cancel');
    });

    await scenario('a malformed pairs file shows its error with the line number', async () => {
      await trainFromPalette(page, 'bad.tsv');
      const text = await waitForNotification(page, /bad\.tsv:3/, 30_000);
      if (!/Open File at Line 3/.test(text)) throw new Error(`expected an "Open File at Line 3" button, got: ${text}`);
      await shot(page, 'malformed-pairs-error');
      // leave no toast behind for the next scenario's notification checks
      await runCommand(page, 'Notifications: Clear All Notifications');
    });

    await reliabilityScenarios(page, scenario, workspace, log);

    const trust = await trustScenarios(page, scenario, workspace, (name) => shot(page, name), log);

    await insightScenarios(page, scenario, workspace, (name) => shot(page, name), log);

    await scenario('the conversation survives a window reload', async () => {
      await page.reload();
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await openSidePanel(page);
      const f = await chatFrame(page, 'view', 60_000);
      await f.locator('.entry.user', { hasText: 'what is your name' }).first().waitFor({ timeout: 30_000 });
      await f.locator('.entry.bot', { hasText: TRAINED.name }).first().waitFor({ timeout: 10_000 });
      await checkTrustAfterReload(f, trust);
      // the editor chat is restored by its serializer, with the same conversation
      await page.locator('.tabs-container .tab', { hasText: 'Seq2Seq Chat' }).first().click();
      const p = await chatFrame(page, 'panel', 60_000);
      await p.locator('.entry.bot', { hasText: TRAINED.name }).first().waitFor({ timeout: 30_000 });
      await shot(page, 'after-reload');
    });

    await uxScenarios(page, scenario, (name) => shot(page, name));

    if (s.blocked.length > 0) log(`note: ${s.blocked.length} non-local request(s) blocked, e.g. ${s.blocked.slice(0, 3).join(', ')}`);
    if (s.pageErrors.length > 0) log(`note: page errors: ${s.pageErrors.slice(0, 3).join(' | ')}`);
  } finally {
    await s.browser.close();
  }
  return results;
}

export { modelLabel };
