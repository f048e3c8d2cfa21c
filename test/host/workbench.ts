/**
 * Playwright helpers for driving the VS Code workbench in Debian chromium: the command palette, the
 * explorer, notifications and our chat webviews (an outer iframe.webview holding an inner frame
 * named "active-frame"; ours carry body[data-host="view" | "panel"]).
 */
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { CHROMIUM } from './codeServer';

export interface Session {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Requests to anything but 127.0.0.1/localhost, aborted. */
  readonly blocked: string[];
  readonly pageErrors: string[];
}

export async function openBrowser(): Promise<Session> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (/^(https?|wss?):\/\/([a-z0-9-]+\.)?(127\.0\.0\.1|localhost)(:\d+)?\//.test(u) || /^(data|blob):/.test(u)) return route.continue();
    blocked.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { browser, context, page, blocked, pageErrors };
}

export async function openWorkbench(page: Page, url: string, workspace: string, fileInWorkspace: string): Promise<void> {
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileInWorkspace }).first().waitFor({ timeout: 120_000 });
}

export async function runCommand(page: Page, label: string, timeout = 15_000): Promise<void> {
  const box = page.locator('.quick-input-widget .quick-input-box input');
  // The palette can close between opening and typing (a notification or a view taking the focus as a
  // command ends): then fill waits for an input that is gone, so open the palette again, up to 3 times.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    try {
      await box.waitFor({ state: 'visible', timeout: 15_000 });
      await box.fill('>' + label, { timeout: 10_000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw new Error(`command palette: could not type ${JSON.stringify(label)} after ${attempt} tries: ${(e as Error).message}`);
    }
  }
  // "Open Chat" also matches "Open Chat in Editor" (which may be listed first as recently used): pick the exact label
  const exact = page.locator('.quick-input-list .monaco-list-row .label-name').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}…?\\s*$`) });
  await exact.first().waitFor({ timeout });
  await exact.first().click();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Clicks a file in the explorer, which opens it in the (preview) editor. */
export async function openFromExplorer(page: Page, name: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  if (!(await row.isVisible())) {
    await page.locator('.activitybar [aria-label^="Explorer"]').first().click();
    await row.waitFor({ timeout: 15_000 });
  }
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
  await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: 15_000 });
}

/** Waits for a notification toast whose text matches; returns its text. */
export async function waitForNotification(page: Page, text: RegExp, timeout = 60_000): Promise<string> {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  await toast.waitFor({ timeout });
  return (await toast.innerText()).replace(/\s+/g, ' ');
}

export async function clearNotifications(page: Page): Promise<void> {
  for (const t of await page.locator('.notification-toast .codicon-notifications-clear, .notification-toast .codicon-close').all()) {
    await t.click({ timeout: 1000 }).catch(() => undefined);
  }
}

/** Opens the chat view with its command; `openChat` is the command's title as the palette shows it (localised). */
export async function openSidePanel(page: Page, openChat = 'Seq2Seq Chat: Open Chat'): Promise<void> {
  const item = page.locator('.activitybar [aria-label^="Seq2Seq Chat"], .activitybar [title^="Seq2Seq Chat"]').first();
  await item.waitFor({ timeout: 60_000 });
  // the command focuses the view, opening the side bar even when it was closed; right after a reload the
  // palette may not list it yet (the list does not refresh when contributions arrive): retry a few times
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, openChat, 10_000);
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2000);
    }
  }
}

export async function chatFrame(page: Page, host: 'view' | 'panel', timeout = 30_000): Promise<Frame> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (f.name() !== 'active-frame' && !/fake\.html/.test(f.url())) continue;
      try {
        const h = await f.evaluate(() => document.body?.dataset.host ?? '');
        if (h === host && (await f.locator('#question').count()) > 0) return f;
      } catch {
        // frame is navigating
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`chat webview (${host}) not found; frames: ${page.frames().map((f) => f.name() + ' ' + f.url().slice(0, 80)).join(' | ')}`);
}

/** Types a question, presses Enter and returns the finished reply's text (the newest bot entry). */
export async function ask(frame: Frame, question: string, timeout = 30_000): Promise<string> {
  const before = await frame.locator('.entry.bot').count();
  const input = frame.locator('#question');
  await input.click();
  await input.fill(question);
  await input.press('Enter');
  const reply = frame.locator('.entry.bot').nth(before);
  await reply.waitFor({ timeout });
  // finished: no longer streaming, and the aria-live region announced it
  await frame.waitForFunction((n) => {
    const e = document.querySelectorAll('.entry.bot')[n];
    return e !== undefined && !e.classList.contains('streaming') && (document.getElementById('announce')?.textContent ?? '') !== '';
  }, before, { timeout });
  return (await reply.locator('.text').textContent()) ?? '';
}

export async function modelLabel(frame: Frame): Promise<string> {
  return (await frame.locator('.model-label').textContent()) ?? '';
}
