/**
 * The Japanese UI (issue #12 item 8), checked from the sources: every `%key%` of package.json has an English
 * and a Japanese string; every string the extension translates (`vscode.l10n.t('…')`, and the names of the
 * commands that `handleError` shows) and every string the webviews translate (`t('…')` in media/) has a
 * Japanese entry in l10n/bundle.l10n.ja.json; placeholders agree; and the webviews show no English that
 * skips `t`. Plain Node: reads files, imports no vscode.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeAttribute, formatMessage, parseBundle, translator } from '../../../src/chat/l10n';
import { nlsKeys, nlsStrings, rawManifest, readManifest, ROOT } from '../helpers/manifest';

const sources = (dir: string): [string, string][] =>
  readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => [`${dir}/${f}`, readFileSync(join(ROOT, dir, f), 'utf8')]);
/** A single-quoted TypeScript string literal's value (the sources use no other escapes than \' and \\). */
const literal = (body: string): string => body.replace(/\\(['\\])/g, '$1');
const LITERAL = `'((?:[^'\\\\\\n]|\\\\.)*)'`;
const placeholders = (s: string): string[] => [...new Set([...s.matchAll(/\{(\d+)\}/g)].map((m) => m[1]))].sort();

/** The messages the extension translates, with where each is used. */
function extensionMessages(): Map<string, string> {
  const found = new Map<string, string>();
  for (const [file, src] of sources('extension')) {
    for (const m of src.matchAll(new RegExp(`\\bl10n\\.t\\(\\s*${LITERAL}`, 'g'))) found.set(literal(m[1]), file);
    // handleError shows the command's name (`what`), translated with l10n.t(what): these literals too.
    for (const m of src.matchAll(new RegExp(`registerSafeCommand\\(context, log, (?:'[\\w.]+'|[A-Z_]+), ${LITERAL}`, 'g'))) found.set(literal(m[1]), file);
    for (const m of src.matchAll(new RegExp(`handleError\\([\\w.]+, ${LITERAL}`, 'g'))) found.set(literal(m[1]), file);
  }
  return found;
}

/** The messages the webviews translate with media/l10n.ts's `t`. */
function webviewMessages(): Map<string, string> {
  const found = new Map<string, string>();
  for (const [file, src] of sources('media')) {
    for (const m of src.matchAll(new RegExp(`(?<![\\w.])t\\(\\s*${LITERAL}`, 'g'))) found.set(literal(m[1]), file);
  }
  return found;
}

const bundle = JSON.parse(readFileSync(join(ROOT, 'l10n/bundle.l10n.ja.json'), 'utf8')) as Record<string, string>;

describe('the manifest in English and Japanese (package.nls.json, package.nls.ja.json)', () => {
  const keys = nlsKeys(rawManifest());
  const en = nlsStrings();
  const ja = nlsStrings('ja');

  test('command titles, the view, settings, the walkthrough and the chat participant use %key% strings', () => {
    const pkg = rawManifest() as { contributes: { commands: { title: string }[]; views: Record<string, { name: string }[]>; walkthroughs: { title: string; steps: { title: string; description: string }[] }[] } };
    for (const c of pkg.contributes.commands) assert.match(c.title, /^%command\.[\w]+\.title%$/);
    for (const v of Object.values(pkg.contributes.views).flat()) assert.match(v.name, /^%.+%$/);
    for (const s of pkg.contributes.walkthroughs.flatMap((w) => w.steps)) {
      assert.match(s.title, /^%.+%$/);
      assert.match(s.description, /^%.+%$/);
    }
    assert.ok(keys.filter((k) => k.startsWith('config.')).length >= 30, `expected the settings' texts as %key% strings, got ${keys.length} keys in all`);
  });

  test('every %key% in package.json has an English and a Japanese string, and no string is left unused', () => {
    for (const k of keys) {
      assert.ok(en[k], `package.nls.json: expected "${k}"`);
      assert.ok(ja[k], `package.nls.ja.json: expected "${k}"`);
    }
    assert.deepEqual(Object.keys(en).filter((k) => !keys.includes(k)), [], 'package.nls.json: strings package.json does not use');
    assert.deepEqual(Object.keys(ja).filter((k) => !(k in en)), [], 'package.nls.ja.json: keys package.nls.json does not have');
  });

  test('Japanese strings keep the English ones\' command links, setting links and placeholders', () => {
    for (const [k, text] of Object.entries(en)) {
      const links = (s: string): string[] => [...s.matchAll(/\(command:[\w.]+\)|`#[\w.]+#`|\{\d+\}/g)].map((m) => m[0]).sort();
      assert.deepEqual(links(ja[k]), links(text), k);
    }
    // and they are Japanese, not copies (brand names aside)
    const copies = Object.keys(en).filter((k) => en[k] === ja[k] && k !== 'extension.displayName');
    assert.deepEqual(copies, []);
  });

  test('resolved in Japanese, the manifest names the commands and settings sections in Japanese', () => {
    const pkg = readManifest<{ contributes: { commands: { command: string; title: string }[]; configuration: { title: string }[] } }>('ja');
    assert.equal(pkg.contributes.commands.find((c) => c.command === 'seq2seqChat.openChat')?.title, 'チャットを開く');
    assert.deepEqual(pkg.contributes.configuration.map((s) => s.title), ['モデル', '学習', 'デコード', '質問の正規化', '制限', '保存先', '修正']);
  });
});

describe('the l10n bundle (l10n/bundle.l10n.ja.json)', () => {
  const ext = extensionMessages();
  const web = webviewMessages();

  test('the sources translate messages at all (the parsers find them)', () => {
    assert.ok(ext.size >= 60, `expected the extension's messages, found ${ext.size}`);
    assert.ok(web.size >= 60, `expected the webviews' messages, found ${web.size}`);
    assert.ok(ext.has('Show Log') && ext.has('Seq2Seq Chat: training on {0}') && ext.has('Train Model'), 'known extension messages');
    assert.ok(web.has('Send') && web.has('Did you mean:') && web.has('Training dashboard'), 'known webview messages');
  });

  test('every l10n.t literal in extension/ has a Japanese entry', () => {
    const missing = [...ext].filter(([m]) => !bundle[m]).map(([m, f]) => `${f}: ${m}`);
    assert.deepEqual(missing, []);
  });

  test('every t literal in media/ has a Japanese entry', () => {
    const missing = [...web].filter(([m]) => !bundle[m]).map(([m, f]) => `${f}: ${m}`);
    assert.deepEqual(missing, []);
  });

  test('the bundle holds no message the sources no longer use', () => {
    assert.deepEqual(Object.keys(bundle).filter((m) => !ext.has(m) && !web.has(m)), []);
  });

  test('placeholders {0}, {1}… are the same in each English message and its Japanese translation', () => {
    for (const [en, ja] of Object.entries(bundle)) assert.deepEqual(placeholders(ja), placeholders(en), `${en} → ${ja}`);
  });

  test('l10n.t is only called with a literal message, except handleError\'s command name (checked above)', () => {
    for (const [file, src] of sources('extension')) {
      const calls = [...src.matchAll(/\bl10n\.t\(\s*([^\s])/g)].map((m) => m[1]);
      const dynamic = calls.filter((c) => c !== "'");
      assert.deepEqual(dynamic, file === 'extension/log.ts' ? ['w'] : [], `${file}: l10n.t with a non-literal message`);
    }
  });
});

/**
 * The text of the string literal starting at `src[at]` (a ' or a ` quote), with a template's `${…}`
 * interpolations left out: what a reader would see of it as written.
 */
function literalTextAt(src: string, at: number): string {
  const quote = src[at];
  let text = '';
  for (let i = at + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      text += src[++i];
    } else if (c === quote) {
      return text;
    } else if (quote === '`' && c === '$' && src[i + 1] === '{') {
      let depth = 0;
      for (i++; i < src.length; i++) {
        if (src[i] === '{') depth++;
        else if (src[i] === '}' && --depth === 0) break;
      }
    } else {
      text += c;
    }
  }
  return text;
}

describe('the webviews show no English that skips t', () => {
  test('text, titles, placeholders, aria-labels, chart names and el() texts in media/ go through t', () => {
    // Where a user-visible string is written; the literal that follows must hold no English word.
    const sinks = /(?:textContent|title|placeholder)\s*=\s*(?=['`])|setAttribute\('aria-label',\s*(?=['`])|\bel\([^()]*?,\s*[^()]*?,\s*(?=['`])|(?:name|title|label):\s*(?=['`])/g;
    let checked = 0;
    for (const [file, src] of sources('media')) {
      if (file === 'media/l10n.ts') continue;
      const english = [...src.matchAll(sinks)].map((m) => literalTextAt(src, (m.index ?? 0) + m[0].length)).filter((text) => (checked++, /[A-Za-z]{2}/.test(text)));
      assert.deepEqual(english, [], `${file}: hard-coded English`);
    }
    assert.ok(checked >= 5, `expected some literals at those places (formats, file:line), found ${checked}`);
  });
});

describe('src/chat/l10n.ts (what the webviews run)', () => {
  test('formatMessage fills {0}, {1}… and leaves a placeholder without an argument', () => {
    assert.equal(formatMessage('{1} then {0}, {0} again; {2}', ['a', 3]), '3 then a, a again; {2}');
  });

  test('a translator uses the bundle\'s translation, else the English message', () => {
    const t = translator(parseBundle(JSON.stringify({ 'Ask "{0}"': '「{0}」と質問する' })));
    assert.equal(t('Ask "{0}"', 'こんにちは'), '「こんにちは」と質問する');
    assert.equal(t('Send'), 'Send');
    assert.equal(t('constructor'), 'constructor', 'no prototype lookups');
  });

  test('the Japanese bundle survives the trip through the page\'s data-l10n attribute', () => {
    const attr = escapeAttribute(JSON.stringify({ ...bundle, 'a "quoted" <b>&amp;</b>': 'x' }));
    assert.doesNotMatch(attr, /["<>]/);
    const unescaped = attr.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    assert.deepEqual(parseBundle(unescaped), { ...bundle, 'a "quoted" <b>&amp;</b>': 'x' });
  });

  test('parseBundle gives an empty bundle for nothing, bad JSON or a non-object, and keeps only strings', () => {
    for (const bad of [undefined, '', '{', '[1]', 'null', '"x"']) assert.deepEqual(parseBundle(bad), {});
    assert.deepEqual(parseBundle('{"a":"b","c":1}'), { a: 'b' });
  });
});
