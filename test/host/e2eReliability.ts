/**
 * Reliability scenarios for the real-VS-Code e2e run (registered in e2e.ts): text that looks like HTML
 * or script — a question, a file name, the error message naming it — is shown as literal text, never
 * parsed; and the chat webview's Content-Security-Policy blocks an inline <script> injected into its
 * page (the injected code does not run, and the page reports a script-src violation).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleMessage, Frame, Page } from 'playwright-core';
import { ask, chatFrame, openFromExplorer, openSidePanel, runCommand, waitForNotification } from './workbench';

export type Scenario = (name: string, body: () => Promise<void>) => Promise<void>;

/** A question and a file name that would run script or draw elements if anything used innerHTML. */
const HOSTILE_QUESTION = '<img src=x onerror="document.body.dataset.pwned=1"><b>bold</b><script>document.body.dataset.pwned=2</script>';
/** (No closing tags: a file name cannot hold '/'.) */
const HOSTILE_FILE = '<b>bad<img src=x onerror=alert(1)>.tsv';

/** The side-panel chat frame; opens the panel only if it is not showing (the activity-bar item toggles). */
export async function viewFrame(page: Page): Promise<Frame> {
  try {
    return await chatFrame(page, 'view', 10_000);
  } catch {
    await openSidePanel(page);
    return chatFrame(page, 'view', 90_000);
  }
}

export async function reliabilityScenarios(page: Page, scenario: Scenario, workspace: string, log: (m: string) => void): Promise<void> {
  await scenario('reliability: a question containing HTML and script is shown as literal text', async () => {
    const f = await viewFrame(page);
    await ask(f, HOSTILE_QUESTION);
    const dom = await f.evaluate(() => ({
      users: Array.from(document.querySelectorAll('.entry.user .text'), (e) => e.textContent ?? ''),
      elements: document.querySelectorAll('#log img, #log b, #log script').length,
      pwned: document.body.dataset.pwned ?? null,
    }));
    if (!dom.users.includes(HOSTILE_QUESTION)) throw new Error(`expected the question as literal text, got ${JSON.stringify(dom.users.slice(-2))}`);
    if (dom.elements !== 0 || dom.pwned !== null) throw new Error(`expected no parsed elements and no script run, got ${JSON.stringify(dom)}`);
  });

  await scenario('reliability: a file name and error message containing HTML are shown as literal text', async () => {
    writeFileSync(join(workspace, HOSTILE_FILE), 'question\tanswer\nthree\tfields\there\n');
    await openFromExplorer(page, '<b>bad<img');
    await runCommand(page, 'Seq2Seq Chat: Train Model from Pairs File');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '<b>bad<img' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    const text = await waitForNotification(page, /expected 2 tab-separated fields, got 3/, 30_000);
    if (!text.includes(`${HOSTILE_FILE}:2`)) throw new Error(`expected the literal file name and line in the error, got: ${text}`);
    const toast = page.locator('.notification-toast', { hasText: /tab-separated fields/ }).first();
    const parsed = await toast.locator('.notification-list-item-message b, .notification-list-item-message img').count();
    if (parsed !== 0) throw new Error(`expected no <b>/<img> elements in the notification, got ${parsed}`);
    await page.keyboard.press('Escape');
  });

  await scenario('reliability: the webview CSP blocks an injected inline script', async () => {
    const f = await viewFrame(page);
    const consoleLines: string[] = [];
    const onConsole = (m: ConsoleMessage): void => void consoleLines.push(m.text());
    page.on('console', onConsole);
    const result = await f.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} (${e.blockedURI || 'inline'})`));
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.inlineRan = "yes";';
      document.head.appendChild(script);
      const div = document.createElement('div');
      div.setAttribute('onclick', 'document.body.dataset.handlerRan = "yes"');
      document.body.appendChild(div);
      div.click();
      await new Promise((r) => setTimeout(r, 500));
      return { inline: document.body.dataset.inlineRan ?? null, handler: document.body.dataset.handlerRan ?? null, violations };
    });
    page.off('console', onConsole);
    if (result.inline !== null || result.handler !== null) throw new Error(`expected the CSP to block inline script, but it ran: ${JSON.stringify(result)}`);
    if (!result.violations.some((v) => v.startsWith('script-src'))) throw new Error(`expected a script-src violation, got ${JSON.stringify(result.violations)}`);
    const csp = consoleLines.find((l) => /Content Security Policy/i.test(l));
    log(`  CSP: blocked, ${result.violations.length} violation(s): ${result.violations.join('; ')}${csp ? `; console: ${csp.slice(0, 140)}` : ''}`);
  });
}
