/**
 * "Answers users can trust" (issue #9) in a real VS Code (registered in e2e.ts). With
 * decoding.maxReplyLength 3, a reply is cut: it ends with "…" and shows the cut marker. An off-topic question gets
 * the not-sure message with "Did you mean …?" buttons, one per suggestion the extension sent (the
 * `replyEnd` entry, caught on the webview's own message channel, compared with the DOM); clicking the
 * first button asks that question — a user entry with the button's text, then a finished reply.
 *
 * To be deterministic whatever the engine's calibration, the scenario sets
 * seq2seqChat.decoding.confidenceThreshold to 1 in the workspace settings (every reply is then not sure)
 * and puts the fixture's settings back afterwards (its threshold 0 shows every reply as the model gave it,
 * which the other scenarios check). The suggestions come from the engine (the closest trained questions); the
 * scenario requires at least one, since without them there is nothing to click.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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
async function lastBot(f: Frame): Promise<{ id: number; text: string; unsure: boolean; cut: string | null; buttons: string[]; focusable: boolean }> {
  return f.evaluate(() => {
    const bots = document.querySelectorAll<HTMLElement>('.entry.bot');
    const e = bots[bots.length - 1];
    const buttons = [...e.querySelectorAll<HTMLButtonElement>('.suggestions button.suggestion')];
    return {
      id: Number(e.dataset.id),
      text: e.querySelector('.text')?.textContent ?? '',
      unsure: e.classList.contains('unsure'),
      cut: e.classList.contains('cut') ? e.querySelector<HTMLElement>('.cut-mark')?.title ?? '' : null,
      buttons: buttons.map((b) => b.textContent ?? ''),
      focusable: buttons.every((b) => b.tagName === 'BUTTON' && b.tabIndex >= 0 && !b.disabled),
    };
  });
}

type Bot = Awaited<ReturnType<typeof lastBot>>;

/**
 * Runs `body` with extra workspace settings, then puts the fixture's settings file back. A settings file
 * reaches the extension host through a file watcher, so `ask` retries (up to 4 times, 2 s apart) until
 * `applied` says the reply shows the setting.
 */
async function withSettings(
  workspace: string,
  extra: Record<string, unknown>,
  body: (askUntil: (f: Frame, question: string, applied: (b: Bot) => boolean) => Promise<Bot>) => Promise<void>,
  log: (m: string) => void,
): Promise<void> {
  const file = join(workspace, '.vscode', 'settings.json');
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, JSON.stringify({ ...(JSON.parse(original) as Record<string, unknown>), ...extra }, null, 2) + '\n');
  const askUntil = async (f: Frame, question: string, applied: (b: Bot) => boolean): Promise<Bot> => {
    for (let attempt = 1; ; attempt++) {
      await f.page().waitForTimeout(attempt === 1 ? 1500 : 2000);
      await ask(f, question);
      const bot = await lastBot(f);
      if (applied(bot) || attempt >= 4) return bot;
      log(`  attempt ${attempt}: ${JSON.stringify(extra)} not applied yet, asking again`);
    }
  };
  try {
    await body(askUntil);
  } finally {
    writeFileSync(file, original);
  }
}

export async function trustScenarios(page: Page, scenario: Scenario, workspace: string, shot: (name: string) => Promise<void>, log: (m: string) => void): Promise<TrustOutcome> {
  const outcome: TrustOutcome = { unsure: null };

  await scenario('trust: a reply cut at the length limit ends with "…" and shows the cut marker', async () => {
    // Replies constrained to the trained answers are never cut; free generation at 3 tokens is.
    await withSettings(workspace, { 'seq2seqChat.decoding.maxReplyLength': 3, 'seq2seqChat.decoding.constrained': false }, async (askUntil) => {
      const f = await viewFrame(page);
      const bot = await askUntil(f, 'what is your name', (b) => b.cut !== null);
      if (bot.cut === null || !bot.text.endsWith('…')) throw new Error(`expected a cut reply ending with "…" and a cut marker, got ${JSON.stringify(bot)}`);
      if (!/maxReplyLength/.test(bot.cut)) throw new Error(`expected the marker's tooltip to name the setting, got ${JSON.stringify(bot.cut)}`);
      const visible = await f.locator(`.entry.bot[data-id="${bot.id}"] .cut-mark`).isVisible();
      if (!visible) throw new Error('expected the cut marker to be visible');
      log(`  cut reply ${JSON.stringify(bot.text)}, marker tooltip ${JSON.stringify(bot.cut)}`);
    }, log);
  });

  await scenario('trust: an off-topic question gets the not-sure message with "Did you mean" buttons; the first one asks its question', async () => {
    await withSettings(workspace, { 'seq2seqChat.decoding.confidenceThreshold': 1 }, async (askUntil) => {
      const f = await viewFrame(page);
      await recordReplyEnds(f);
      const bot = await askUntil(f, OFF_TOPIC, (b) => b.unsure);
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
    }, log);
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
