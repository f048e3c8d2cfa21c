/**
 * "Answers users can trust" (issue #9) in a real VS Code (registered in e2e.ts): an off-topic question gets
 * the not-sure message with "Did you mean …?" buttons, one per suggestion the extension sent (the
 * `replyEnd` entry, caught on the webview's own message channel, compared with the DOM); clicking the
 * first button asks that question — a user entry with the button's text, then a finished reply.
 *
 * To be deterministic whatever the engine's calibration, the scenario sets
 * seq2seqChat.decoding.confidenceThreshold to 1 in the workspace settings (every reply is then not sure)
 * and removes it afterwards. The suggestions come from the engine (the closest trained questions); the
 * scenario requires at least one, since without them there is nothing to click.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { notSureMessage } from '../../src/chat/reply';
import type { ChatEntry } from '../../src/chat/protocol';
import type { Scenario } from './e2eReliability';
import { viewFrame } from './e2eReliability';
import { ask } from './workbench';

export const OFF_TOPIC = 'qwzx vbnm plokij';

/** What the reload scenario checks again: the not-sure entry and its buttons. */
export interface TrustOutcome {
  unsure: { readonly id: number; readonly suggestions: readonly string[] } | null;
}

/** Starts recording the entries of the `replyEnd` messages this webview receives (once per frame). */
async function recordReplyEnds(f: Frame): Promise<void> {
  await f.evaluate(() => {
    const w = window as unknown as { s2sReplyEnds?: unknown[] };
    if (w.s2sReplyEnds) return;
    const ends: unknown[] = [];
    w.s2sReplyEnds = ends;
    window.addEventListener('message', (ev: MessageEvent) => {
      const d = ev.data as { type?: unknown; entry?: unknown } | null;
      if (d && d.type === 'replyEnd') ends.push(d.entry);
    });
  });
}

async function replyEnd(f: Frame, id: number): Promise<ChatEntry> {
  const entry = await f.evaluate((n) => ((window as unknown as { s2sReplyEnds?: { id: number }[] }).s2sReplyEnds ?? []).find((e) => e.id === n) ?? null, id);
  if (!entry) throw new Error(`expected a replyEnd message for entry ${id}, got none`);
  return entry as ChatEntry;
}

/** The newest bot entry: its id, text and the texts of its suggestion buttons. */
async function lastBot(f: Frame): Promise<{ id: number; text: string; unsure: boolean; buttons: string[]; focusable: boolean }> {
  return f.evaluate(() => {
    const bots = document.querySelectorAll<HTMLElement>('.entry.bot');
    const e = bots[bots.length - 1];
    const buttons = [...e.querySelectorAll<HTMLButtonElement>('.suggestions button.suggestion')];
    return {
      id: Number(e.dataset.id),
      text: e.querySelector('.text')?.textContent ?? '',
      unsure: e.classList.contains('unsure'),
      buttons: buttons.map((b) => b.textContent ?? ''),
      focusable: buttons.every((b) => b.tagName === 'BUTTON' && b.tabIndex >= 0 && !b.disabled),
    };
  });
}

export async function trustScenarios(page: Page, scenario: Scenario, workspace: string, shot: (name: string) => Promise<void>, log: (m: string) => void): Promise<TrustOutcome> {
  const outcome: TrustOutcome = { unsure: null };
  const settingsFile = join(workspace, '.vscode', 'settings.json');

  await scenario('trust: an off-topic question gets the not-sure message with "Did you mean" buttons; the first one asks its question', async () => {
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify({ 'seq2seqChat.decoding.confidenceThreshold': 1 }, null, 2) + '\n');
    try {
      const f = await viewFrame(page);
      await recordReplyEnds(f);
      // The workspace settings file reaches the extension host through a file watcher: give it a moment.
      let bot: Awaited<ReturnType<typeof lastBot>>;
      for (let attempt = 1; ; attempt++) {
        await page.waitForTimeout(attempt === 1 ? 1500 : 2000);
        await ask(f, OFF_TOPIC);
        bot = await lastBot(f);
        if (bot.unsure || attempt >= 4) break;
        log(`  attempt ${attempt}: the reply was still sure (threshold setting not applied yet), asking again`);
      }
      const entry = await replyEnd(f, bot.id);
      log(`  not-sure entry: ${JSON.stringify(entry)}`);
      if (entry.unsure !== true) throw new Error(`expected an unsure reply with confidenceThreshold 1, got ${JSON.stringify(entry)}`);
      if (bot.text !== notSureMessage(OFF_TOPIC) || entry.text !== bot.text) {
        throw new Error(`expected the not-sure message ${JSON.stringify(notSureMessage(OFF_TOPIC))}, got DOM ${JSON.stringify(bot.text)}, entry ${JSON.stringify(entry.text)}`);
      }
      if (typeof entry.confidence !== 'number' || !(entry.confidence >= 0 && entry.confidence < 1)) throw new Error(`expected a confidence in [0, 1), got ${entry.confidence}`);
      const suggestions = entry.suggestions ?? [];
      if (JSON.stringify(bot.buttons) !== JSON.stringify(suggestions)) {
        throw new Error(`expected one button per suggestion ${JSON.stringify(suggestions)}, got buttons ${JSON.stringify(bot.buttons)}`);
      }
      if (!bot.focusable) throw new Error('expected the suggestions to be enabled, focusable <button>s');
      outcome.unsure = { id: bot.id, suggestions };
      await shot('not-sure-reply');
      if (suggestions.length === 0) throw new Error('expected at least one suggestion (the closest trained questions) on the not-sure reply, got none');

      // Click the first suggestion: it is asked like a typed question.
      const users = await f.locator('.entry.user').count();
      const bots = await f.locator('.entry.bot').count();
      await f.locator(`.entry.bot[data-id="${bot.id}"] button.suggestion`).first().click();
      await f.locator('.entry.user').nth(users).waitFor({ timeout: 15_000 });
      const asked = (await f.locator('.entry.user').nth(users).locator('.text').textContent()) ?? '';
      if (asked !== suggestions[0]) throw new Error(`expected the clicked suggestion ${JSON.stringify(suggestions[0])} as the new question, got ${JSON.stringify(asked)}`);
      await f.locator('.entry.bot').nth(bots).waitFor({ timeout: 30_000 });
      await f.waitForFunction((n) => {
        const e = document.querySelectorAll('.entry.bot')[n];
        return e !== undefined && !e.classList.contains('streaming') && (e.querySelector('.text')?.textContent ?? '') !== '';
      }, bots, { timeout: 30_000 });
      const answer = await lastBot(f);
      log(`  clicked ${JSON.stringify(suggestions[0])}: reply ${JSON.stringify(answer.text)}${answer.unsure ? ' (not sure)' : ''}`);
      await shot('not-sure-suggestion-asked');
    } finally {
      rmSync(settingsFile, { force: true });
    }
  });

  return outcome;
}

/** After a reload: the not-sure entry is still there, with the same buttons (workspaceState). */
export async function checkTrustAfterReload(f: Frame, outcome: TrustOutcome): Promise<void> {
  const u = outcome.unsure;
  if (!u) return;
  const e = f.locator(`.entry.bot.unsure[data-id="${u.id}"]`);
  await e.waitFor({ timeout: 10_000 });
  const buttons = await e.locator('button.suggestion').allTextContents();
  if (JSON.stringify(buttons) !== JSON.stringify(u.suggestions)) {
    throw new Error(`expected the not-sure reply's buttons ${JSON.stringify(u.suggestions)} after the reload, got ${JSON.stringify(buttons)}`);
  }
}
