/**
 * package.json as VS Code reads it: every `%key%` string replaced from package.nls.json (or
 * package.nls.<language>.json), and the settings of all `contributes.configuration` sections in one table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../../../..');

export interface SettingSchema {
  readonly type?: string | string[];
  readonly default?: unknown;
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly enum?: unknown[];
  readonly enumDescriptions?: string[];
  readonly order?: number;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
}

export interface ConfigurationSection {
  readonly id?: string;
  readonly title: string;
  readonly order?: number;
  readonly properties: Record<string, SettingSchema>;
}

/** The raw package.json text parsed, with no substitution. */
export function rawManifest(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
}

/** The strings of package.nls.json, or of package.nls.<language>.json. */
export function nlsStrings(language?: string): Record<string, string> {
  return JSON.parse(readFileSync(join(ROOT, language ? `package.nls.${language}.json` : 'package.nls.json'), 'utf8')) as Record<string, string>;
}

/** Every `%key%` string value in `value`, recursively. */
export function nlsKeys(value: unknown): string[] {
  if (typeof value === 'string') {
    const m = /^%([\w.-]+)%$/.exec(value);
    return m ? [m[1]] : [];
  }
  if (Array.isArray(value)) return value.flatMap(nlsKeys);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(nlsKeys);
  return [];
}

function substitute(value: unknown, strings: Record<string, string>): unknown {
  if (typeof value === 'string') {
    const m = /^%([\w.-]+)%$/.exec(value);
    if (!m) return value;
    const s = strings[m[1]];
    if (s === undefined) throw new Error(`package.json: expected "${m[1]}" in the nls strings, got nothing`);
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, strings));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, strings)]));
  return value;
}

/** package.json with its `%key%` strings resolved, as VS Code shows it in `language` (English without one). */
export function readManifest<T>(language?: string): T {
  return substitute(rawManifest(), nlsStrings(language)) as T;
}

/** The configuration sections (an array in package.json; a single object is one section). */
export function configurationSections(pkg: { contributes: { configuration: unknown } }): ConfigurationSection[] {
  const c = pkg.contributes.configuration;
  return (Array.isArray(c) ? c : [c]) as ConfigurationSection[];
}

/** Every setting of every section, by key. */
export function settingsOf(pkg: { contributes: { configuration: unknown } }): Record<string, SettingSchema> {
  return Object.assign({}, ...configurationSections(pkg).map((s) => s.properties)) as Record<string, SettingSchema>;
}
