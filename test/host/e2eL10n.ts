/**
 * The Japanese UI and the CLI terminal (issue #12 items 8 and 10) in a real VS Code: code-server started with
 * `--locale ja` and a test-only language pack (test/fixtures/langpack-ja: it declares Japanese and translates
 * none of VS Code's own strings, which stay English), so the extension host has vscode.env.language 'ja'
 * and loads package.nls.ja.json and l10n/bundle.l10n.ja.json. Screenshot: test-results/l10n-ja-chat-view.png.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { installVsix, ROOT, startCodeServer, type CodeServer, type HostDirs } from './codeServer';
import { inBrowser, shot, SHOTS, type ScenarioResult } from './e2e';
import { ask, chatFrame, openSidePanel, openWorkbench, runCommand } from './workbench';

const LANGPACK = join(ROOT, 'test/fixtures/langpack-ja');

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/**
 * Packs the test language pack into a .vsix in `dirs.base` (vsce, as for the extension), installs it, and
 * registers it in the user data's languagepacks.json, which VS Code writes when a language pack is installed
 * from its UI but `--install-extension` does not: code-server reads that file to resolve `--locale ja`.
 */
export function installJapanese(dirs: HostDirs): void {
  const vsix = join(dirs.base, 'langpack-ja.vsix');
  const r = spawnSync(join(ROOT, 'node_modules/.bin/vsce'), ['package', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: LANGPACK, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vsce package (test language pack): expected exit 0, got ${r.status}\n${r.stdout}\n${r.stderr}`);
  installVsix(dirs, vsix);
  const manifest = JSON.parse(readFileSync(join(LANGPACK, 'package.json'), 'utf8')) as { name: string; publisher: string; version: string };
  const id = `${manifest.publisher}.${manifest.name}`;
  const translations = join(dirs.exts, `${id}-${manifest.version}`, 'translations', 'main.i18n.json');
  if (!existsSync(translations)) throw new Error(`test language pack: expected ${translations} after installing it, got nothing`);
  const packs = { ja: { hash: `${id}-${manifest.version}`, extensions: [{ extensionIdentifier: { id }, version: manifest.version }], translations: { vscode: translations }, label: '日本語' } };
  writeFileSync(join(dirs.data, 'languagepacks.json'), JSON.stringify(packs, null, 2));
}

/** code-server in Japanese: the language pack installed, then `--locale ja`. */
export function startJapaneseCodeServer(dirs: HostDirs, workspace: string): Promise<CodeServer> {
  installJapanese(dirs);
  return startCodeServer(dirs, workspace, { args: ['--locale', 'ja'] });
}

async function texts(f: Frame): Promise<Record<string, string>> {
  return f.evaluate(() => ({
    lang: document.documentElement.lang,
    send: document.getElementById('send')?.textContent ?? '',
    placeholder: (document.getElementById('question') as HTMLTextAreaElement | null)?.placeholder ?? '',
    welcome: document.querySelector('.welcome-title')?.textContent ?? '',
    hint: document.querySelector('.format-hint')?.textContent ?? '',
    label: document.querySelector('.model-label')?.textContent ?? '',
    newChat: document.querySelector('.header button')?.textContent ?? '',
  }));
}

/** Polls a file until it has text (what a command typed in the terminal wrote). */
async function fileText(page: Page, file: string, timeout: number): Promise<string> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      if (text.trim() !== '') return text;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`expected ${file} to be written within ${timeout / 1000} s, got nothing`);
}

export function runL10nE2E(server: CodeServer, workspace: string, log: (m: string) => void): Promise<ScenarioResult[]> {
  return inBrowser(log, async (page, scenario) => {
    await scenario('l10n: with VS Code in Japanese, the command palette lists the commands in Japanese and the chat view speaks Japanese', async () => {
      await openWorkbench(page, server.url, workspace, 'train.tsv');
      // The palette shows the title from package.nls.ja.json: "Open Chat" is "チャットを開く".
      await openSidePanel(page, 'Seq2Seq Chat: チャットを開く');
      const f = await chatFrame(page, 'view', 60_000);
      await f.locator('#welcome').waitFor({ state: 'visible', timeout: 30_000 });
      const t = await texts(f);
      log(`  ${JSON.stringify(t)}`);
      expect(t.lang === 'ja', `expected <html lang="ja">, got ${JSON.stringify(t.lang)}`);
      expect(t.send === '送信', `expected Send as 送信, got ${JSON.stringify(t.send)}`);
      expect(t.newChat === '新しいチャット', `expected New chat as 新しいチャット, got ${JSON.stringify(t.newChat)}`);
      expect(t.placeholder.startsWith('質問を入力'), `expected a Japanese placeholder, got ${JSON.stringify(t.placeholder)}`);
      expect(t.welcome === '質問と回答のペアで学習したモデルとチャット', `expected the Japanese welcome, got ${JSON.stringify(t.welcome)}`);
      expect(/^ペアファイル: 1 行に 1 つの 質問⇥回答 /.test(t.hint), `expected the Japanese format hint with its code in place, got ${JSON.stringify(t.hint)}`);
      expect(t.label.startsWith('モデル: '), `expected the model label in Japanese, got ${JSON.stringify(t.label)}`);
      // the side bar alone, for the README (docs/images/chat-side-panel-ja.png is cut from it)
      await page.locator('.part.sidebar').screenshot({ path: join(SHOTS, 'l10n-ja-welcome.png') });
      // The default model speaks Japanese: ask it in Japanese, and the live region announces the reply in Japanese.
      const reply = await ask(f, 'こんにちは');
      expect(reply.trim() !== '', 'expected a reply to こんにちは');
      const announced = (await f.locator('#announce').textContent()) ?? '';
      expect(announced.startsWith('返答: '), `expected the announcement in Japanese, got ${JSON.stringify(announced)}`);
      expect(((await f.locator('.entry.bot .copy').first().textContent()) ?? '') === 'コピー', 'expected Copy as コピー');
      await shot(page, 'l10n-ja-chat-view');
    });

    await scenario('cli: "Open CLI in Terminal" opens a terminal where seq2seq-chat --version prints the version, from the .vsix', async () => {
      const out = join(workspace, 'cli-version.txt');
      await runCommand(page, 'Seq2Seq Chat: ターミナルで CLI を開く');
      const terminal = page.locator('.terminal-wrapper .xterm').first();
      await terminal.waitFor({ timeout: 30_000 });
      await page.locator('.terminal-tab, .single-terminal-tab, .tabs-list .monaco-list-row', { hasText: 'seq2seq-chat' }).first().waitFor({ timeout: 15_000 }).catch(() => undefined);
      await terminal.click();
      // the shell may still be starting: what is typed waits in its input buffer
      await page.keyboard.type(`seq2seq-chat --version 2>&1 | tee cli-version.txt; command -v seq2seq-chat >> cli-version.txt\n`);
      const text = await fileText(page, out, 30_000);
      log(`  ${text.replace(/\n/g, ' | ')}`);
      const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      const [first, where] = text.trim().split('\n');
      expect(first === `seq2seq-chat ${version}`, `expected "seq2seq-chat ${version}", got ${JSON.stringify(first)}`);
      expect(where.startsWith(server.dirs.data) && where.endsWith('/bin/seq2seq-chat'), `expected the launcher from the extension's storage, got ${JSON.stringify(where)}`);
      await shot(page, 'cli-terminal');
    });

    await scenario('l10n: the Settings editor shows the extension\'s settings in titled Japanese sections, in order', async () => {
      await runCommand(page, 'Preferences: Open Settings (UI)');
      // the editor opens with its search box focused
      await page.getByText('Commonly Used').first().waitFor({ timeout: 30_000 });
      await page.keyboard.type('@ext:seq2seq-chat.seq2seq-chat');
      // the table of contents: one row per section, "モデル (5)"
      const rows = page.locator('.settings-toc-container .monaco-list-row');
      await rows.filter({ hasText: '制限' }).first().waitFor({ timeout: 30_000 });
      const shown = (await rows.allTextContents()).map((x) => x.replace(/\(\d+\)/, '').trim());
      log(`  ${JSON.stringify(shown)}`);
      const expected = ['モデル', '学習', 'デコード', '質問の正規化', '制限', '保存先', '修正'];
      const order = expected.map((x) => shown.indexOf(x));
      expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), `expected the sections ${expected.join(', ')} in order, got ${JSON.stringify(shown)}`);
      await shot(page, 'l10n-ja-settings');
    });
  });
}
