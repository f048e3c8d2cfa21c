/**
 * Localised strings for the webviews (issue #12 item 8). The extension translates its own strings with
 * `vscode.l10n.t`; a webview has no `vscode` API, so the extension hands it the loaded bundle
 * (`vscode.l10n.bundle`: English message → translation, from l10n/bundle.l10n.<language>.json) in the page,
 * and the webview looks its English messages up here. Placeholders are `{0}`, `{1}`… as in `vscode.l10n.t`.
 */

/** English message → translated message; empty for English (every message is its own translation). */
export type L10nBundle = Readonly<Record<string, string>>;

/** `{0}`, `{1}`… replaced by the arguments; a placeholder without an argument stays as it is (as in vscode.l10n.t). */
export function formatMessage(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const arg = args[Number(i)];
    return arg === undefined ? whole : String(arg);
  });
}

/** Text as an HTML attribute value (the bundle travels in `data-l10n="…"`): no character can end the attribute or start markup. */
export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The bundle from the page's `data-l10n` attribute: a JSON object of strings; anything else is an empty bundle. */
export function parseBundle(json: string | undefined): L10nBundle {
  if (!json) return {};
  try {
    const raw: unknown = JSON.parse(json);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
    return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** A translator over one bundle: the translation of `message` (or `message` itself), placeholders filled. */
export function translator(bundle: L10nBundle): (message: string, ...args: (string | number)[]) => string {
  return (message, ...args) => formatMessage(Object.prototype.hasOwnProperty.call(bundle, message) ? bundle[message] : message, args);
}
