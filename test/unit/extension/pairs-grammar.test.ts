/** The `pairs` TextMate grammar and manifest (issue #12 item 2): question and answer get their own scopes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');

interface Rule {
  readonly match: string;
  readonly name?: string;
  readonly captures?: Record<string, { readonly name: string }>;
}

const grammar = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'pairs.tmLanguage.json'), 'utf8')) as { scopeName: string; patterns: Rule[] };

/** The scopes the first matching rule gives a line: [text, scope] for each capture, or the whole line's. */
function scopes(line: string): [string, string][] {
  for (const rule of grammar.patterns) {
    const m = new RegExp(rule.match).exec(line);
    if (!m) continue;
    if (rule.name) return [[m[0], rule.name]];
    return Object.entries(rule.captures ?? {}).filter(([i]) => m[Number(i)] !== undefined).map(([i, c]) => [m[Number(i)], c.name]);
  }
  return [];
}

describe('the pairs grammar', () => {
  test('colours the question and the answer apart, and a third field as invalid', () => {
    assert.deepEqual(scopes('how are you\tfine thanks'), [
      ['how are you', 'entity.name.function.question.pairs'],
      ['\t', 'punctuation.separator.tab.pairs'],
      ['fine thanks', 'string.unquoted.answer.pairs'],
    ]);
    assert.deepEqual(scopes('a\tb\tc').map(([, s]) => s).at(-1), 'invalid.illegal.extra-field.pairs');
  });

  test('comments are comments; a line without a tab gets no question or answer scope', () => {
    assert.deepEqual(scopes('  # a note'), [['  # a note', 'comment.line.number-sign.pairs']]);
    assert.deepEqual(scopes('how are you    fine'), []);
  });

  test('the manifest ties the grammar, the language and its tab settings together', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { languages: { id: string; filenamePatterns: string[] }[]; grammars: { language: string; scopeName: string; path: string }[]; configurationDefaults: Record<string, Record<string, unknown>> };
    };
    const c = pkg.contributes;
    assert.deepEqual(c.languages.map((l) => [l.id, l.filenamePatterns]), [['pairs', ['*.pairs.tsv']]]);
    assert.deepEqual(c.grammars, [{ language: 'pairs', scopeName: grammar.scopeName, path: './syntaxes/pairs.tmLanguage.json' }]);
    assert.equal(c.configurationDefaults['[pairs]']['editor.insertSpaces'], false);
    const shipped = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
    assert.match(shipped, /^!syntaxes\/pairs\.tmLanguage\.json$/m, 'the grammar ships in the .vsix');
  });
});
