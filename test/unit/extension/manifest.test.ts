/**
 * The extension manifest (package.json `contributes`) against the engine and the sources: setting
 * defaults equal DEFAULT_TRAIN_OPTIONS, every command is implemented, `when` clauses use our context key,
 * and the .vsix ships only what it should. Plain Node: reads files, imports no vscode.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DECODE_OPTIONS, DEFAULT_TRAIN_OPTIONS } from '../../../src/chat/defaults';
import { configurationSections, readManifest, settingsOf } from '../helpers/manifest';

const ROOT = join(__dirname, '../../../..');
interface Pkg {
  readonly main: string;
  readonly browser: string;
  readonly extensionKind: string[];
  readonly activationEvents: string[];
  readonly contributes: {
    readonly commands: { command: string; title: string; category: string }[];
    readonly configuration: unknown;
    readonly menus: Record<string, { command: string; when?: string }[]>;
  };
  readonly capabilities: { untrustedWorkspaces: { supported: unknown }; virtualWorkspaces: { supported: unknown } };
}
/** As VS Code shows it in English: `%key%` strings from package.nls.json. */
const pkg = readManifest<Pkg>();
const props = settingsOf(pkg);
const extensionSources = readdirSync(join(ROOT, 'extension')).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(ROOT, 'extension', f), 'utf8')).join('\n');

describe('package.json settings', () => {
  test('training defaults equal the engine\'s DEFAULT_TRAIN_OPTIONS', () => {
    const d = DEFAULT_TRAIN_OPTIONS;
    const expected: Record<string, unknown> = {
      'seq2seqChat.model.kind': d.model,
      'seq2seqChat.model.reverseInput': d.reverse,
      'seq2seqChat.model.tokenizer': d.tokenizer,
      'seq2seqChat.model.hiddenSize': d.hidden,
      'seq2seqChat.model.embeddingSize': d.wordvec,
      'seq2seqChat.training.epochs': d.epochs,
      'seq2seqChat.training.batchSize': d.batchSize,
      'seq2seqChat.training.learningRate': d.learningRate,
      'seq2seqChat.training.validationSplit': d.validation,
      'seq2seqChat.training.patience': d.patience,
      'seq2seqChat.training.seed': d.seed,
      // null: automatic, 2 threads for batches of 64 or more on 2+ processors (src/train/parallel.ts autoThreads)
      'seq2seqChat.training.threads': d.threads ?? null,
      'seq2seqChat.training.includeDefaultPairs': d.includeDefaultPairs ?? true,
      'seq2seqChat.normalize.nfkc': d.normalize.nfkc,
      'seq2seqChat.normalize.lowercase': d.normalize.lowercase,
      'seq2seqChat.normalize.collapseSpaces': d.normalize.collapseSpaces,
      'seq2seqChat.normalize.stripTrailingPunctuation': d.normalize.stripTrailingPunctuation,
      'seq2seqChat.decoding.strategy': DEFAULT_DECODE_OPTIONS.strategy,
      // null: the model's own limit (its longest trained answer plus a margin)
      'seq2seqChat.decoding.maxReplyLength': DEFAULT_DECODE_OPTIONS.maxLength ?? null,
      // null: the model's own threshold (Reply.sure)
      'seq2seqChat.decoding.confidenceThreshold': null,
    };
    for (const [key, value] of Object.entries(expected)) {
      assert.ok(props[key], `expected setting ${key}`);
      assert.equal(props[key].default, value, `${key}: expected default ${String(value)}, got ${String(props[key].default)}`);
    }
  });

  test('every setting has a description, and every setting is read in extension/settings.ts', () => {
    const settingsSource = readFileSync(join(ROOT, 'extension/settings.ts'), 'utf8');
    for (const [key, p] of Object.entries(props)) {
      const text = p.markdownDescription ?? p.description;
      assert.ok(text && text.length > 10, `${key}: expected a description`);
      const short = key.slice('seq2seqChat.'.length);
      assert.ok(settingsSource.includes(`'${short}'`), `${key}: expected extension/settings.ts to read '${short}'`);
    }
  });
});

describe('package.json settings layout (issue #12 item 6)', () => {
  test('settings are ordered by section — model, training, decoding, normalize, limits, storage, corrections — not alphabetically', () => {
    const ordered = Object.entries(props).sort(([, a], [, b]) => (a.order ?? Infinity) - (b.order ?? Infinity));
    for (const [key, p] of ordered) assert.equal(typeof p.order, 'number', `${key}: expected an order`);
    const sections = ordered.map(([key]) => key.split('.')[1]).filter((sec, i, all) => sec !== all[i - 1]);
    assert.deepEqual(sections, ['model', 'training', 'decoding', 'normalize', 'limits', 'storage', 'corrections']);
  });

  test('settings come in titled sections, in that order, each holding only its own settings, described in markdown', () => {
    const sections = configurationSections(pkg);
    assert.deepEqual(sections.map((s) => s.title), ['Model', 'Training', 'Decoding', 'Question normalisation', 'Limits', 'Storage', 'Corrections']);
    assert.deepEqual(sections.map((s) => s.order), [1, 2, 3, 4, 5, 6, 7]);
    for (const s of sections) {
      const keys = Object.keys(s.properties);
      assert.ok(keys.length > 0, `${s.title}: expected settings`);
      for (const key of keys) {
        assert.equal(`seq2seqChat.${key.split('.')[1]}`, s.id, `${key} is in section ${s.id}`);
        assert.ok((s.properties[key].markdownDescription ?? '').length > 10, `${key}: expected a markdownDescription`);
      }
    }
  });

  test('settings that count tokens say what a token is, in markdown that links the tokenizer setting', () => {
    for (const key of ['seq2seqChat.decoding.maxReplyLength', 'seq2seqChat.limits.maxVocabulary']) {
      assert.match(props[key].markdownDescription ?? '', /words by default, characters with `#seq2seqChat\.model\.tokenizer#`/, key);
    }
  });
});

describe('the walkthrough (issue #12 item 1)', () => {
  interface Step { readonly id: string; readonly description: string; readonly media: { readonly image?: string; readonly markdown?: string }; readonly completionEvents: string[] }
  const walkthroughs = (pkg.contributes as unknown as { walkthroughs: { id: string; steps: Step[] }[] }).walkthroughs;

  test('pairs → train → chat → evaluate, each step with its command, its media shipped, and an event that completes it', () => {
    assert.deepEqual(walkthroughs.map((w) => w.steps.map((s) => s.id)), [['pairs', 'train', 'chat', 'evaluate']]);
    const ids = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const step of walkthroughs[0].steps) {
      const links = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.equal(links.length, 1, `${step.id}: expected one command link`);
      assert.ok(ids.has(links[0]), `${step.id}: ${links[0]} is not a contributed command`);
      const media = step.media.image ?? step.media.markdown ?? '';
      assert.ok(media.startsWith('media/walkthrough/') && readFileSync(join(ROOT, media)).length > 100, `${step.id}: expected media under media/walkthrough/, got ${media}`);
      assert.equal(step.completionEvents.length, 1, step.id);
    }
  });
});

describe('package.json commands and menus', () => {
  test('every command is in the Seq2Seq Chat category and registered in extension/', () => {
    for (const c of pkg.contributes.commands) {
      assert.equal(c.category, 'Seq2Seq Chat', c.command);
      assert.ok(extensionSources.includes(`'${c.command}'`), `expected extension/ to register ${c.command}`);
    }
  });

  test('menus only name contributed commands, and training commands depend on seq2seqChat.training', () => {
    const ids = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const it of items) assert.ok(ids.has(it.command), `${menu}: ${it.command} is not a contributed command`);
    }
    const palette = pkg.contributes.menus['commandPalette'];
    assert.equal(palette.find((m) => m.command === 'seq2seqChat.stopTraining')?.when, 'seq2seqChat.training');
    assert.equal(palette.find((m) => m.command === 'seq2seqChat.train')?.when, '!seq2seqChat.training');
  });

  test('Train… is offered in the explorer and editor menus on pairs files only, not on package.json or notes.txt', () => {
    /** Whether a `when` clause's file part holds for a file name (languageId: what VS Code would give it). */
    const offered = (when: string, name: string, languageId: string): boolean => {
      const ext = /\.[^.]+$/.exec(name)?.[0] ?? '';
      const tests = [...when.matchAll(/(resourceExtname|resourceFilename) =~ \/(.+?)\/(?= |\))/g)].map(([, key, re]) => new RegExp(re).test(key === 'resourceExtname' ? ext : name));
      return (/resourceLangId == pairs/.test(when) && languageId === 'pairs') || tests.some(Boolean);
    };
    for (const menu of ['explorer/context', 'editor/context', 'editor/title/context']) {
      const train = pkg.contributes.menus[menu].find((m) => m.command === 'seq2seqChat.train');
      assert.ok(train?.when, `${menu}: expected Train…`);
      for (const [name, lang] of [['faq.pairs.tsv', 'pairs'], ['mine.tsv', 'plaintext'], ['mine.tsv', 'pairs'], ['qa.csv', 'csv'], ['qa.jsonl', 'jsonl'], ['qa.pairs.json', 'json'], ['qa.pairs.txt', 'plaintext']]) {
        assert.equal(offered(train.when, name, lang), true, `${menu}: ${name}`);
      }
      for (const [name, lang] of [['package.json', 'json'], ['tsconfig.json', 'jsonc'], ['notes.txt', 'plaintext'], ['README.md', 'markdown']]) {
        assert.equal(offered(train.when, name, lang), false, `${menu}: ${name}`);
      }
    }
  });

  test('a window pays nothing until the chat, a command or a pairs file is used: no startup activation, no test-only commands', () => {
    assert.deepEqual(pkg.activationEvents.filter((e) => e === '*' || e === 'onStartupFinished'), []);
    for (const e of ['onView:seq2seqChat.chatView', 'onWebviewPanel:seq2seqChat.chatPanel', 'onLanguage:pairs']) assert.ok(pkg.activationEvents.includes(e), e);
    const ids = pkg.contributes.commands.map((c) => c.command);
    assert.deepEqual(ids.filter((id) => id === 'seq2seqChat.ask' || id === 'seq2seqChat.diagnostics'), [], 'test-only commands are registered in ExtensionMode.Test only');
    assert.match(readFileSync(join(ROOT, 'extension/extension.ts'), 'utf8'), /if \(context\.extensionMode === vscode\.ExtensionMode\.Test\) \{[^}]*registerTestCommands/);
  });

  test('capabilities declare untrusted workspaces as limited (see settings.test.ts) and virtual workspaces as supported', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.equal(pkg.capabilities.virtualWorkspaces.supported, true);
    assert.equal(pkg.main, './dist/extension.js');
  });

  test('VS Code for the Web: a browser entry, and extensionKind workspace so desktop and remote keep the Node build', () => {
    assert.equal(pkg.browser, './dist/web/extension.js');
    assert.deepEqual(pkg.extensionKind, ['workspace']);
  });
});

describe('.vscodeignore', () => {
  test('ships only the bundles, webview assets, the default model and its pairs, and the package files', () => {
    const lines = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!'));
    assert.deepEqual(lines.map((l) => l.slice(1)).sort(), [
      'CHANGELOG.md', 'LICENSE', 'README.md', 'data/default/model.s2s', 'data/default/pairs.tsv', 'data/default/smalltalk.tsv',
      'dist/*.js.map', 'dist/chat.js', 'dist/cli.js', 'dist/extension.js', 'dist/insight.js', 'dist/web/extension.js', 'dist/worker.js',
      'l10n/bundle.l10n.ja.json', 'media/chat-dark.svg', 'media/chat-light.svg', 'media/chat.css', 'media/chat.svg', 'media/icon.png', 'media/insight.css', 'media/walkthrough/**', 'package.json',
      'package.nls.ja.json', 'package.nls.json',
      'syntaxes/pairs.language-configuration.json', 'syntaxes/pairs.tmLanguage.json',
    ]);
  });
});

describe('marketplace readiness (issue #12 item 9)', () => {
  const raw = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { icon: string; repository: { url: string }; keywords: string[]; scripts: Record<string, string> };

  test('the icon is a 128×128 PNG of our own (scripts/make-icon.js draws it)', () => {
    const png = readFileSync(join(ROOT, raw.icon));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.toString('ascii', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  test('repository, keywords and a changelog are there, and packaging no longer needs --allow-missing-repository', () => {
    assert.match(raw.repository.url, /^https:\/\//);
    assert.ok(raw.keywords.length >= 5 && raw.keywords.length <= 30, 'vsce takes at most 30 keywords');
    assert.match(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), /^# Changelog\n[\s\S]*## \[0\.1\.0\]/);
    assert.doesNotMatch(raw.scripts.package, /allow-missing-repository/);
  });

  test('the Node bundles (extension, worker, CLI) are not minified and every bundle has a source map, so stack traces are readable', () => {
    type Config = { name: string; devtool: string; optimization?: { minimize?: boolean } };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const configs = (require(join(ROOT, 'webpack.config.js')) as (env: unknown, argv: { mode: string }) => Config[])(undefined, { mode: 'production' });
    assert.deepEqual(configs.map((c) => c.name).sort(), ['cli', 'extension', 'web-extension', 'web-worker', 'webview', 'worker']);
    for (const c of configs) assert.match(c.devtool, /source-map/, c.name);
    // The webviews' and the browser build's bundles (docs/web.md) are minified: a browser downloads them.
    for (const c of configs.filter((x) => x.name !== 'webview' && !x.name.startsWith('web-'))) assert.equal(c.optimization?.minimize, false, c.name);
  });
});

describe('layering', () => {
  test('src/ never imports vscode and media/ never imports extension code', () => {
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    for (const f of walk('src')) assert.doesNotMatch(readFileSync(join(ROOT, f), 'utf8'), /from 'vscode'|require\('vscode'\)/, f);
    for (const f of walk('media')) assert.doesNotMatch(readFileSync(join(ROOT, f), 'utf8'), /from '\.\.\/extension|from 'vscode'/, f);
  });
});

describe('test-only commands', () => {
  test('no command a user can run from the palette or a button is registered only in ExtensionMode.Test', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    const source = readFileSync(join(ROOT, 'extension', 'commands.ts'), 'utf8');
    const start = source.indexOf('export function registerTestCommands(');
    assert.ok(start >= 0, 'registerTestCommands is in extension/commands.ts');
    const end = source.indexOf('\nexport function', start + 1);
    const testOnly = [...source.slice(start, end < 0 ? undefined : end).matchAll(/registerSafeCommand\(context, log, '([\w.]+)'/g)].map((m) => m[1]);
    assert.deepEqual(testOnly.sort(), ['seq2seqChat.ask', 'seq2seqChat.diagnostics', 'seq2seqChat.replyOnHost']);
    for (const c of testOnly) assert.ok(!contributed.has(c), `${c} is contributed in package.json but registered only for tests`);
    // and the commands the webview's buttons run are registered for everyone
    const everyone = source.slice(0, start) + (end < 0 ? '' : source.slice(end));
    for (const c of ['seq2seqChat.showDashboard', 'seq2seqChat.why']) assert.match(everyone, new RegExp(`registerSafeCommand\\(context, log, '${c.replace('.', '\\.')}'`));
  });
});
